"""Applications (办理, 一次办): a consumer applies for a support measure on behalf of one of its profiles.

An application is created pre-filled from the profile and the facts it already answered, and lists only the
questions still open — those of the measure's conditions the profile cannot decide yet and the inputs its
amount needs (``eligibility.calculator``). Answers are stored on the profile's ``facts``, so an answer given
once serves every application of that profile: the open questions are always worked out afresh from the stored
profile. Status moves ``draft → submitted → accepted | rejected``, ``accepted → paid``; every change is kept with
its time and actor and becomes a webhook event to the consumer (through the outbox, signed like the match
events). Consumers see only their own applications; the officials of the issuing region (and agency) list and
decide those of their measures (``push.officials.check_document_scope``). A 免申即享 grant (``push.grants``) is
an application of channel ``auto_grant`` that starts accepted.
"""

from __future__ import annotations

import hashlib
import json
import secrets
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from enum import StrEnum
from typing import Any

from pydantic import BaseModel, Field

from eligibility.calculator import estimate_amount, find_measure
from eligibility.facts import question_for
from eligibility.matching import VALIDITY_TEXT, Matcher, MatchResult, missing_fact_name
from eligibility.profile import EnterpriseProfile, FactValue
from graph.base import GraphChange, GraphStore, NodeRecord, Row
from ontology.eligibility import MeasureSpec
from ontology.errors import ConflictError, InvalidInputError, NotFoundError
from push.errors import PermissionDeniedError
from push.keys import KeyHolder, Role
from push.officials import check_document_scope
from push.outbox import NewEvent, event_id_for, event_node, format_time
from push.registry import active_subscriptions, get_profile, upsert_profiles

APPLICATION = "Application"
EVENT_PREFIX = "application."


class ApplicationStatus(StrEnum):
    """Where an application stands."""

    DRAFT = "draft"
    SUBMITTED = "submitted"
    ACCEPTED = "accepted"
    REJECTED = "rejected"
    PAID = "paid"


class Channel(StrEnum):
    """How an application came about: applied for, or granted without one (免申即享)."""

    APPLICATION = "application"
    AUTO_GRANT = "auto_grant"


# the moves allowed, and who makes them: the consumer submits, the issuing region's officials decide and pay
NEXT_STATUS: dict[ApplicationStatus, frozenset[ApplicationStatus]] = {
    ApplicationStatus.DRAFT: frozenset({ApplicationStatus.SUBMITTED}),
    ApplicationStatus.SUBMITTED: frozenset({ApplicationStatus.ACCEPTED, ApplicationStatus.REJECTED}),
    ApplicationStatus.ACCEPTED: frozenset({ApplicationStatus.PAID}),
    ApplicationStatus.REJECTED: frozenset(),
    ApplicationStatus.PAID: frozenset(),
}
CONSUMER_MOVES = frozenset({ApplicationStatus.SUBMITTED})
STAFF_MOVES = frozenset({ApplicationStatus.ACCEPTED, ApplicationStatus.REJECTED, ApplicationStatus.PAID})
STATUS_LABELS = {"draft": "草稿", "submitted": "已提交", "accepted": "已受理", "rejected": "未通过", "paid": "已兑付"}


class StatusChange(BaseModel):
    """One entry of an application's history."""

    status: ApplicationStatus
    at: str
    by: str = Field(description="Who made the change: a consumer's or official's id, or 免申即享.")
    note: str | None = None


class ApplicationPublic(BaseModel):
    """An application as its consumer and the issuing officials see it."""

    id: str
    profile_id: str
    measure_id: str = Field(description="The measure's clause id.")
    source_id: str
    title: str
    region_code: str | None
    status: ApplicationStatus
    channel: Channel
    verdict: str = Field(description="The profile's verdict for the measure, judged now.")
    prefilled: dict[str, Any] = Field(description="What the application is pre-filled with: profile fields and facts.")
    open_questions: list[dict[str, str]] = Field(description="Questions still to answer (each fact asked once).")
    estimate: dict[str, Any] | None = Field(None, description="The 政策计算器 estimate of the amount.")
    amount_applied_wan: float | None = None
    amount_paid_wan: float | None = None
    history: list[StatusChange]
    created_at: str
    changed_at: str


