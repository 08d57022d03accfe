"""A record with the same content as a stored document is filed under it; asking for its measures by its own id
answers with the stored document's."""

from __future__ import annotations

import json
from pathlib import Path

from eligibility.measures import policy_conditions
from graph.base import GraphStore
from ingest.extractors.eligibility import extract_conditions
from ingest.pipeline import ingest_paths

TEXT = "北京市关于支持小微企业的若干措施\n一、对本市小微企业减免3个月房租，最高10万元。\n"


def test_measures_of_a_duplicate_record_are_its_twin_s(ladybug_store: GraphStore, tmp_path: Path) -> None:
    records = tmp_path / "records.jsonl"
    lines = [json.dumps({"id": i, "text": TEXT}, ensure_ascii=False) for i in ("first", "copy")]
    records.write_text("\n".join(lines) + "\n", encoding="utf-8")
    summary = ingest_paths([records], store=ladybug_store, extractors=[extract_conditions])
    assert summary.documents == 1 and len(summary.skipped) == 1
    (measure,) = policy_conditions(ladybug_store, "copy")
    assert measure["source_id"] == "first" and measure["benefit"]["max_amount_wan"] == 10
