"""Search benchmark over the national LawRefBook articles (65k units): index build, latency, throughput, memory.

Usage::

    python benchmarks/retrieval_eval.py stard            # once: ingests LawRefBook into /tmp/pkg-eval-stard
    python benchmarks/search_bench.py [--data-dir /tmp/pkg-eval-stard] [--queries 500]
    python benchmarks/search_bench.py --setting POLICYKG_LEXICAL_DEPTH=600 --setting POLICYKG_VECTOR_DEPTH=600

It rebuilds the index from the graph into a fresh folder (tokenising every article, BM25, vectors from the data
dir's vector cache), with the search configured as ``policykg serve`` configures it (api/settings.py), times
embedding on a sample of articles the cache is not asked for, then answers STARD questions in process,
BM25-only first (the baseline, same run), then hybrid without the reranker (fused) and hybrid as served (fused,
then reranked), and reports p50/p99 latency, queries per second, peak memory and the index size on disk.
With ``--setting NAME=VALUE`` (environment variables of api/settings.py) a second index is built with those
settings changed, and each mode asks the two searches in turn per question, so both are measured under the
same load against the same BM25-only baseline; its serving process is measured after the configured one's.

Building the index holds far more than serving it (every unit's tokens, bm25s's build, a second embedder for the
in-process timing), so the memory of the **serving process** is measured apart: a fresh process opens the
graph store (read-only, beside this one), the built index and the embedder as ``policykg serve`` does, answers
the same questions in hybrid mode, and prints their latency, its resident memory after each step, its peak and
the sizes of the arrays the index holds. When the index was built with float32 vectors, a copy of it with the
vectors stored in float16 (what ``POLICYKG_VECTOR_DTYPE=float16`` writes) is served the same way after it, in
the same run, and, when the query thesaurus is on, the float32 index once more with it off
(``POLICYKG_QUERY_THESAURUS=0``), as a same-run baseline of its cost.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

from api.bootstrap import (
    SEARCH_DIR_NAME,
    Services,
    build_services,
    open_embedder,
    open_graph_store,
    open_search_service,
)
from api.settings import Settings
from search.embedders import build_embedder
from search.embedders.use import PARALLEL_MIN_TEXTS
from search.indexes.embedded import EmbeddedIndex
from search.ranking import CANDIDATES
from search.service import SearchService
from search.sync import read_documents
from search.types import SearchRequest
from search.units import vector_chunks
from search.vector_index import MATRIX_FILE, VectorIndex

SHARED = Path(__file__).resolve().parents[2] / "shared"
STARD = SHARED / "corpora" / "stard" / "queries.train.json"
EMBED_SAMPLE = 2000
# settings that change the embedder: a --setting naming one gets its own embedder, any other shares the configured one
EMBEDDER_SETTINGS = {"policykg_embedder", "policykg_embedding_model", "policykg_use_weight", "policykg_embed_workers"}


def percentile(values: list[float], fraction: float) -> float:
    """The value below which ``fraction`` of ``values`` lie (nearest rank)."""
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(fraction * (len(ordered) - 1)))]


def compare_vector_search(vectors: VectorIndex, queries: np.ndarray) -> None:
    """Time the index's vector search against an exact pass over the same matrix, in the same run, and print how
    often the two return the same ``CANDIDATES`` best similarities."""
    if vectors.exact:
        print(f"vector search: exact over {vectors.matrix.shape[0]} vectors")
        return
    exact = VectorIndex(vectors.matrix, vectors.owners)
    timings: dict[str, list[float]] = {"exact": [], "served": []}
    same = within = 0.0
    for query in queries:
        found = {}
        for label, index in (("exact", exact), ("served", vectors)):
            began = time.perf_counter()
            found[label] = index.search(query, None, CANDIDATES)[1]
            timings[label].append((time.perf_counter() - began) * 1000)
        exact_best, served_best = found["exact"], found["served"]
        same += bool(np.allclose(served_best, exact_best, atol=1e-6))
        within += float(np.mean(served_best >= exact_best[-1] - 1e-6))
    exact_p50, served_p50 = percentile(timings["exact"], 0.5), percentile(timings["served"], 0.5)
    print(
        f"vector search over {vectors.matrix.shape[0]} vectors, {CANDIDATES} nearest: exact p50 {exact_p50:.2f} ms, "
        f"served p50 {served_p50:.2f} ms ({served_p50 / exact_p50:.2f}x); the same {CANDIDATES} similarities for "
        f"{same / len(queries):.1%} of queries, {within / len(queries):.2%} of served hits among the exact best"
    )


def resident_mb(field: str = "VmRSS") -> float:
    """The process's resident memory now (``VmRSS``) or its peak (``VmHWM``: unlike ``ru_maxrss``, not inherited
    across exec from the process that started it), in MB."""
    for line in Path("/proc/self/status").read_text(encoding="utf-8").splitlines():
        if line.startswith(f"{field}:"):
            return int(line.split()[1]) / 1024
    return 0.0


def index_arrays_mb(index: EmbeddedIndex) -> dict[str, float]:
    """MB held by the index's arrays: the vector matrix (memory-mapped), its projection for the first pass, and
    bm25s's sparse matrix (memory-mapped)."""
    vectors = index.vectors
    projected = getattr(vectors, "_projected", None)
    retriever = getattr(index._live.bm25, "_retriever", None)
    arrays = retriever.scores.values() if retriever is not None else ()  # type: ignore[attr-defined]
    bm25 = sum(int(a.nbytes) for a in arrays if isinstance(a, np.ndarray))
    return {
        f"vectors ({vectors.matrix.dtype})": vectors.matrix.nbytes / 2**20,
        "projected vectors": (projected.nbytes if projected is not None else 0) / 2**20,
        "BM25 matrix": bm25 / 2**20,
    }