@dataclass(frozen=True)
class ApplicationContext:
    """What every operation needs: the store, the matcher over the stored measures, the day and the time."""

    store: GraphStore
    matcher: Matcher
    now: datetime

    @property
    def as_of(self) -> date:
        """The day measures are judged on."""
        return self.now.date()


_PROFILE_FIELDS = (
    "name",
    "region_code",
    "industry_code",
    "established",
    "employees",
    "annual_revenue_wan",
    "total_assets_wan",
    "scale",
    "ownership",
    "qualifications",
)


def _result(context: ApplicationContext, profile: EnterpriseProfile, measure_id: str) -> MatchResult:
    return find_measure(context.matcher.match(profile, as_of=context.as_of, include_inactive=True), measure_id)


def open_questions(result: MatchResult, profile: EnterpriseProfile) -> list[dict[str, str]]:
    """The questions an application for ``result``'s measure still asks: the facts its unknown conditions need,
    then the inputs of its amount, each once."""
    asked: dict[str, dict[str, str]] = {}
    for condition, outcome in zip(result.measure.conditions, result.outcomes, strict=True):
        if outcome == "unknown":
            name = missing_fact_name(condition)
            asked.setdefault(name, question_for(name, condition.text))
    for question in estimate_amount(result.measure.benefit, profile).missing:
        asked.setdefault(question["fact"], dict(question))
    return list(asked.values())


def prefilled(result: MatchResult, profile: EnterpriseProfile) -> dict[str, Any]:
    """What the application is pre-filled with: the profile's fields, and the facts it answered that the
    measure reads (its conditions and its amount)."""
    fields = profile.model_dump(mode="json", include=set(_PROFILE_FIELDS), exclude_none=True)
    read = {c.fact for c in result.measure.conditions if c.fact}
    estimate = estimate_amount(result.measure.benefit, profile)
    read.update(estimate.inputs)
    facts = {name: value for name, value in profile.facts.items() if name in read}
    return {"profile_id": profile.id, **fields, "facts": facts}


def _history(row: Row) -> list[StatusChange]:
    return [StatusChange.model_validate(entry) for entry in json.loads(row.get("history_json") or "[]")]


def _profile_id(row: Row) -> str:
    return str(row["profile_id"])


def application_view(context: ApplicationContext, row: Row) -> ApplicationPublic:
    """An application as stored, with what is worked out afresh: verdict, pre-filled data, open questions and
    the estimate (from the stored profile, so answers given on another application count)."""
    profile: EnterpriseProfile | None
    try:
        profile = get_profile(context.store, row["consumer_id"], _profile_id(row))
        result: MatchResult | None = _result(context, profile, row["clause_id"])
    except NotFoundError:  # the profile was deleted or the measure is gone: the record stays
        profile, result = None, None
    status = ApplicationStatus(row["status"])
    questions = open_questions(result, profile) if result and profile and status is ApplicationStatus.DRAFT else []
    estimate = estimate_amount(result.measure.benefit, profile).to_json() if result and profile else None
    return ApplicationPublic(
        id=row["id"],
        profile_id=_profile_id(row),
        measure_id=row["clause_id"],
        source_id=row["source_id"],
        title=row.get("title") or "",
        region_code=row.get("region_code"),
        status=status,
        channel=Channel(row.get("channel") or Channel.APPLICATION.value),
        verdict=result.verdict if result else str(row.get("verdict") or ""),
        prefilled=prefilled(result, profile) if result and profile else {},
        open_questions=questions,
        estimate=estimate,
        amount_applied_wan=row.get("amount_applied_wan"),
        amount_paid_wan=row.get("amount_paid_wan"),
        history=_history(row),
        created_at=row["created_at"],
        changed_at=row.get("changed_at") or row["created_at"],
    )


