"""Condition extraction on a development set of labelled clauses, scored by ../shared/eval/conditions_eval.py.

Ingests the set's documents (``benchmarks/data/eligibility_dev/<set>_docs.jsonl``, or the NCP corpus for the
``ncp_a``/``ncp_b``/``ncp_c`` sets) into a temporary data dir, writes what ``policykg conditions SOURCE_ID --json``
prints for each labelled document, turns the labelled support measures into the scorer's gold format, and runs the
shared scorer: clauses found, structured-condition recall, unsafe rate, benefit type and amount accuracy.

Usage: python benchmarks/conditions_dev.py newer|newer_b|newer_c|newer_d|newer_e|newer_f|ncp_a|ncp_b|ncp_c
                                           [--keep DIR] [--misses]
  --keep DIR  keeps gold.jsonl and answers/ in DIR
  --misses    also prints, per structured dimension, recall and precision (a found condition is right when the
              matched clause labels the same dimension, and for scale and region the same value, as the scorer
              compares them) and each miss and wrong condition with its clause
"""

from __future__ import annotations

import json
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from api.bootstrap import build_services  # noqa: E402
from api.settings import Settings  # noqa: E402
from eligibility.compiled import industry_value  # noqa: E402
from eligibility.measures import policy_conditions  # noqa: E402
from ingest.reference import reference_change  # noqa: E402
from ontology.errors import NotFoundError  # noqa: E402

SHARED = ROOT.parent / "shared"
DEV = ROOT / "benchmarks" / "data" / "eligibility_dev"


KIND_NAMES = {"per_person": "per_unit"}
STRUCT = ("region", "scale", "industry", "ownership", "age_years", "employees", "revenue_wan", "qualification")


def _overlap(measure: dict[str, Any], start: int, end: int) -> int:
    span = measure.get("source_span") or [0, 0]
    return int(min(span[1], end) - max(span[0], start))


def _best_measure(found: list[dict[str, Any]], start: int, end: int) -> dict[str, Any] | None:
    """The measure overlapping the span most, when it covers at least half of it (the scorer's matching)."""
    best = max(found, key=lambda m: _overlap(m, start, end), default=None)
    if best is None or _overlap(best, start, end) <= 0 or _overlap(best, start, end) < 0.5 * (end - start):
        return None
    return best


def _region_values(value: object) -> list[str]:
    return [str(x).rstrip("0") for x in (value if isinstance(value, list) else [value])]


def _same(dimension: str, gold: dict[str, Any], found: dict[str, Any]) -> bool:
    """Whether a found condition counts for a labelled one of the dimension (as conditions_eval.py counts)."""
    if dimension == "scale":
        return sorted(found.get("value") or []) == sorted(gold["value"])
    if dimension == "region":
        return any(v in _region_values(gold["value"]) for v in _region_values(found.get("value") or []))
    return True


def _same_codes(gold: dict[str, Any], found: dict[str, Any]) -> bool:
    """Whether an industry condition names the labelled industries (``F51`` and ``51`` alike)."""
    codes = {industry_value(str(v)) for v in found.get("value") or []}
    return codes == {industry_value(str(v)) for v in gold["value"]}


def structured_misses(measures: list[dict[str, Any]], answers: Path) -> str:
    """Per-dimension recall and precision of structured conditions, with each miss, each wrong condition and
    each industry condition found whose codes differ from the labelled ones (CODES)."""
    hits: dict[str, list[int]] = {d: [0, 0, 0, 0] for d in STRUCT}  # recall hit, labelled, right, found
    lines: list[str] = []
    for unit in measures:
        found = json.loads((answers / f"{unit['docid']}.json").read_text(encoding="utf-8"))
        start, end = unit["span"]
        best = _best_measure(found, start, end)
        if best is None:
            continue
        got = best.get("conditions") or []
        gold = unit["conditions"]
        where = f"{unit['docid']}@{start}: {unit['clause_text'][:90]}"
        for dimension in STRUCT:
            labelled = [c for c in gold if c["dimension"] == dimension]
            mine = [c for c in got if c.get("dimension") == dimension]
            for c in labelled:
                hit = any(_same(dimension, c, x) for x in mine)
                if hit and dimension == "industry" and not any(_same_codes(c, x) for x in mine):
                    shown = [(x.get("value"), x.get("text")) for x in mine]
                    lines.append(f"CODES industry {c['value']!r} «{c.get('text')}» got {shown} | {where}")
                hits[dimension][0] += hit
                hits[dimension][1] += 1
                if not hit:
                    shown = [(x.get("value"), x.get("text")) for x in mine]
                    lines.append(f"MISS {dimension} {c['value']!r} «{c.get('text')}» got {shown} | {where}")
            for x in mine:
                right = any(_same(dimension, c, x) for c in labelled)
                hits[dimension][2] += right
                hits[dimension][3] += 1
                if not right:
                    lines.append(f"WRONG {dimension} {x.get('value')!r} «{x.get('text')}» | {where}")
    table = [f"{d}: recall {h[0]}/{h[1]}, precision {h[2]}/{h[3]}" for d, h in hits.items() if h[1] or h[3]]
    return "\n".join(sorted(lines) + table)