def serve_memory(data_dir: Path, scratch: Path, queries: int) -> None:
    """The serving process's memory (run in a fresh process by ``--serve``): the graph store, the index built
    into ``scratch`` and the embedder opened as ``policykg serve`` opens them, then ``queries`` hybrid searches."""
    settings = Settings(policykg_data_dir=data_dir)
    steps = [("started", resident_mb())]
    store = open_graph_store(settings, read_only=True)
    steps.append(("graph store open", resident_mb()))
    service = open_search_service(settings, scratch, None)
    steps.append(("index open", resident_mb()))
    service.embedder = open_embedder(settings)
    questions = [q["问题"] for q in json.loads(STARD.read_text(encoding="utf-8"))][:queries]
    service.search(SearchRequest(query=questions[0]))
    steps.append(("embedder loaded, one query", resident_mb()))
    latencies = time_alternately([service], questions, "hybrid")[0]
    steps.append((f"{len(questions)} hybrid queries", resident_mb()))
    peak_mb = resident_mb("VmHWM")
    assert isinstance(service.index, EmbeddedIndex)
    arrays = "; ".join(f"{name} {mb:.0f}" for name, mb in index_arrays_mb(service.index).items())
    print(f"serving process ({service.index.vectors.matrix.dtype} vectors), resident MB: ", end="")
    print("; ".join(f"{label} {mb:.0f}" for label, mb in steps))
    print(
        f"  hybrid p50 {percentile(latencies, 0.5):.1f} ms, p99 {percentile(latencies, 0.99):.1f} ms; "
        f"peak RSS {peak_mb:.0f} MB; index arrays, MB: {arrays}"
    )
    service.close()
    store.close()


def float16_copy(scratch: Path) -> Path:
    """A copy of the search folder in ``scratch`` with its live version's vectors stored in float16."""
    copy = scratch / "float16"
    shutil.copytree(scratch / SEARCH_DIR_NAME, copy / SEARCH_DIR_NAME)
    index = copy / SEARCH_DIR_NAME / "index"
    matrix_path = index / (index / "CURRENT").read_text(encoding="utf-8").strip() / "vectors" / MATRIX_FILE
    np.save(matrix_path, np.load(matrix_path).astype(np.float16))
    return copy