def application_record(
    *,
    application_id: str,
    consumer_id: str,
    profile_id: str,
    measure: MeasureSpec,
    document: Row | None,
    verdict: str,
    status: ApplicationStatus,
    channel: Channel,
    history: Sequence[StatusChange],
    amount_applied_wan: float | None,
    estimate: dict[str, Any] | None,
) -> NodeRecord:
    """The Application node of a new application (or grant) for ``measure``."""
    stamp = history[-1].at
    return NodeRecord(
        APPLICATION,
        application_id,
        {
            "consumer_id": consumer_id,
            "profile_id": profile_id,
            "source_id": measure.source_id,
            "clause_id": measure.clause_id,
            "doc_id": measure.doc_id,
            "title": measure.title,
            "region_code": (document or {}).get("region_code") or measure.region_code,
            "issuers": list((document or {}).get("issuers") or []),
            "status": status.value,
            "channel": channel.value,
            "verdict": verdict,
            "amount_applied_wan": amount_applied_wan,
            "estimate_json": json.dumps(estimate, ensure_ascii=False) if estimate is not None else None,
            "history_json": json.dumps([h.model_dump(mode="json") for h in history], ensure_ascii=False),
            "created_at": history[0].at,
            "changed_at": stamp,
        },
    )


def status_events(store: GraphStore, record: NodeRecord, profile_name: str, now: datetime) -> list[NodeRecord]:
    """The outbox events telling the application's consumer (each of its active webhooks) about its latest
    status: ``application.<status>`` (``application.granted`` for a 免申即享 grant)."""
    props = record.props
    status = props["status"]
    kind = "granted" if props.get("channel") == Channel.AUTO_GRANT.value else status
    created_at = format_time(now)
    events = []
    for subscription_id, consumer_id, _ in active_subscriptions(store):
        if consumer_id != props["consumer_id"]:
            continue
        material = "\x1f".join((subscription_id, record.id, status, props["changed_at"]))
        key = hashlib.sha256(material.encode("utf-8")).hexdigest()
        event_id = event_id_for(key)
        body = {
            "type": EVENT_PREFIX + kind,
            "event_id": event_id,
            "created_at": created_at,
            "subscription_id": subscription_id,
            "profile": {"id": props["profile_id"], "name": profile_name},
            "application": {
                "id": record.id,
                "measure_id": props["clause_id"],
                "source_id": props["source_id"],
                "title": props.get("title") or "",
                "status": status,
                "status_text": STATUS_LABELS[status],
                "channel": props.get("channel"),
                "amount_applied_wan": props.get("amount_applied_wan"),
                "amount_paid_wan": props.get("amount_paid_wan"),
                "history": json.loads(props["history_json"]),
            },
        }
        event = NewEvent(
            consumer_id=consumer_id,
            subscription_id=subscription_id,
            profile_id=props["profile_id"],
            policy_doc_id=props["doc_id"],
            source_id=props["source_id"],
            clause_id=props["clause_id"],
            verdict=props.get("verdict") or "eligible",
            payload_json=json.dumps(body, ensure_ascii=False),
            idempotency_key=key,
        )
        events.append(event_node(event, now))
    return events


