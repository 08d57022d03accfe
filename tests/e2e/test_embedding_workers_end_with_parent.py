"""Embedding worker processes end when their parent is killed with -9 (issue 16: ~470 MB of orphans stayed)."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
PARENT = """
import sys, time
from search.embedders.use import UseEmbedder
embedder = UseEmbedder(workers=2)
embedder.embed(["测试文本"] * 3000)
print("ready", flush=True)
time.sleep(600)
"""


def test_workers_exit_after_their_parent_is_killed() -> None:
    parent = subprocess.Popen(
        [sys.executable, "-c", PARENT], cwd=REPO, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True
    )
    try:
        assert parent.stdout is not None and parent.stdout.readline().strip() == "ready"
        children = subprocess.run(["pgrep", "-P", str(parent.pid)], capture_output=True, text=True).stdout.split()
        assert children, "the embedder started worker processes"
    finally:
        os.kill(parent.pid, signal.SIGKILL)
        parent.wait()
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline and any(Path(f"/proc/{c}").exists() for c in children):
        time.sleep(0.2)
    alive = [c for c in children if Path(f"/proc/{c}").exists()]
    for pid in alive:
        os.kill(int(pid), signal.SIGKILL)
    assert not alive
