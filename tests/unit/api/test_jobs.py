"""The job store and runner on their own: safe file names, atomic job files, one worker that records each outcome."""

from __future__ import annotations

import io
import threading
from pathlib import Path
from typing import Any

import pytest

from api.jobs import Job, JobRunner, JobStatus, JobStore, safe_file_name
from ingest.errors import CorruptFileError


@pytest.mark.parametrize(
    ("name", "safe"),
    [
        ("措施.docx", "措施.docx"),
        ("../../etc/passwd", "passwd"),
        ("C:\\Users\\me\\通知.pdf", "通知.pdf"),
        ("a\x00b<c>.md", "a_b_c_.md"),
        ("..", "upload"),
        (None, "upload"),
        ("长" * 200 + ".docx", "长" * 115 + ".docx"),
    ],
)
def test_a_client_file_name_is_stored_without_path_or_reserved_characters(name: str | None, safe: str) -> None:
    assert safe_file_name(name) == safe


def test_a_job_file_round_trips_and_only_pending_jobs_are_listed(tmp_path: Path) -> None:
    store = JobStore(tmp_path)
    job_id, path = store.save_upload(io.BytesIO(b"text"), "a.txt")
    assert path.read_bytes() == b"text" and path.parent == store.upload_folder(job_id)
    queued = Job(job_id, "o_1", {"upload": {"file": "a.txt", "title": "通知"}})
    store.save(queued)
    store.save(Job("ffffffffffffffff", "o_1", {}, status=JobStatus.SUCCEEDED, result_status=201, result={}))
    assert store.load(job_id) == queued
    assert [job.id for job in store.pending()] == [job_id]
    assert store.load("../jobs/x") is None and store.load("0000000000000000") is None
    assert not list(store.jobs_dir.glob("*.partial"))


def _wait_finished(store: JobStore, job_id: str) -> Job:
    pause = threading.Event()
    for _ in range(1000):  # 10 s at most
        job = store.load(job_id)
        if job is not None and job.status not in (JobStatus.QUEUED, JobStatus.RUNNING):
            return job
        pause.wait(0.01)
    pytest.fail(f"job {job_id} did not finish")


def test_the_runner_records_a_result_or_the_problem_and_removes_the_file(tmp_path: Path) -> None:
    def work(job: Job, folder: Path) -> tuple[int, dict[str, Any]]:
        text = (folder / job.payload["file"]).read_text(encoding="utf-8")
        if text == "bad":
            raise CorruptFileError("x.docx: damaged DOCX file")
        return 201, {"text": text}

    store = JobStore(tmp_path)
    runner = JobRunner(store, work)
    try:
        good, _ = store.save_upload(io.BytesIO(b"good"), "x.txt")
        bad, _ = store.save_upload(io.BytesIO(b"bad"), "x.txt")
        runner.submit(good, "o_1", {"file": "x.txt"})
        runner.submit(bad, "o_1", {"file": "x.txt"})
        succeeded, failed = _wait_finished(store, good), _wait_finished(store, bad)
    finally:
        runner.stop()
    assert (succeeded.status, succeeded.result_status, succeeded.result) == (JobStatus.SUCCEEDED, 201, {"text": "good"})
    assert failed.status is JobStatus.FAILED and failed.problem is not None
    assert failed.problem["status"] == 422 and failed.problem["instance"] == f"/jobs/{bad}"
    assert not store.upload_folder(good).exists() and not store.upload_folder(bad).exists()
