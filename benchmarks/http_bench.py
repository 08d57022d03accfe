"""A bounded loopback load on the real server: GET /search (lexical and hybrid) and GET /policies/{id}/qualifying.

A temporary data dir is initialised and the NCP documents ingested into it with the CLI (``--lawrefbook`` also
ingests every national LawRefBook document: some 65,000 articles, many minutes; or only the folders named),
10,000 synthetic profiles are stored for one consumer, and ``policykg serve`` (this tree's code) is started on a
free port of 127.0.0.1, once per server configuration. Against each, 1, 8 and 32 clients (threads with
keep-alive connections) send the NCP dev questions (with ``--lawrefbook`` as many STARD statute questions too)
for a fixed time each and stop by themselves; lexical search (BM25, no embedding) is the baseline measured in
the same run. Reported: requests/s, p50 and p99 latency, errors, and the server's resident memory after each
load.

The two server configurations compare BLAS threading (``POLICYKG_BLAS_THREADS``): ``0`` leaves the library's
default (one thread per core for every call, what ``serve`` did before), ``1`` is the default now (each
concurrent query embeds on one thread). ``/qualifying`` is timed on the policy with the most conditions against
all stored profiles, one client.

    python benchmarks/http_bench.py [--duration 5] [--clients 1,8,32] [--profiles 10000] [--lawrefbook [FOLDER ...]]
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import random
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import quote, urlencode

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

SHARED = ROOT.parent / "shared"
NCP_DOCS = SHARED / "corpora" / "ncp-policies" / "docs.jsonl"
NCP_QUESTIONS = SHARED / "corpora" / "ncp-policies" / "questions.dev.jsonl"
LAWREFBOOK = SHARED / "corpora" / "lawrefbook"
STARD_QUESTIONS = SHARED / "corpora" / "stard" / "queries.train.json"
POLICYKG = [str(Path(sys.executable).with_name("policykg"))]  # the console script of this environment
REGIONS = ["110112", "110105", "110108", "110101", "310101", "440305", "140105", "330106"]
SCALES = ["大型", "中型", "小型", "微型", None]
INDUSTRIES = ["I6513", "H6210", "C3311", "F5123", "L7243"]


@dataclass
class Load:
    """What one load level measured."""

    label: str
    clients: int
    seconds: float
    latencies_ms: list[float] = field(default_factory=list)
    errors: int = 0
    rss_mb: float = 0.0

    @property
    def rate(self) -> float:
        """Answered requests per second."""
        return len(self.latencies_ms) / self.seconds

    def percentile(self, q: float) -> float:
        """The ``q``-th percentile of the latencies (ms)."""
        if not self.latencies_ms:
            return float("nan")
        ordered = sorted(self.latencies_ms)
        return ordered[min(len(ordered) - 1, int(q / 100 * len(ordered)))]

    def line(self) -> str:
        """One row of the report."""
        return (
            f"{self.label:<34} {self.clients:>3} clients  {self.rate:7.1f} req/s  p50 {self.percentile(50):7.1f} ms  "
            f"p99 {self.percentile(99):7.1f} ms  errors {self.errors}  server RSS {self.rss_mb:.0f} MB"
        )


def free_port() -> int:
    """A free TCP port of 127.0.0.1."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def own_code_env(extra: dict[str, str] | None = None) -> dict[str, str]:
    """The environment of a ``policykg`` subprocess: this tree's code first (not another installed copy)."""
    return {**os.environ, "PYTHONPATH": str(ROOT), **(extra or {})}


def cli(data_dir: Path, *args: str) -> str:
    """Run ``policykg --data-dir DATA ARGS`` and return its standard output (exit on failure)."""
    done = subprocess.run(
        [*POLICYKG, "--data-dir", str(data_dir), *args], cwd=ROOT, env=own_code_env(), capture_output=True, text=True
    )
    if done.returncode != 0:
        sys.exit(f"policykg {' '.join(args)} failed:\n{done.stderr[-3000:]}")
    return done.stdout


