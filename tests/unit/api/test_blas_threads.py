"""`serve` limits the BLAS threads of its process (POLICYKG_BLAS_THREADS), checked in a fresh interpreter."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from api.settings import Settings

REPO = Path(__file__).resolve().parents[3]
PROBE = """
import json, sys
from threadpoolctl import threadpool_info
import numpy
before = [lib["num_threads"] for lib in threadpool_info() if lib["user_api"] == "blas"]
from api.commands.core import limit_blas_threads
limit_blas_threads(int(sys.argv[1]))
after = [lib["num_threads"] for lib in threadpool_info() if lib["user_api"] == "blas"]
import os
print(json.dumps({"before": before, "after": after, "env": os.environ.get("OPENBLAS_NUM_THREADS")}))
"""


def _probe(threads: int) -> dict[str, object]:
    env = {"PATH": "/usr/bin:/bin", "PYTHONPATH": str(REPO)}
    done = subprocess.run(
        [sys.executable, "-c", PROBE, str(threads)], capture_output=True, text=True, check=True, env=env, cwd=REPO
    )
    result: dict[str, object] = json.loads(done.stdout)
    return result


def test_one_blas_thread_by_default() -> None:
    assert Settings().policykg_blas_threads == 1


def test_the_limit_reaches_numpys_blas_and_later_libraries() -> None:
    limited = _probe(1)
    assert limited["after"] and set(limited["after"]) == {1}  # type: ignore[arg-type]
    assert limited["env"] == "1"


def test_zero_leaves_the_library_default() -> None:
    untouched = _probe(0)
    assert untouched["after"] == untouched["before"] and untouched["env"] is None
