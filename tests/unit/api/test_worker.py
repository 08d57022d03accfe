"""The delivery worker is supervised: a failure (a locked graph at start-up) does not end deliveries for good."""

from __future__ import annotations

import threading

import pytest

from api import worker


def test_a_failing_worker_is_started_again_until_stopped(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(worker, "RESTART_FIRST_S", 0.01)
    stop = threading.Event()
    runs: list[int] = []

    def work() -> None:
        runs.append(1)
        if len(runs) < 3:
            raise RuntimeError("Lock is held")  # what opening a locked LadybugDB raises
        stop.set()  # the third start succeeds and runs until stopped

    worker.supervise(work, stop)
    assert len(runs) == 3
