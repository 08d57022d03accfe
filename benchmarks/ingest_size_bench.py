"""Does ingest time grow with the text, not faster? One long synthetic text per size, ingested as the CLI does.

Each text (0.25, 0.5, 1 and 2 MB of UTF-8 by default) is real policy text: the NCP documents concatenated in
their order, separated by blank lines, until the size is reached. Each is ingested alone into a fresh data dir
through ``Services.ingest`` (read, analyse, the extractors, graph write, search index with the configured
embedder), and the seconds per MB are printed: flat means linear. The smallest size is the baseline measured
in the same run. ``--profile`` runs cProfile over the largest size and prints the functions that took most.

    python benchmarks/ingest_size_bench.py [--sizes 0.25,0.5,1,2] [--embedder none|use] [--profile]
"""

from __future__ import annotations

import argparse
import cProfile
import json
import pstats
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from api.bootstrap import build_services
from api.settings import Settings

NCP_DOCS = Path(__file__).resolve().parent.parent.parent / "shared" / "corpora" / "ncp-policies" / "docs.jsonl"
MB = 1024 * 1024


def synthetic_text(megabytes: float) -> str:
    """NCP document texts joined by blank lines until ``megabytes`` MB of UTF-8."""
    texts = [json.loads(line)["text"] for line in NCP_DOCS.read_text(encoding="utf-8").splitlines()]
    parts: list[str] = []
    size, i = 0, 0
    while size < megabytes * MB:
        parts.append(texts[i % len(texts)])
        size += len(parts[-1].encode("utf-8")) + 2
        i += 1
    return "\n\n".join(parts)


def ingest_once(path: Path, embedder: str, profile: Path | None) -> tuple[float, dict[str, float], int]:
    """Ingest ``path`` into a fresh data dir; (seconds, phase seconds with ``index``: the search index update
    after the graph write, clauses)."""
    with tempfile.TemporaryDirectory(prefix="policykg-size-") as data_dir:
        settings = Settings(policykg_data_dir=Path(data_dir), policykg_embedder=embedder, policykg_push_worker=False)
        services = build_services(settings)
        services.store  # noqa: B018 - open the graph and load the schema before the clock starts
        profiler = cProfile.Profile() if profile else None
        started = time.perf_counter()
        if profiler:
            profiler.enable()
        summary = services.ingest([path])
        if profiler and profile:
            profiler.disable()
            profiler.dump_stats(profile)
        seconds = time.perf_counter() - started
        services.close()
    if summary.failed:
        sys.exit(f"ingest failed: {summary.failed}")
    return seconds, {**summary.phase_seconds, "index": seconds - summary.seconds}, summary.clauses


def main() -> None:
    """Run the benchmark and print its numbers."""
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", default="0.25,0.5,1,2", help="Text sizes in MB, comma-separated.")
    parser.add_argument("--embedder", default="use", choices=["use", "none"], help="none: BM25 index only.")
    parser.add_argument("--profile", action="store_true", help="cProfile the largest size; print the top 25.")
    args = parser.parse_args()
    sizes = sorted(float(s) for s in args.sizes.split(","))
    print(f"embedder {args.embedder}; each size ingested alone into a fresh data dir (the machine may be shared)")
    with tempfile.TemporaryDirectory(prefix="policykg-texts-") as folder:
        warm_up = Path(folder) / "warm-up.txt"
        warm_up.write_text(synthetic_text(0.01), encoding="utf-8")
        ingest_once(warm_up, args.embedder, None)  # loads the gazetteer, dictionaries and model once, untimed
        baseline = None
        profile = Path(folder) / "ingest.prof"
        for size in sizes:
            path = Path(folder) / f"long-{size}mb.txt"
            text = synthetic_text(size)
            path.write_text(text, encoding="utf-8")
            real_mb = len(text.encode("utf-8")) / MB
            chosen = profile if args.profile and size == sizes[-1] else None
            seconds, phases, clauses = ingest_once(path, args.embedder, chosen)
            per_mb = seconds / real_mb
            baseline = baseline or per_mb
            print(
                f"{real_mb:5.2f} MB ({len(text):>9,} characters, {clauses:>5} clauses): {seconds:6.1f} s, "
                f"{per_mb:5.1f} s/MB ({per_mb / baseline:.2f}x the smallest); read {phases['read']:.1f}, "
                f"analyse {phases['analyse']:.1f}, link and extract {phases['link']:.1f}, write {phases['write']:.1f}, "
                f"index {phases['index']:.1f} s",
                flush=True,
            )
        if args.profile:
            pstats.Stats(str(profile)).sort_stats("tottime").print_stats(25)


if __name__ == "__main__":
    main()
