"""督查: where policies land — per policy and per region, for the officials of a region (admins: everywhere).

Per policy: the stored profiles that qualify (eligible for at least one of its measures on the day), the events
delivered about it, its applications by status, its 免申即享 grants, the amount applied for (submitted
applications' estimates) and paid, and its average rating. Per region (the policies' own region): the measures
no stored profile qualifies for, and the measures profiles qualify for but none applied to or was granted —
"where policies do not land".
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import date
from typing import Any

from eligibility.measures import measures_from_graph
from eligibility.reverse import ProfileSet, match_profiles
from graph.base import GraphStore, Row
from ontology.eligibility import MeasureSpec, Verdict
from ontology.reference import load_gazetteer
from push.applications import APPLICATION, ApplicationStatus, Channel, in_scope
from push.feedback import FEEDBACK, average
from push.keys import KeyHolder
from push.models import EventStatus
from push.outbox import EVENT
from push.registry import all_profiles

APPLIED = (ApplicationStatus.SUBMITTED, ApplicationStatus.ACCEPTED, ApplicationStatus.REJECTED, ApplicationStatus.PAID)


@dataclass(frozen=True)
class _Policy:
    doc: Row
    measures: list[MeasureSpec]


def _region_name(code: str | None) -> str:
    if not code:
        return "（未注明）"
    gazetteer = load_gazetteer()
    return gazetteer.get(code).full_name if code in gazetteer else code


def _policies(store: GraphStore, holder: KeyHolder | None) -> dict[str, _Policy]:
    """The policies with measures the holder may oversee (every one when ``holder`` is ``None``), by source id."""
    by_doc: dict[str, list[MeasureSpec]] = {}
    for measure in measures_from_graph(store):
        by_doc.setdefault(measure.doc_id, []).append(measure)
    policies: dict[str, _Policy] = {}
    for doc_id, measures in by_doc.items():
        doc = store.get_node("NormativeDocument", doc_id)
        if doc is None or (holder is not None and not in_scope(holder, doc)):
            continue
        measures.sort(key=lambda m: m.span)
        policies[str(doc["source_id"])] = _Policy(doc, measures)
    return policies


def _measure_json(measure: MeasureSpec, number: int) -> dict[str, Any]:
    return {
        "source_id": measure.source_id,
        "measure_id": measure.clause_id,
        "number": number,
        "title": measure.title,
        "text": measure.clause_text[:80],
        "benefit_type": measure.benefit.type if measure.benefit else None,
    }


def dashboard(store: GraphStore, holder: KeyHolder | None, *, as_of: date) -> dict[str, Any]:
    """The 督查 view for ``holder`` (an official: its region and agency; an admin or ``None``: every policy).

    Returns ``{as_of, scope, totals, policies: [...], regions: [...]}`` (see the module docstring).
    """
    policies = _policies(store, holder)
    measures = [m for p in policies.values() for m in p.measures]
    qualifying: dict[str, set[int]] = {}  # clause id → profile rows eligible for it
    stored = all_profiles(store)
    if measures and stored:
        for row, result in match_profiles(measures, ProfileSet.of(stored, as_of), at_least=Verdict.ELIGIBLE):
            for _, clause_id in ((result.measure.source_id, result.measure.clause_id), *result.measure.copies):
                qualifying.setdefault(clause_id, set()).add(row)
    delivered = Counter(
        str(e.get("source_id")) for e in store.find_nodes(EVENT, {"status": EventStatus.DELIVERED.value})
    )
    applications: dict[str, list[Row]] = {}
    for node in store.find_nodes(APPLICATION):
        applications.setdefault(str(node["source_id"]), []).append(node)
    ratings: dict[str, list[int]] = {}
    for node in store.find_nodes(FEEDBACK):
        ratings.setdefault(str(node["source_id"]), []).append(int(node["rating"]))

    policy_rows: list[dict[str, Any]] = []
    regions: dict[str, dict[str, Any]] = {}
    for source_id, policy in sorted(policies.items()):
        apps = applications.get(source_id, [])
        applied = [a for a in apps if a.get("channel") != Channel.AUTO_GRANT.value]
        grants = [a for a in apps if a.get("channel") == Channel.AUTO_GRANT.value]
        rows = set().union(*(qualifying.get(m.clause_id, set()) for m in policy.measures))
        by_status = Counter(str(a["status"]) for a in applied)
        policy_rows.append(
            {
                "source_id": source_id,
                "title": policy.doc.get("title") or source_id,
                "region_code": policy.doc.get("region_code"),
                "measures": len(policy.measures),
                "qualifying_profiles": len(rows),
                "delivered_events": delivered.get(source_id, 0),
                "applications": {s.value: by_status.get(s.value, 0) for s in ApplicationStatus},
                "grants": len(grants),
                "amount_applied_wan": round(
                    sum(a.get("amount_applied_wan") or 0.0 for a in applied if a["status"] in APPLIED), 4
                ),
                "amount_granted_wan": round(sum(a.get("amount_applied_wan") or 0.0 for a in grants), 4),
                "amount_paid_wan": round(
                    sum(a.get("amount_paid_wan") or 0.0 for a in apps if a["status"] == "paid"), 4
                ),
                "average_rating": average(ratings.get(source_id, [])),
                "ratings": len(ratings.get(source_id, [])),
            }
        )
        code = str(policy.doc.get("region_code") or "")
        region = regions.setdefault(
            code,
            {
                "region_code": code or None,
                "region_name": _region_name(code),
                "measures": 0,
                "without_qualifying": [],
                "qualifying_without_application": [],
            },
        )
        reached = {str(a["clause_id"]) for a in apps}
        for number, measure in enumerate(policy.measures, start=1):
            region["measures"] += 1
            count = len(qualifying.get(measure.clause_id, set()))
            if count == 0:
                region["without_qualifying"].append(_measure_json(measure, number))
            elif measure.clause_id not in reached:
                region["qualifying_without_application"].append(
                    {**_measure_json(measure, number), "qualifying_profiles": count}
                )
    totals = {
        key: sum(p[key] for p in policy_rows)
        for key in ("measures", "qualifying_profiles", "delivered_events", "grants", "ratings")
    }
    for key in ("amount_applied_wan", "amount_granted_wan", "amount_paid_wan"):
        totals[key] = round(sum(p[key] for p in policy_rows), 4)
    totals["applications"] = {s.value: sum(p["applications"][s.value] for p in policy_rows) for s in ApplicationStatus}
    totals["policies"] = len(policy_rows)
    scope = "all" if holder is None or holder.region_code is None else holder.region_code
    return {
        "as_of": as_of.isoformat(),
        "scope": scope,
        "totals": totals,
        "policies": policy_rows,
        "regions": sorted(regions.values(), key=lambda r: r["region_code"] or ""),
    }
