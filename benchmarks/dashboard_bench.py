"""督查 benchmark: the dashboard over the bundled demo data and N stored profiles (``push.dashboard.dashboard``).

The demo (``policykg load-demo``, embedder none) is loaded into a temporary data dir, N synthetic profiles
(districts of 重庆, 北京, 上海, 绍兴; restaurants, software, metalwork; 小/微/中型) are stored under one consumer,
and the admin's dashboard (every policy) is computed as of two days, each timed after one warm-up run.
Printed: policies, measures, qualifying profile-policy pairs and seconds per dashboard.

Usage: python benchmarks/dashboard_bench.py [--profiles 10000]
"""

from __future__ import annotations

import argparse
import random
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from typer.testing import CliRunner

from api.bootstrap import build_services
from api.cli import app as cli_app
from api.settings import Settings
from eligibility.profile import EnterpriseProfile
from push.consumers import create_consumer
from push.dashboard import dashboard
from push.registry import upsert_profiles

REGIONS = ["500103", "500000", "110112", "110105", "310101", "330602"]
INDUSTRIES = ["H6210", "I6513", "C3311"]


def main() -> None:
    """Run the benchmark and print one line per day judged."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--profiles", type=int, default=10_000)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        loaded = CliRunner(env={"POLICYKG_EMBEDDER": "none"}).invoke(cli_app, ["--data-dir", folder, "load-demo"])
        assert loaded.exit_code == 0, loaded.output
        services = build_services(Settings(policykg_data_dir=Path(folder), policykg_embedder="none"))
        store = services.store
        consumer, _ = create_consumer(store, "bench")
        rng = random.Random(0)
        profiles = [
            EnterpriseProfile(
                id=f"p{i}",
                region_code=rng.choice(REGIONS),
                industry_code=rng.choice(INDUSTRIES),
                scale=rng.choice(["小型", "微型", "中型"]),
                employees=rng.randint(1, 200),
            )
            for i in range(args.profiles)
        ]
        for start in range(0, len(profiles), 1000):
            upsert_profiles(store, consumer.id, profiles[start : start + 1000])
        for day in (date(2020, 3, 1), date(2026, 12, 1)):
            dashboard(store, None, as_of=day)
            started = time.perf_counter()
            view = dashboard(store, None, as_of=day)
            seconds = time.perf_counter() - started
            totals = view["totals"]
            print(
                f"as of {day}: {totals['policies']} policies, {totals['measures']} measures, "
                f"{totals['qualifying_profiles']} qualifying profile-policy pairs, {args.profiles} profiles: "
                f"{seconds:.2f} s"
            )
        services.close()


if __name__ == "__main__":
    main()