# --- consumers ------------------------------------------------------------------------------------------
def create_application(
    context: ApplicationContext, consumer_id: str, profile_id: str, measure_id: str
) -> ApplicationPublic:
    """A consumer's new draft application for one measure on behalf of one of its profiles.

    Raises:
        NotFoundError: the consumer has no such profile, or no such measure applies in its region.
        InvalidInputError: the measure is not in force today, or the profile does not qualify (a condition is
            unmet).
        ConflictError: the profile already has an open or decided application for the measure.
    """
    store = context.store
    profile = get_profile(store, consumer_id, profile_id)
    result = _result(context, profile, measure_id)
    if result.validity != "in_force":
        raise InvalidInputError(f"measure_id: 该措施{VALIDITY_TEXT[result.validity]}，不能申报")
    if result.verdict == "ineligible":
        unmet = [c.text for c, o in zip(result.measure.conditions, result.outcomes, strict=True) if o == "unmet"]
        raise InvalidInputError(f"measure_id: 企业不符合该措施的条件（{'；'.join(unmet)}）")
    clause_id = result.measure.clause_id
    for row in store.find_nodes(APPLICATION, {"consumer_id": consumer_id, "clause_id": clause_id}):
        if row.get("profile_id") == profile_id and row.get("status") != ApplicationStatus.REJECTED.value:
            raise ConflictError(f"measure_id: profile {profile_id!r} already has application {row['id']}")
    stamp = format_time(context.now)
    record = application_record(
        application_id=f"ap_{secrets.token_hex(8)}",
        consumer_id=consumer_id,
        profile_id=profile_id,
        measure=result.measure,
        document=store.get_node("NormativeDocument", result.measure.doc_id),
        verdict=result.verdict,
        status=ApplicationStatus.DRAFT,
        channel=Channel.APPLICATION,
        history=[StatusChange(status=ApplicationStatus.DRAFT, at=stamp, by=consumer_id)],
        amount_applied_wan=None,
        estimate=None,
    )
    store.write(GraphChange(nodes=[record, *status_events(store, record, profile.name, context.now)]))
    return application_view(context, {"id": record.id, **record.props})


def _owned(store: GraphStore, consumer_id: str, application_id: str) -> Row:
    row = store.get_node(APPLICATION, application_id)
    if row is None or row.get("consumer_id") != consumer_id:
        raise NotFoundError(f"application_id: no application {application_id!r}")
    return row


def answer_application(
    context: ApplicationContext,
    consumer_id: str,
    application_id: str,
    facts: dict[str, FactValue],
    *,
    submit: bool = False,
) -> ApplicationPublic:
    """Store answers on the application's profile (so they serve every application of it) and, with
    ``submit``, submit the application.

    Raises:
        NotFoundError: not one of the consumer's applications.
        ValidationError: an answer has the wrong type for its fact (named, in Chinese).
        ConflictError: submitting an application that is not a draft, or that still has open questions.
        InvalidInputError: the answers make the profile ineligible for the measure.
    """
    store = context.store
    row = _owned(store, consumer_id, application_id)
    profile = get_profile(store, consumer_id, _profile_id(row))
    if facts:
        profile = EnterpriseProfile.model_validate({**profile.model_dump(), "facts": {**profile.facts, **facts}})
        upsert_profiles(store, consumer_id, [profile])
    if not submit:
        return application_view(context, row)
    if row["status"] != ApplicationStatus.DRAFT.value:
        raise ConflictError(f"status: application {application_id} is {row['status']}, only a draft is submitted")
    result = _result(context, profile, row["clause_id"])
    if result.verdict == "ineligible":
        raise InvalidInputError("facts: 按所填信息，企业不符合该措施的条件")
    still_open = open_questions(result, profile)
    if still_open:
        asked = "；".join(q["question"] for q in still_open)
        raise ConflictError(f"facts: 提交前请先回答：{asked}")
    estimate = estimate_amount(result.measure.benefit, profile)
    extra = {"amount_applied_wan": estimate.amount_wan, "estimate_json": json.dumps(estimate.to_json())}
    return _move(
        context, row, ApplicationStatus.SUBMITTED, by=consumer_id, note=None, profile_name=profile.name, **extra
    )


def consumer_applications(store: GraphStore, consumer_id: str) -> list[Row]:
    """A consumer's applications (and grants) as stored, newest first (``application_view`` shows one)."""
    rows = store.find_nodes(APPLICATION, {"consumer_id": consumer_id})
    return sorted(rows, key=lambda r: (r["created_at"], r["id"]), reverse=True)


def get_application(context: ApplicationContext, holder: KeyHolder, application_id: str) -> ApplicationPublic:
    """One application: its consumer's, or one the official's region and agency issued.

    Raises:
        NotFoundError: a consumer asking for another consumer's application, or no such application.
        PermissionDeniedError: an official outside the issuing region or agency.
    """
    if holder.role is Role.CONSUMER:
        return application_view(context, _owned(context.store, holder.id, application_id))
    row = context.store.get_node(APPLICATION, application_id)
    if row is None:
        raise NotFoundError(f"application_id: no application {application_id!r}")
    check_document_scope(holder, row.get("region_code"), row.get("issuers") or [])
    return application_view(context, row)


