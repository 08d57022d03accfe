"""Run ``policykg serve`` for end-to-end tests: environment, start and stop, waiting for an outcome."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx
import pytest

from tests.support.cli import POLICYKG


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def environment(data_dir: Path, *, open_registration: bool = True) -> dict[str, str]:
    """The service's environment for tests: a temporary data dir, no embedder, fast webhook retries, loopback
    receivers allowed."""
    env = {
        **os.environ,
        "POLICYKG_DATA_DIR": str(data_dir),
        "POLICYKG_EMBEDDER": "none",
        "POLICYKG_WEBHOOK_BACKOFF_BASE_S": "0.05",
        "POLICYKG_WEBHOOK_BACKOFF_CAP_S": "0.3",
        "POLICYKG_PUSH_POLL_S": "0.1",
        "POLICYKG_WEBHOOK_TIMEOUT_S": "5",
        "POLICYKG_WEBHOOK_ALLOWLIST": "127.0.0.1",
    }
    if open_registration:
        env["POLICYKG_OPEN_REGISTRATION"] = "true"
    else:
        env.pop("POLICYKG_OPEN_REGISTRATION", None)
    return env


@contextmanager
def running_service(data_dir: Path, *, open_registration: bool = True) -> Iterator[tuple[str, subprocess.Popen[bytes]]]:
    """``policykg serve`` on a free loopback port until the block ends (SIGTERM, then SIGKILL); yields its base URL
    and process."""
    port = free_port()
    process = subprocess.Popen(
        [str(POLICYKG), "serve", "--port", str(port)],
        env=environment(data_dir, open_registration=open_registration),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            if process.poll() is not None:
                pytest.fail(f"policykg serve exited with {process.returncode}")
            try:
                if httpx.get(f"{base}/health", timeout=2).status_code == 200:
                    break
            except httpx.HTTPError:
                time.sleep(0.2)
        else:
            pytest.fail("policykg serve did not answer within 60 s")
        yield base, process
    finally:
        if process.poll() is None:
            process.send_signal(signal.SIGTERM)
            try:
                process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()


def wait_for(predicate: Callable[[], object], timeout_s: float, what: str) -> None:
    """Poll ``predicate`` every 0.1 s until it is true; fail the test after ``timeout_s``."""
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        if predicate():
            return
        time.sleep(0.1)
    pytest.fail(f"timed out waiting for {what}")