def rss_mb(pid: int) -> float:
    """Resident memory of process ``pid`` (MB), from /proc."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return float("nan")


@dataclass
class Server:
    """A running ``policykg serve``."""

    process: subprocess.Popen[bytes]
    port: int


@contextmanager
def serve(data_dir: Path, environment: dict[str, str]) -> Iterator[Server]:
    """Start ``policykg serve`` on a free port with ``environment`` added; stop it when the block ends."""
    port = free_port()
    env = own_code_env({"POLICYKG_PUSH_WORKER": "false", **environment})
    process = subprocess.Popen(
        [*POLICYKG, "--data-dir", str(data_dir), "serve", "--port", str(port)],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        deadline = time.monotonic() + 120
        while True:
            if process.poll() is not None:
                sys.exit(f"serve exited with {process.returncode}")
            try:
                status, _ = request(port, "/health")
                if status == 200:
                    break
            except OSError:
                pass
            if time.monotonic() > deadline:
                sys.exit("serve did not answer /health within 120 s")
            time.sleep(0.5)
        yield Server(process, port)
    finally:
        process.send_signal(signal.SIGINT)
        try:
            process.wait(30)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def request(port: int, path: str, headers: dict[str, str] | None = None) -> tuple[int, bytes]:
    """One GET on a new connection: (status, body)."""
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    try:
        connection.request("GET", path, headers=headers or {})
        response = connection.getresponse()
        return response.status, response.read()
    finally:
        connection.close()


def run_load(
    server: Server, label: str, paths: Sequence[str], clients: int, seconds: float, headers: dict[str, str]
) -> Load:
    """``clients`` threads, each on its own keep-alive connection, GET ``paths`` in turn until ``seconds`` pass."""
    load = Load(label, clients, seconds)
    lock = threading.Lock()
    deadline = time.monotonic() + seconds

    def client(offset: int) -> None:
        connection = http.client.HTTPConnection("127.0.0.1", server.port, timeout=120)
        mine: list[float] = []
        errors = 0
        i = offset
        while time.monotonic() < deadline:
            started = time.perf_counter()
            try:
                connection.request("GET", paths[i % len(paths)], headers=headers)
                response = connection.getresponse()
                response.read()
                ok = response.status == 200
            except (OSError, http.client.HTTPException):
                connection.close()
                connection = http.client.HTTPConnection("127.0.0.1", server.port, timeout=120)
                ok = False
            if ok and time.monotonic() <= deadline + 0.001:
                mine.append((time.perf_counter() - started) * 1000)
            elif not ok:
                errors += 1
            i += clients
        connection.close()
        with lock:
            load.latencies_ms.extend(mine)
            load.errors += errors

    threads = [threading.Thread(target=client, args=(k * 7919,)) for k in range(clients)]
    started = time.monotonic()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    load.seconds = max(time.monotonic() - started, seconds)
    load.rss_mb = rss_mb(server.process.pid)
    return load


def search_paths(questions: Sequence[str], mode: str) -> list[str]:
    """GET /search paths for the questions in ``mode``."""
    return [f"/search?{urlencode({'q': q, 'top': 10, 'mode': mode})}" for q in questions]


def synthetic_profiles(n: int, rng: random.Random) -> Iterator[dict[str, object]]:
    """Profiles in eight counties (half in 北京), of every scale or none, with or without employment facts."""
    for i in range(n):
        facts: dict[str, object] = {}
        if rng.random() < 0.7:
            facts = {"layoffs_2019": rng.random() < 0.2, "employees": rng.randint(1, 800)}
        yield {"id": f"p{i}", "name": f"企业{i}", "region_code": rng.choice(REGIONS),
               "industry_code": rng.choice(INDUSTRIES), "scale": rng.choice(SCALES), "facts": facts}  # fmt: skip


def national_lawrefbook(folders: Sequence[str] = ()) -> list[str]:
    """The national LawRefBook folders (all but the local regulations of DLC/), or only those named."""
    return [
        str(p)
        for p in sorted(LAWREFBOOK.iterdir())
        if p.is_dir() and p.name != "DLC" and (not folders or p.name in folders)
    ]


def most_conditioned_policy(data_dir: Path) -> tuple[str, int]:
    """The source id of the stored document with the most Condition nodes, and that count (graph read directly,
    before the server holds it)."""
    from graph.ladybug_store import LadybugGraphStore

    store = LadybugGraphStore(data_dir / "graph.lbug")
    try:
        rows = store.query("MATCH (c:Condition) RETURN c.doc_id AS d, count(c) AS n")
        best = max(rows, key=lambda r: (int(r["n"]), str(r["d"])))
        document = store.get_node("NormativeDocument", best["d"])
        assert document is not None
        return str(document["source_id"]), int(best["n"])
    finally:
        store.close()


def prepare(data_dir: Path, lawrefbook: Sequence[str] | None, profiles: int) -> tuple[str, str]:
    """Initialise, ingest and store the profiles; return (API key, source id of the policy to ask about).

    What is done is noted beside the data dir, so a ``--data-dir`` given again is not prepared twice.
    """
    state_file = data_dir.parent / f"{data_dir.name}.http-bench.json"
    state = json.loads(state_file.read_text()) if state_file.exists() else {}
    if not state.get("ingested"):
        started = time.perf_counter()
        cli(data_dir, "init")
        sources = [str(NCP_DOCS), *(national_lawrefbook(lawrefbook) if lawrefbook is not None else [])]
        cli(data_dir, "ingest", *sources)
        print(f"ingested {', '.join(Path(s).name for s in sources)} in {time.perf_counter() - started:.0f} s")
        state = {"ingested": True}
        state_file.write_text(json.dumps(state))
    if state.get("profiles") != profiles:
        consumer = json.loads(cli(data_dir, "consumers", "add", "http-bench").strip().splitlines()[-1])
        profile_file = data_dir.parent / f"{data_dir.name}.profiles.jsonl"
        with profile_file.open("w", encoding="utf-8") as out:
            for profile in synthetic_profiles(profiles, random.Random(16)):
                out.write(json.dumps(profile, ensure_ascii=False) + "\n")
        cli(data_dir, "profiles", "import", str(profile_file), "--consumer", consumer["id"])
        source_id, conditions = most_conditioned_policy(data_dir)
        print(f"stored {profiles} profiles; /qualifying asks about {source_id} ({conditions} conditions)")
        state.update(profiles=profiles, api_key=consumer["api_key"], source_id=source_id)
        state_file.write_text(json.dumps(state))
    return str(state["api_key"]), str(state["source_id"])


def main() -> None:
    """Run the benchmark and print its numbers."""
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--duration", type=float, default=5.0, help="Seconds of load per level.")
    parser.add_argument("--clients", default="1,8,32", help="Comma-separated client counts.")
    parser.add_argument("--profiles", type=int, default=10_000, help="Stored profiles for /qualifying.")
    parser.add_argument("--qualifying-requests", type=int, default=20)
    parser.add_argument("--blas", default="0,1", help="POLICYKG_BLAS_THREADS of each server run, in order.")
    parser.add_argument(
        "--lawrefbook",
        nargs="*",
        default=None,
        metavar="FOLDER",
        help="Also ingest the national LawRefBook (big: some 65,000 articles), or only the folders named (宪法 …).",
    )
    parser.add_argument("--data-dir", type=Path, default=None, help="Reuse a prepared data dir (kept).")
    args = parser.parse_args()
    clients = [int(c) for c in args.clients.split(",")]
    questions = [json.loads(line)["question"] for line in NCP_QUESTIONS.read_text(encoding="utf-8").splitlines()]
    if args.lawrefbook is not None:  # statute questions too (STARD), about as many
        questions += [q["问题"] for q in json.loads(STARD_QUESTIONS.read_text(encoding="utf-8"))][: len(questions)]
    random.Random(1).shuffle(questions)
    print(f"{os.cpu_count()} cores; load {args.duration:.0f} s per level; the machine may be shared")
    workdir = Path(tempfile.mkdtemp(prefix="policykg-http-"))
    try:
        data_dir = args.data_dir or workdir / "data"
        api_key, source_id = prepare(data_dir, args.lawrefbook, args.profiles)
        auth = {"Authorization": f"Bearer {api_key}"}
        for blas in args.blas.split(","):
            with serve(data_dir, {"POLICYKG_BLAS_THREADS": blas}) as server:
                print(f"\nserver POLICYKG_BLAS_THREADS={blas}: RSS at start {rss_mb(server.process.pid):.0f} MB")
                for mode in ("lexical", "hybrid"):
                    paths = search_paths(questions, mode)
                    run_load(server, "warm-up", paths[:20], 1, 1.0, {})
                    for n in clients:
                        print(run_load(server, f"GET /search {mode}", paths, n, args.duration, {}).line(), flush=True)
                qualifying = f"/policies/{quote(source_id, safe='')}/qualifying?limit=100"
                status, body = request(server.port, qualifying, auth)
                if status != 200:
                    sys.exit(f"GET {qualifying}: HTTP {status} {body[:300]!r}")
                total = json.loads(body).get("total")
                timings = []
                for _ in range(args.qualifying_requests):
                    started = time.perf_counter()
                    request(server.port, qualifying, auth)
                    timings.append((time.perf_counter() - started) * 1000)
                print(
                    f"GET /policies/…/qualifying, {args.profiles} profiles ({total} qualifying results): "
                    f"p50 {statistics.median(timings):.0f} ms, max {max(timings):.0f} ms "
                    f"over {len(timings)} requests; server RSS {rss_mb(server.process.pid):.0f} MB"
                )
    finally:
        shutil.rmtree(workdir, ignore_errors=True)


if __name__ == "__main__":
    main()
