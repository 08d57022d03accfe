"""Ingest all of LawRefBook into a fresh data dir; print documents, clauses, time, rate and peak memory.

Run: ``python benchmarks/ingest_bench.py [--corpus PATH] [--limit N] [--embed-workers 2] [--indexes none,static]``.
The baseline measured in the same run is the analysis alone (read, normalise, structure, metadata, links: no
store), so the ratio says what the graph writes cost on top. With ``--embed-workers`` the search index (BM25 and
USE vectors) is then built from the graph as a sync does; ``--indexes`` names the embedders to build it with
instead, one fresh index after another from the same graph (``none``: BM25 only), and prints each one's ingest +
index time against the first's. Goal: the whole corpus (3,504 files) with vectors in at most 5 minutes on 2 cores,
and at most 1.4× the same without vectors.
"""

from __future__ import annotations

import argparse
import re
import resource
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from graph.ladybug_store import LadybugGraphStore
from ingest.pipeline import ingest_paths
from ingest.sources import expand_paths
from search.embedders import build_embedder
from search.indexes.embedded import EmbeddedIndex
from search.service import SearchService

DEFAULT_CORPUS = Path(__file__).resolve().parent.parent.parent / "shared" / "corpora" / "lawrefbook"


def sync_index(store: LadybugGraphStore, data_dir: Path, embedder: str, workers: int) -> float:
    """Build a fresh search index of everything ingested (BM25 + the embedder's vectors, no vector cache); its
    seconds."""
    started = time.perf_counter()
    service = SearchService(
        EmbeddedIndex(data_dir / f"index-{embedder}"), embedder=build_embedder(embedder, workers=workers)
    )
    report = service.sync(store)
    service.close()
    print(f"indexed            {report.units} units of {report.added} documents ({embedder})")
    return time.perf_counter() - started


def main() -> None:
    """Run the benchmark and print its numbers."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--corpus", type=Path, default=DEFAULT_CORPUS)
    parser.add_argument("--limit", type=int, default=None, help="Ingest only the first N files (sorted).")
    parser.add_argument(
        "--embed-workers",
        type=int,
        default=0,
        help="Then sync a fresh search index with USE vectors embedded by this many processes (0: no index).",
    )
    parser.add_argument(
        "--indexes",
        default="",
        help="Then build a fresh index with each of these embedders, comma-separated (none, static, use).",
    )
    args = parser.parse_args()
    indexes = args.indexes.split(",") if args.indexes else (["use"] if args.embed_workers else [])
    files, _ = expand_paths([args.corpus])
    if args.limit:
        files = files[: args.limit]
    with tempfile.TemporaryDirectory(prefix="policykg-bench-") as data_dir:
        store = LadybugGraphStore(Path(data_dir) / "graph.lbug")
        store.ensure_schema()
        started = time.perf_counter()
        summary = ingest_paths(files, store=store)
        seconds = time.perf_counter() - started
        index_seconds = {name: sync_index(store, Path(data_dir), name, args.embed_workers or 1) for name in indexes}
        counts = store.counts()
        articles = store.query("MATCH (c:Clause) WHERE c.kind = '条' RETURN c.doc_id AS d, count(c) AS n")
        national_docs = {
            r["id"]
            for r in store.query(
                "MATCH (n:NormativeDocument) WHERE n.placeholder = false RETURN n.id AS id, n.source_id AS source_id"
            )
            if not re.match(r"^[^/]*地方法规/", r["source_id"] or "")
        }
        store.close()
    national_articles = sum(r["n"] for r in articles if r["d"] in national_docs)
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"files              {summary.files}")
    print(f"documents          {summary.documents}  (skipped {len(summary.skipped)}, failed {len(summary.failed)})")
    print(
        f"clauses            {counts['Clause']}  "
        f"(条: {sum(r['n'] for r in articles)}, national 条: {national_articles})"
    )
    print(
        f"nodes: events {counts['DatedEvent']}, agencies {counts['Agency']}; edges: CITES {counts['CITES']}, "
        f"MENTIONS {counts['MENTIONS']}, SUPERSEDES {counts['SUPERSEDES']}"
    )
    usage = resource.getrusage(resource.RUSAGE_SELF)
    print(f"seconds            {seconds:.1f}  (CPU {usage.ru_utime + usage.ru_stime:.1f} s: the machine is shared)")
    print(f"documents/s        {summary.documents / seconds:.1f}")
    first = seconds + next(iter(index_seconds.values()), 0.0)
    for name, index in index_seconds.items():
        print(
            f"search index       {index:.1f} s with {name} (ingest + index {seconds + index:.1f} s, "
            f"{(seconds + index) / first:.2f}× the first)"
        )
    phases = summary.phase_seconds
    print(
        f"phases             read {phases['read']:.1f} s, analyse {phases['analyse']:.1f} s, "
        f"link {phases['link']:.1f} s, write {phases['write']:.1f} s "
        f"(write/analyse = {phases['write'] / max(phases['analyse'], 1e-9):.2f})"
    )
    print(f"peak memory        {peak_mb:.0f} MB")
    for path, reason in summary.failed[:20]:
        print(f"FAILED {path}: {reason}")


if __name__ == "__main__":
    main()
