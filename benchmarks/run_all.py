"""Run every benchmark and evaluation in sequence (``make bench``); each prints its own numbers and baseline.

Usage: ``python benchmarks/run_all.py [NAME …]`` with names from ``BENCHMARKS`` (default: all, in that order).
The order matters: ``retrieval_eval stard`` builds the data dir that ``search_bench`` reuses. Takes about an
hour on a 2-core machine; each run is independent and can be started on its own.
"""

from __future__ import annotations

import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent

BENCHMARKS: dict[str, list[str]] = {
    "graph": ["graph_bench.py"],
    "ingest": ["ingest_bench.py"],
    "retrieval-stard": ["retrieval_eval.py", "stard"],
    "retrieval-ncp": ["retrieval_eval.py", "ncp"],
    "search": ["search_bench.py"],
    "eligibility": ["eligibility_eval.py"],
    "match": ["match_bench.py"],
    "rematch": ["rematch_bench.py"],
}


def main() -> None:
    """Run the named benchmarks (all by default); exit non-zero if any failed."""
    names = sys.argv[1:] or list(BENCHMARKS)
    unknown = [n for n in names if n not in BENCHMARKS]
    if unknown:
        sys.exit(f"unknown benchmark {', '.join(unknown)}; choose from: {', '.join(BENCHMARKS)}")
    failed = []
    for name in names:
        script, *args = BENCHMARKS[name]
        print(f"\n=== {name}: python benchmarks/{script} {' '.join(args)}", flush=True)
        started = time.perf_counter()
        if subprocess.run([sys.executable, str(HERE / script), *args], check=False).returncode != 0:
            failed.append(name)
        print(f"=== {name}: {time.perf_counter() - started:.0f} s", flush=True)
    if failed:
        sys.exit(f"failed: {', '.join(failed)}")


if __name__ == "__main__":
    main()
