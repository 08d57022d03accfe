"""The embedded graph's schema follows the ontology: a database made by an older version gains new columns."""

from __future__ import annotations

from pathlib import Path

import ladybug

from graph.ladybug_store import LadybugGraphStore


def test_a_database_made_before_a_property_existed_gains_its_column(tmp_path: Path) -> None:
    path = tmp_path / "graph.lbug"
    database = ladybug.Database(str(path))
    connection = ladybug.Connection(database)
    connection.execute("CREATE NODE TABLE NormativeDocument(id STRING PRIMARY KEY, source_id STRING, title STRING)")
    connection.execute("CREATE (:NormativeDocument {id: 'doc-1', source_id: 'a.txt', title: '旧文件'})")
    connection.close()
    database.close()
    store = LadybugGraphStore(path)
    store.ensure_schema()
    store.ensure_schema()  # idempotent
    node = store.get_node("NormativeDocument", "doc-1")
    assert node is not None
    assert (node["source_id"], node["title"], node.get("duplicate_source_ids")) == ("a.txt", "旧文件", None)
    assert store.counts()["Clause"] == 0  # the tables the old database lacked were created
    store.close()