def folder_size(folder: Path) -> int:
    """Bytes under ``folder``."""
    return sum(p.stat().st_size for p in folder.rglob("*") if p.is_file())


def compared_settings(pairs: list[str]) -> dict[str, str]:
    """The environment variables ``--setting NAME=VALUE`` entries change, checked against ``Settings``' fields.

    Raises:
        SystemExit: an entry is not ``NAME=VALUE`` or names no setting.
    """
    changes = {}
    for pair in pairs:
        name, equals, value = pair.partition("=")
        if not equals or name.lower() not in Settings.model_fields:
            raise SystemExit(f"--setting {pair!r}: not NAME=VALUE of a setting in api/settings.py")
        changes[name.upper()] = value
    return changes


def time_alternately(services: list[SearchService], queries: list[str], mode: str) -> list[list[float]]:
    """Latencies (ms) of each query with each service, the services asked in turn per query (so a load that
    changes during the run weighs on each alike)."""
    latencies: list[list[float]] = [[] for _ in services]
    for query in queries:
        for service, timings in zip(services, latencies, strict=True):
            began = time.perf_counter()
            service.search(SearchRequest(query=query, top=10, mode=mode))
            timings.append((time.perf_counter() - began) * 1000)
    return latencies


def time_embedding(services: Services, service: SearchService, pieces: int, units: int) -> None:
    """Print the embedder's rate on a sample of articles the vector cache is not asked for, in process and with
    the configured worker processes."""
    assert service.embedder is not None
    sample_ids = [r["id"] for r in services.store.query("MATCH (d:NormativeDocument) RETURN d.id AS id LIMIT 200")]
    documents = read_documents(services.store, sample_ids)
    texts = [p for d in documents for u in d.units for p in vector_chunks(u.vector_text)][:EMBED_SAMPLE]
    settings = services.settings
    in_process = build_embedder(
        settings.policykg_embedder, model=settings.policykg_embedding_model, use_weight=settings.policykg_use_weight
    )
    workers = settings.policykg_embed_workers
    service.embedder.embed(texts[:PARALLEL_MIN_TEXTS])  # start the worker processes (not timed)
    baseline = None
    for label, embedder in (("in process", in_process), (f"{workers} workers", service.embedder)):
        assert embedder is not None
        started = time.perf_counter()
        embedder.embed(texts)
        rate = len(texts) / (time.perf_counter() - started)
        ratio = f" ({rate / baseline:.2f}x in process)" if baseline else ""
        baseline = baseline or rate
        print(
            f"embedding ({embedder.identity}, {label}): {rate:.0f} pieces/s{ratio} → "
            f"{pieces / rate / 60:.1f} min for the {pieces} pieces of {units} units without the cache"
        )


