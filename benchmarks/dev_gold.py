"""Gold verdicts for a labelled development set, judged by the labelling rules of ../shared/eligibility/README.md.

The development sets (``benchmarks/data/eligibility_dev/*_clauses.jsonl``) label text units of real documents:
``kind`` (support_measure | directive | statistic | heading | narrative), ``doc_kind``, and for support measures
the conditions, benefit and dates. This module turns the support measures into a gold folder in the shared
format (clauses.jsonl, profiles.jsonl, verdicts.jsonl), so ``../shared/eval/eligibility_eval.py`` scores them
exactly as it scores the held-out split. The verdicts are computed here from the labelled conditions with the
README's rules — written apart from policykg's matcher, which never sees these labels.
"""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path
from typing import Any

AS_OF = date(2020, 3, 1)
NATIONAL = "100000"
MAX_OUTSIDE_PAIRS = 1  # profiles outside a clause's region, per clause (their region condition is unmet)


def region_contains(region: str, county: str) -> bool:
    """Whether a county code lies in a region code (province XX0000, prefecture XXXX00, county, 100000 全国)."""
    region = str(region)
    if region == NATIONAL:
        return True
    if region.endswith("0000"):
        return county[:2] == region[:2]
    if region.endswith("00"):
        return county[:4] == region[:4]
    return county == region


def _compare(left: float, operator: str, right: float) -> bool:
    return {
        ">=": left >= right,
        "<=": left <= right,
        ">": left > right,
        "<": left < right,
        "==": left == right,
    }[operator]


def _industry_in(code: str, values: list[str]) -> bool:
    section, digits = code[0], code[1:]
    return any(v == section if v.isalpha() else digits.startswith(v) for v in map(str, values))


def outcome(condition: dict[str, Any], profile: dict[str, Any]) -> str:
    """met | unmet | unknown of one labelled condition for one profile (README rules)."""
    dim, op, value = condition["dimension"], condition["operator"], condition["value"]
    values = value if isinstance(value, list) else [value]
    facts = profile.get("facts") or {}

    def membership(held: bool | None) -> str:
        if held is None:
            return "unknown"
        return "met" if held == (op != "not_in") else "unmet"

    if dim == "region":
        return membership(any(region_contains(v, profile["region_code"]) for v in values))
    if dim == "scale":
        # 个体工商户 are classified 微型 (300号 第七条 参照执行), a null scale otherwise unknown
        scale = profile.get("scale") or ("微型" if profile.get("ownership") == "个体工商户" else None)
        return membership(None if scale is None else scale in values)
    if dim == "industry":
        return membership(None if not profile.get("industry_code") else _industry_in(profile["industry_code"], values))
    if dim == "ownership":
        return membership(None if profile.get("ownership") is None else profile["ownership"] in values)
    if dim == "qualification":
        held = profile.get("qualifications")
        if held is None:
            return "unknown"
        return membership(any(v in held for v in values))
    if dim in ("age_years", "employees", "revenue_wan") and "fact" not in condition:
        if dim == "age_years":
            if not profile.get("established"):
                return "unknown"
            left: Any = (AS_OF - date.fromisoformat(profile["established"])).days / 365.25
        else:
            left = profile.get("employees" if dim == "employees" else "annual_revenue_wan")
        if left is None:
            return "unknown"
        return "met" if _compare(float(left), op, float(value)) else "unmet"
    fact = condition.get("fact")
    if fact == "as_of":
        left = AS_OF.isoformat()
    elif fact is None or fact not in facts:
        return "unknown"
    else:
        left = facts[fact]
    if op in ("in", "not_in", "has"):
        return membership(left in values if isinstance(left, str) else bool(left))
    if isinstance(value, bool) or isinstance(left, bool):
        return "met" if (bool(left) == bool(value)) == (op == "==") else "unmet"
    if isinstance(left, str) or isinstance(value, str):
        return "met" if _compare_text(str(left), op, str(value)) else "unmet"
    return "met" if _compare(float(left), op, float(value)) else "unmet"


def _compare_text(left: str, operator: str, right: str) -> bool:
    return {">=": left >= right, "<=": left <= right, ">": left > right, "<": left < right, "==": left == right}[
        operator
    ]


def verdict_of(outcomes: list[str]) -> str:
    """ineligible if any condition is unmet, else undetermined if any is unknown, else eligible."""
    if "unmet" in outcomes:
        return "ineligible"
    return "undetermined" if "unknown" in outcomes else "eligible"


def measures_of(labels: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The labelled support measures, re-indexed per document (``clause_index`` among measures only)."""
    out: list[dict[str, Any]] = []
    seen: dict[str, int] = {}
    for unit in labels:
        if unit.get("kind") != "support_measure":
            continue
        index = seen.get(unit["docid"], 0)
        seen[unit["docid"]] = index + 1
        out.append({**unit, "clause_index": index})
    return out


def write_gold(labels: list[dict[str, Any]], profiles_path: Path, folder: Path) -> int:
    """Write clauses.jsonl, profiles.jsonl and verdicts.jsonl of the labelled measures to ``folder``;
    returns the number of pairs."""
    folder.mkdir(parents=True, exist_ok=True)
    profiles = [json.loads(line) for line in profiles_path.open(encoding="utf-8") if line.strip()]
    measures = measures_of(labels)
    with (folder / "clauses.jsonl").open("w", encoding="utf-8") as out:
        for m in measures:
            out.write(json.dumps(m, ensure_ascii=False) + "\n")
    (folder / "profiles.jsonl").write_text(profiles_path.read_text(encoding="utf-8"), encoding="utf-8")
    pairs = 0
    with (folder / "verdicts.jsonl").open("w", encoding="utf-8") as out:
        for m in measures:
            code = str((m.get("region") or {}).get("code") or NATIONAL)
            outside = 0
            for p in profiles:
                inside = region_contains(code, p["region_code"])
                if not inside:
                    if outside >= MAX_OUTSIDE_PAIRS:
                        continue
                    outside += 1
                outcomes = [outcome(c, p) for c in m["conditions"]]
                if not inside and "unmet" not in outcomes:
                    continue  # a labelling slip: no condition names the region; do not guess
                record = {
                    "profile_id": p["id"],
                    "docid": m["docid"],
                    "clause_index": m["clause_index"],
                    "verdict": verdict_of(outcomes),
                    "in_region": inside,
                    "conditions": [{"condition_index": i, "outcome": o} for i, o in enumerate(outcomes)],
                }
                out.write(json.dumps(record, ensure_ascii=False) + "\n")
                pairs += 1
    return pairs


def load_labels(paths: list[Path]) -> list[dict[str, Any]]:
    """Labelled units of the given JSONL files."""
    return [json.loads(line) for path in paths for line in path.open(encoding="utf-8") if line.strip()]
