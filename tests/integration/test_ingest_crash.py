"""Crash safety: a process killed mid-ingest leaves every stored document whole and earlier ones intact."""

from __future__ import annotations

import signal
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from graph.ladybug_store import LadybugGraphStore
from ingest.pipeline import ingest_paths

CHILD = textwrap.dedent(
    """
    import sys
    from graph.ladybug_store import LadybugGraphStore
    from ingest.pipeline import ingest_paths

    store = LadybugGraphStore(sys.argv[1])
    store.ensure_schema()
    ingest_paths([sys.argv[2]], store=store, progress=lambda done, total, path: print(done, flush=True))
    print("finished", flush=True)
    """
)
KILL_AFTER_FILES = 150


def document_shapes(store: LadybugGraphStore) -> dict[str, tuple[int, int]]:
    """Each stored document's clause_count and its number of HAS_CLAUSE edges."""
    rows = store.query(
        "MATCH (d:NormativeDocument) WHERE d.placeholder = false "
        "OPTIONAL MATCH (d)-[:HAS_CLAUSE]->(c:Clause) RETURN d.id AS id, d.clause_count AS n, count(c) AS edges"
    )
    return {r["id"]: (r["n"], r["edges"]) for r in rows}


@pytest.mark.slow
def test_killed_ingest_leaves_no_half_document(shared_dir: Path, tmp_path: Path) -> None:
    graph_path = tmp_path / "graph.lbug"
    store = LadybugGraphStore(graph_path)
    store.ensure_schema()
    ingest_paths([shared_dir / "corpora/seeds"], store=store)
    earlier = document_shapes(store)
    store.close()
    assert len(earlier) == 5

    repo = Path(__file__).resolve().parent.parent.parent
    child = subprocess.Popen(
        [sys.executable, "-c", CHILD, str(graph_path), str(shared_dir / "corpora/lawrefbook/行政法规")],
        cwd=repo,
        stdout=subprocess.PIPE,
        text=True,
    )
    assert child.stdout is not None
    for line in child.stdout:
        if line.strip() == "finished" or int(line) >= KILL_AFTER_FILES:
            break
    child.send_signal(signal.SIGKILL)
    child.wait(timeout=30)
    assert child.returncode == -signal.SIGKILL

    store = LadybugGraphStore(graph_path)
    try:
        shapes = document_shapes(store)
        assert len(shapes) > len(earlier), "some batches were committed before the kill"
        assert all(n == edges for n, edges in shapes.values())
        assert {k: shapes[k] for k in earlier} == earlier
        orphans = store.query(
            "MATCH (c:Clause) WHERE NOT EXISTS { MATCH (:NormativeDocument)-[:HAS_CLAUSE]->(c) } RETURN count(c) AS c"
        )
        assert orphans[0]["c"] == 0
    finally:
        store.close()