def main() -> None:
    """Run the benchmark and print its figures."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data-dir", type=Path, default=Path("/tmp/pkg-eval-stard"))
    parser.add_argument("--queries", type=int, default=500)
    parser.add_argument(
        "--setting",
        action="append",
        default=[],
        metavar="NAME=VALUE",
        help="measure the search with this setting changed (an environment variable of api/settings.py; repeat "
        "for several) beside the configured one, in the same run: its own index build and serving process",
    )
    parser.add_argument("--serve", type=Path, help=argparse.SUPPRESS)  # the serving-process measurement's child
    args = parser.parse_args()
    if args.serve is not None:
        serve_memory(args.data_dir, args.serve, args.queries)
        return
    changes = compared_settings(args.setting)
    services = build_services(Settings(policykg_data_dir=args.data_dir))
    if services.store.counts()["Clause"] == 0:
        raise SystemExit(f"{args.data_dir} holds no graph: run `python benchmarks/retrieval_eval.py stard` first")
    scratch = Path(tempfile.mkdtemp(prefix="search-bench-"))
    try:
        configurations: list[tuple[str, dict[str, str]]] = [("configured", {})] + (
            [("changed", changes)] if changes else []
        )
        built: list[tuple[SearchService, Path, dict[str, str]]] = []
        units = 0
        for label, changed in configurations:
            overrides = {name.lower(): value for name, value in changed.items()}
            settings = Settings(policykg_data_dir=args.data_dir, **overrides)  # type: ignore[arg-type]
            embedder = open_embedder(settings) if EMBEDDER_SETTINGS & overrides.keys() else services.embedder
            folder = scratch / label
            service = open_search_service(
                settings, args.data_dir, embedder, index_dir=folder / SEARCH_DIR_NAME / "index"
            )
            started = time.perf_counter()
            report = service.sync(services.store)
            build_s = time.perf_counter() - started
            print(f"index build from the graph ({label}, vectors cached): {report.units} units in {build_s:.1f} s")
            built.append((service, folder, changed))
            units = units or report.units
        service = built[0][0]
        if service.embedder is not None:
            pieces = service.index.vectors.matrix.shape[0] if isinstance(service.index, EmbeddedIndex) else units
            time_embedding(services, service, pieces, units)
        questions = [q["问题"] for q in json.loads(STARD.read_text(encoding="utf-8"))][: args.queries]
        if service.embedder is not None and isinstance(service.index, EmbeddedIndex):
            compare_vector_search(service.index.vectors, service.embedder.embed(questions))
        searchers = [searcher for searcher, _, _ in built]
        rerankers = [searcher.reranker for searcher in searchers]
        for searcher in searchers:
            searcher.search(SearchRequest(query=questions[0]))  # warm-up: load the models
        if changes:
            print("changed: " + " ".join(f"{k}={v}" for k, v in changes.items()) + " (asked in turn per query)")
        print(f"{'mode':16} {'p50 ms':>8} {'p99 ms':>8} {'q/s':>7}")
        baseline_p50 = None
        for label, mode, reranked in (
            ("lexical", "lexical", False),
            ("fused", "hybrid", False),
            ("hybrid", "hybrid", True),
        ):
            for searcher, reranker in zip(searchers, rerankers, strict=True):
                searcher.reranker = reranker if reranked else None
            timed = time_alternately(searchers, questions, mode)
            for (_, folder, _), latencies in zip(built, timed, strict=True):
                p50, p99 = percentile(latencies, 0.5), percentile(latencies, 0.99)
                ratio = f"  ({p50 / baseline_p50:.2f}x BM25-only p50)" if baseline_p50 else ""
                baseline_p50 = baseline_p50 or p50
                name = label if folder.name == "configured" else f"{label} changed"
                print(f"{name:16} {p50:8.1f} {p99:8.1f} {len(latencies) * 1000 / sum(latencies):7.1f}{ratio}")
        peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        index_mb = folder_size(scratch / "configured" / SEARCH_DIR_NAME / "index") / 2**20
        print(f"peak RSS {peak_mb:.0f} MB (build and serve in one process); index on disk {index_mb:.0f} MB")
        configured = scratch / "configured"
        served: list[tuple[Path, dict[str, str]]] = [(configured, {})]
        if service.thesaurus is not None:  # the same index served without the query thesaurus: its cost
            served.append((configured, {"POLICYKG_QUERY_THESAURUS": "0"}))
        if isinstance(service.index, EmbeddedIndex) and service.index.vectors.matrix.dtype == np.float32:
            served.append((float16_copy(configured), {}))
        served += [(folder, changed) for _, folder, changed in built[1:]]
        for folder, changed in served:
            serving = [sys.executable, __file__, "--serve", str(folder), "--data-dir", str(args.data_dir)]
            print(f"serving {folder.name}{''.join(f' {k}={v}' for k, v in changed.items())}:", flush=True)
            subprocess.run([*serving, "--queries", str(args.queries)], check=True, env={**os.environ, **changed})
    finally:
        shutil.rmtree(scratch, ignore_errors=True)
        services.close()


if __name__ == "__main__":
    main()
