"""A mechanism's legal basis names a document not yet ingested: a placeholder holds the edge until it arrives."""

from __future__ import annotations

from pathlib import Path

from graph.base import GraphStore
from ingest.extractors.demonstrations import extract_demonstrations
from ingest.pipeline import ingest_paths
from ingest.reference import reference_change

REPORT = (
    "北京市通州区司法局推进法治政府建设\n"
    "近年来，北京市通州区在全市首创“一意见、一报告”审查机制，"
    "依据《通州区重大行政决策程序实施细则（试行）》，对重大行政决策出具合法性审查意见和报告。\n"
)
RULES = (
    "通州区重大行政决策程序实施细则（试行）\n"
    "第一条 为了规范重大行政决策程序，制定本细则。\n"
    "第二条 本细则自发布之日起施行。\n"
)


def legal_basis_targets(store: GraphStore) -> list[tuple[str, bool]]:
    rows = store.query(
        "MATCH (m:Mechanism)-[:RESTS_ON]->(d:NormativeDocument) RETURN d.id AS id, d.placeholder AS placeholder"
    )
    return sorted((r["id"], bool(r["placeholder"])) for r in rows)


def test_legal_basis_moves_from_the_placeholder_to_the_ingested_document(
    ladybug_store: GraphStore, tmp_path: Path
) -> None:
    ladybug_store.write(reference_change(include_townships=False))
    (tmp_path / "report.txt").write_text(REPORT, encoding="utf-8")
    (tmp_path / "rules.txt").write_text(RULES, encoding="utf-8")

    ingest_paths([tmp_path / "report.txt"], store=ladybug_store, extractors=[extract_demonstrations])
    before = legal_basis_targets(ladybug_store)
    summary = ingest_paths([tmp_path / "rules.txt"], store=ladybug_store, extractors=[extract_demonstrations])
    after = legal_basis_targets(ladybug_store)

    assert [placeholder for _, placeholder in before] == [True]
    assert after == [(summary.doc_ids[0], False)]
    assert ladybug_store.get_node("NormativeDocument", before[0][0]) is None
