"""Graph store benchmark: load 100k nodes / 300k relationships and time 2-hop queries, on both back-ends.

Usage: ``python benchmarks/graph_bench.py [--nodes 100000] [--rels 300000] [--queries 500]``

Runs LadybugDB (embedded, in a temp folder) and the Neo4j adapter over Bolt: against ``NEO4J_URI`` when set
(that database is wiped!), else against ArcadeDB's Bolt server started from the ``arcadedb-embedded`` wheel.
Both load through the same ``GraphStore.write`` (UNWIND batches) and answer the same 2-hop Cypher.
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from graph.base import GraphChange, GraphStore, NodeRecord, RelRecord
from graph.ladybug_store import LadybugGraphStore
from graph.neo4j_store import Neo4jGraphStore

RUNNER = Path(__file__).resolve().parent.parent / "tests" / "support" / "arcadedb_server.py"
TWO_HOP = "MATCH (a:Clause {id: $id})-[:HAS_PART]->(:Clause)-[:HAS_PART]->(c:Clause) RETURN count(c) AS n"


def synthetic_graph(n_nodes: int, n_rels: int, seed: int = 7) -> GraphChange:
    """Clause nodes joined by random HAS_PART relationships (no duplicates, no self-loops)."""
    rng = random.Random(seed)
    nodes = [
        NodeRecord("Clause", f"c{i}", {"doc_id": f"d{i % 1000}", "ordinal": i, "text": f"第{i}条"})
        for i in range(n_nodes)
    ]
    pairs: set[tuple[int, int]] = set()
    while len(pairs) < n_rels:
        a, b = rng.randrange(n_nodes), rng.randrange(n_nodes)
        if a != b:
            pairs.add((a, b))
    rels = [RelRecord("HAS_PART", "Clause", f"c{a}", "Clause", f"c{b}") for a, b in sorted(pairs)]
    return GraphChange(nodes=nodes, rels=rels)


def measure(name: str, store: GraphStore, change: GraphChange, n_queries: int) -> dict[str, float]:
    """Load the graph (nodes, then relationships) and time 2-hop queries from random start nodes."""
    store.ensure_schema()
    t0 = time.perf_counter()
    store.write(GraphChange(nodes=change.nodes))
    t1 = time.perf_counter()
    store.write(GraphChange(rels=change.rels))
    t2 = time.perf_counter()
    rng = random.Random(11)
    ids = [f"c{rng.randrange(len(change.nodes))}" for _ in range(n_queries)]
    for node_id in ids[:20]:  # warm-up
        store.query(TWO_HOP, {"id": node_id})
    latencies = []
    for node_id in ids:
        q0 = time.perf_counter()
        store.query(TWO_HOP, {"id": node_id})
        latencies.append((time.perf_counter() - q0) * 1000)
    latencies.sort()
    result = {
        "nodes_s": t1 - t0,
        "rels_s": t2 - t1,
        "p50_ms": statistics.median(latencies),
        "p99_ms": latencies[int(len(latencies) * 0.99) - 1],
    }
    print(
        f"{name:10s} load nodes {result['nodes_s']:6.1f} s, rels {result['rels_s']:6.1f} s | "
        f"2-hop p50 {result['p50_ms']:.2f} ms, p99 {result['p99_ms']:.2f} ms ({n_queries} queries)",
        flush=True,
    )
    return result


@contextmanager
def bolt_store(tmp: Path) -> Iterator[GraphStore]:
    """A Neo4j-adapter store: NEO4J_URI if set, else a fresh ArcadeDB Bolt server in a subprocess."""
    if os.environ.get("NEO4J_URI"):
        store = Neo4jGraphStore.connect(
            os.environ["NEO4J_URI"],
            os.environ.get("NEO4J_USER", "neo4j"),
            os.environ.get("NEO4J_PASSWORD", "neo4j"),
            os.environ.get("NEO4J_DATABASE"),
        )
        store._run_in_transaction([("MATCH (n) DETACH DELETE n", {})])
        yield store
        store.close()
        return
    http_port, bolt_port = 24811, 24812
    process = subprocess.Popen(
        [sys.executable, str(RUNNER), str(tmp / "arcadedb"), str(http_port), str(bolt_port), "bench-pw-123", "bench"],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
        cwd=tmp,
    )
    assert process.stdout is not None and process.stdin is not None
    while "READY" not in process.stdout.readline():
        if process.poll() is not None:
            raise SystemExit("ArcadeDB did not start")
    store = Neo4jGraphStore.connect(f"bolt://127.0.0.1:{bolt_port}", "root", "bench-pw-123", "bench")
    try:
        yield store
    finally:
        store.close()
        process.stdin.close()
        process.wait(timeout=60)


def main() -> None:
    """Run the benchmark on both back-ends and print the numbers and their ratios."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--nodes", type=int, default=100_000)
    parser.add_argument("--rels", type=int, default=300_000)
    parser.add_argument("--queries", type=int, default=500)
    args = parser.parse_args()
    change = synthetic_graph(args.nodes, args.rels)
    print(f"graph: {args.nodes} Clause nodes, {args.rels} HAS_PART relationships; query: {TWO_HOP}")
    with tempfile.TemporaryDirectory() as tmp:
        with LadybugGraphStore(Path(tmp) / "graph.lbug") as store:
            ladybug = measure("LadybugDB", store, change, args.queries)
        with bolt_store(Path(tmp)) as store:
            bolt = measure("Bolt", store, change, args.queries)
    load_ratio = (bolt["nodes_s"] + bolt["rels_s"]) / (ladybug["nodes_s"] + ladybug["rels_s"])
    print(f"ratio Bolt/LadybugDB: load {load_ratio:.1f}x, 2-hop p50 {bolt['p50_ms'] / ladybug['p50_ms']:.1f}x")


if __name__ == "__main__":
    main()
