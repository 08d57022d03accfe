"""Similar practices: GET /practices/similar with the mechanisms' vectors kept against embedding them per call.

Ingests the seeds and the bundled policies into a temporary data dir (USE embedder), then answers the same six
questions through the app, first with the vectors kept across calls (what the service does), then with the cache
emptied before each call (what it did before: every mechanism embedded on every request), in the same run.
The goal of the robustness issue: ≤ 50 ms p50.

    python benchmarks/similar_bench.py [--calls 30]
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

QUESTIONS = [
    "小微企业执法如何包容审慎",
    "会前学法",
    "行政复议规范化",
    "企业法治体检",
    "街乡吹哨部门报到",
    "重大行政决策合法性审查",
]


def main() -> None:
    """Print p50 and max of both ways and their ratio."""
    from fastapi.testclient import TestClient

    from api.bootstrap import build_services
    from api.main import create_app
    from api.settings import Settings
    from practices import cards

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--calls", type=int, default=30)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        services = build_services(Settings(policykg_data_dir=Path(tmp), policykg_push_worker=False))
        seeds = sorted((ROOT.parent / "shared" / "corpora" / "seeds").glob("*.txt"))
        services.ingest([*seeds, ROOT / "api" / "demo_policies"])
        with TestClient(create_app(services)) as client:
            mechanisms = len(client.get("/mechanisms", params={"limit": 500}).json())

            def timed(clear: bool) -> list[float]:
                times = []
                for i in range(args.calls):
                    if clear:
                        cards._VECTORS.clear()
                    started = time.perf_counter()
                    response = client.get("/practices/similar", params={"q": QUESTIONS[i % len(QUESTIONS)]})
                    times.append((time.perf_counter() - started) * 1000)
                    assert response.status_code == 200, response.text
                return times

            timed(clear=False)  # warm-up: the model and the vectors
            kept, per_call = timed(clear=False), timed(clear=True)
    print(f"/practices/similar over {mechanisms} mechanisms, {args.calls} calls each (USE):")
    print(f"  vectors kept:            p50 {statistics.median(kept):.1f} ms, max {max(kept):.1f} ms")
    print(f"  embedded per call (was): p50 {statistics.median(per_call):.1f} ms, max {max(per_call):.1f} ms")
    print(f"  ratio of p50s: ×{statistics.median(per_call) / statistics.median(kept):.1f}")


if __name__ == "__main__":
    main()