# --- officials ------------------------------------------------------------------------------------------
def in_scope(holder: KeyHolder, row: Row) -> bool:
    """Whether an official or admin may see a record of a measure issued in ``row``'s region by its issuers."""
    try:
        check_document_scope(holder, row.get("region_code"), row.get("issuers") or [])
    except PermissionDeniedError:
        return False
    return True


def staff_applications(
    store: GraphStore,
    holder: KeyHolder,
    *,
    source_id: str | None = None,
    status: ApplicationStatus | None = None,
) -> list[Row]:
    """The applications of the measures an official's region (and agency) issued — every one for an admin —
    optionally of one policy and one status, newest first; an official of another region gets none."""
    where: Row = {}
    if source_id is not None:
        where["source_id"] = source_id
    if status is not None:
        where["status"] = status.value
    rows = [r for r in store.find_nodes(APPLICATION, where) if in_scope(holder, r)]
    return sorted(rows, key=lambda r: (r["created_at"], r["id"]), reverse=True)


def decide_application(
    context: ApplicationContext,
    holder: KeyHolder,
    application_id: str,
    status: ApplicationStatus,
    *,
    note: str | None = None,
    amount_paid_wan: float | None = None,
) -> ApplicationPublic:
    """An official accepts, rejects or pays an application of its region's measure.

    Raises:
        NotFoundError: no such application.
        PermissionDeniedError: a consumer, or an official outside the issuing region or agency.
        ConflictError: the move is not allowed from the current status.
        InvalidInputError: a status officials do not set (draft, submitted).
    """
    row = context.store.get_node(APPLICATION, application_id)
    if row is None:
        raise NotFoundError(f"application_id: no application {application_id!r}")
    check_document_scope(holder, row.get("region_code"), row.get("issuers") or [])
    if status not in STAFF_MOVES:
        raise InvalidInputError(f"status: officials set one of {', '.join(sorted(STAFF_MOVES))}")
    extra: dict[str, Any] = {}
    if status is ApplicationStatus.PAID:
        extra["amount_paid_wan"] = amount_paid_wan if amount_paid_wan is not None else row.get("amount_applied_wan")
    return _move(context, row, status, by=holder.id, note=note, profile_name=_profile_name(context.store, row), **extra)


def _profile_name(store: GraphStore, row: Row) -> str:
    """The applying company's name for the events ('' when its consumer has deleted the profile since)."""
    try:
        return get_profile(store, row["consumer_id"], _profile_id(row)).name
    except NotFoundError:
        return ""


def _move(
    context: ApplicationContext,
    row: Row,
    status: ApplicationStatus,
    *,
    by: str,
    note: str | None,
    profile_name: str,
    **changes: Any,
) -> ApplicationPublic:
    """Move an application to ``status`` (if allowed), recording who and when, and queue its events."""
    current = ApplicationStatus(row["status"])
    if status not in NEXT_STATUS[current]:
        allowed = ", ".join(sorted(NEXT_STATUS[current])) or "none"
        raise ConflictError(f"status: application {row['id']} is {current}; next allowed: {allowed}")
    stamp = format_time(context.now)
    history = [*_history(row), StatusChange(status=status, at=stamp, by=by, note=note)]
    props = {k: v for k, v in row.items() if k != "id"} | changes
    props.update(
        status=status.value,
        changed_at=stamp,
        history_json=json.dumps([h.model_dump(mode="json") for h in history], ensure_ascii=False),
    )
    record = NodeRecord(APPLICATION, row["id"], props)
    store = context.store
    store.write(GraphChange(nodes=[record, *status_events(store, record, profile_name, context.now)]))
    return application_view(context, {"id": row["id"], **props})
