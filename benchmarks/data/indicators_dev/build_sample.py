"""Draw the items of the indicator-link sample (run once; the labels were then written by hand from the text).

Items are what the system extracts and links to indicators: the annual-report items of seed 003, every mechanism
found in the seeds, the demonstration fixtures, the bundled agency notices and the 61 ``ncp-policies`` records
with the most 法治 vocabulary (at least four hits of a fixed word list, the 120 best), and the clauses of seed 001
and of the plan fixture (the proposal, reply and plan name indicator areas without being reports). Each item is
written as ``{"id", "kind", "source_id", "text", "context", "split"}``: ``text`` and ``context`` are what the linker
reads (``practices.indicator_links``: a report item's or clause's text; a mechanism's name and topics, with its
sentence as context). ``id`` is the first 12 hex digits of the SHA-1 of
kind, source id and text; the ``split`` is ``even`` or ``odd`` by the parity of its last digit.

    .venv/bin/python benchmarks/data/indicators_dev/build_sample.py ../shared > items.jsonl
"""

from __future__ import annotations

import hashlib
import json
import re
import sys
import tempfile
from pathlib import Path

from api.bootstrap import build_services
from api.settings import Settings
from practices.indicator_links import mechanism_text

ROOT = Path(__file__).resolve().parents[3]
WORDS = re.compile("法治|依法行政|执法|行政复议|政务服务|放管服|告知承诺|一网通办|矛盾纠纷|信息公开|督查|机制")
CLAUSE_SOURCES = ("seeds/001", "demonstrations/plans")


def _ncp_selection(shared: Path, folder: Path) -> Path:
    scored = []
    for line in (shared / "corpora" / "ncp-policies" / "docs.jsonl").open(encoding="utf-8"):
        hits = len(WORDS.findall(json.loads(line)["text"]))
        if hits >= 4:
            scored.append((hits, line))
    scored.sort(key=lambda pair: -pair[0])  # stable: ties keep corpus order
    path = folder / "ncp_sel.jsonl"
    path.write_text("".join(line for _, line in scored[:120]), encoding="utf-8")
    return path


def _item(kind: str, source_id: str, text: str, context: str = "") -> dict[str, str]:
    digest = hashlib.sha1(f"{kind}\n{source_id}\n{text}".encode()).hexdigest()[:12]
    split = "even" if int(digest[-1], 16) % 2 == 0 else "odd"
    return {"id": digest, "kind": kind, "source_id": source_id, "text": text, "context": context, "split": split}


def main(shared: Path) -> None:
    """Print the sample's items as JSON lines."""
    with tempfile.TemporaryDirectory() as folder:
        services = build_services(Settings(policykg_data_dir=Path(folder) / "data", policykg_embedder="none"))
        paths = [
            *sorted((shared / "corpora" / "seeds").glob("00*.txt")),
            ROOT / "tests" / "data" / "demonstrations",
            ROOT / "api" / "demo_policies",
            _ncp_selection(shared, Path(folder)),
        ]
        services.ingest(paths)
        store = services.store
        sources = {d["id"]: d.get("source_id") or "" for d in store.find_nodes("NormativeDocument")}
        items: list[dict[str, str]] = []
        for node in sorted(store.find_nodes("ReportItem"), key=lambda n: (n["doc_id"], n["ordinal"])):
            items.append(_item("report_item", sources.get(node["doc_id"], ""), node.get("text") or ""))
        seen: set[tuple[str, str]] = set()
        for node in sorted(store.find_nodes("Mechanism"), key=lambda n: (n.get("name") or "", n["doc_id"])):
            text, context = mechanism_text(node)
            if (text, context) not in seen:
                seen.add((text, context))
                items.append(_item("mechanism", sources.get(node["doc_id"], ""), text, context))
        for doc_id, source_id in sorted(sources.items(), key=lambda pair: pair[1]):
            if source_id.startswith(CLAUSE_SOURCES):
                for clause in sorted(store.find_nodes("Clause", {"doc_id": doc_id}), key=lambda c: c["span_start"]):
                    items.append(_item("clause", source_id, clause.get("text") or ""))
        services.close()
    for item in items:
        print(json.dumps(item, ensure_ascii=False))


if __name__ == "__main__":
    main(Path(sys.argv[1]))