def formula_agreement(measures: list[dict[str, object]], answers: Path) -> str:
    """How often the extracted amount formula has the labelled kind (and value), over clauses labelling one."""
    labelled = right_kind = right_value = 0
    for unit in measures:
        amount = (unit["benefit"] or {}).get("amount") or {}  # type: ignore[union-attr]
        if not amount.get("kind"):
            continue
        labelled += 1
        found = json.loads((answers / f"{unit['docid']}.json").read_text(encoding="utf-8"))
        start, end = unit["span"]  # type: ignore[misc]
        best = max(found, key=lambda m: min(m["source_span"][1], end) - max(m["source_span"][0], start), default=None)
        if best is None or min(best["source_span"][1], end) - max(best["source_span"][0], start) < 0.5 * (end - start):
            continue
        formula = (best.get("benefit") or {}).get("formula") or {}
        if formula.get("kind") == KIND_NAMES.get(amount["kind"], amount["kind"]):
            right_kind += 1
            value = amount.get("value")
            if amount.get("unit") == "元" and value is not None:
                value = value / 10000
            right_value += value is not None and abs(float(formula["value"]) - float(value)) < 1e-6
    return f"amount formula: kind right {right_kind} of {labelled} labelled, kind and value right {right_value}"


def main() -> int:
    """Run the scorer on one set; its exit status (0 when every bar is met)."""
    args = sys.argv[1:]
    keep = Path(args[args.index("--keep") + 1]) if "--keep" in args else None
    name = next((a for a in args if not a.startswith("--") and (keep is None or a != str(keep))), "newer")
    docs = DEV / f"{name}_docs.jsonl"
    if not docs.exists():
        docs = SHARED / "corpora" / "ncp-policies" / "docs.jsonl"
    labels = [json.loads(line) for line in (DEV / f"{name}_clauses.jsonl").open(encoding="utf-8") if line.strip()]
    measures = [u for u in labels if u["kind"] == "support_measure"]
    with tempfile.TemporaryDirectory() as scratch:
        tmp = keep or Path(scratch)
        tmp.mkdir(parents=True, exist_ok=True)
        services = build_services(Settings(policykg_data_dir=Path(tmp) / "data", policykg_embedder="none"))  # type: ignore[call-arg]
        services.store.write(reference_change(include_townships=False))
        summary = services.ingest([docs])
        print(f"ingested {summary.documents} documents", file=sys.stderr)
        answers = Path(tmp) / "answers"
        answers.mkdir(exist_ok=True)
        for docid in sorted({u["docid"] for u in measures}):
            try:
                found = policy_conditions(services.store, docid)
            except NotFoundError:
                found = []
            (answers / f"{docid}.json").write_text(json.dumps(found, ensure_ascii=False), encoding="utf-8")
        gold = Path(tmp) / "gold.jsonl"
        with gold.open("w", encoding="utf-8") as out:
            for u in measures:
                benefit = {"type": u["benefit"]["type"], "max_wan": u["benefit"].get("max_amount_wan")}
                record = {"source_id": u["docid"], "span": u["span"], "clause_text": u["clause_text"]}
                out.write(json.dumps({**record, "conditions": u["conditions"], "benefit": benefit}, ensure_ascii=False))
                out.write("\n")
        services.close()
        print(formula_agreement(measures, answers), file=sys.stderr)
        if "--misses" in args:
            print(structured_misses(measures, answers))
        scorer = SHARED / "eval" / "conditions_eval.py"
        return subprocess.run([sys.executable, str(scorer), str(gold), str(answers)]).returncode


if __name__ == "__main__":
    sys.exit(main())
