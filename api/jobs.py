"""Durable background jobs: a large upload is answered 202 and published by one worker thread.

Each job is a small JSON file, ``<data dir>/jobs/<id>.json``; the file it works on lies in
``<data dir>/uploads/<id>/``. Files rather than a graph node, because that is the simpler of the two that holds:
the uploaded bytes must be on the server's disk in any case (an external Neo4j keeps no files), so a job's state
lives and goes with its bytes in the data dir, needs no ontology class, Cypher or schema migration, and records a
failure even when the graph store is what failed. A job's file is replaced atomically (written beside, flushed to
disk, renamed), so a crash leaves its old state or its new one, never half of either.

Order of writes: the uploaded bytes, then the job's file, then the 202 — an accepted job is never lost. When the
server starts, jobs still queued or running (a stop or a crash came first) are queued again; publishing is all or
nothing and publishing the same text again changes nothing, so a job run twice is harmless. A finished job keeps
its file (the answer ``GET /jobs/{id}`` gives) and its uploaded bytes are removed.
"""

from __future__ import annotations

import dataclasses
import json
import logging
import os
import queue
import re
import secrets
import shutil
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from enum import StrEnum
from pathlib import Path
from typing import Any, BinaryIO

from api.errors import problem_for
from ontology.clock import utc_now
from ontology.errors import PolicykgError

logger = logging.getLogger(__name__)

JOBS_DIR_NAME = "jobs"
UPLOADS_DIR_NAME = "uploads"
JOB_ID_PATTERN = r"^[0-9a-f]{16}$"
_JOB_ID = re.compile(JOB_ID_PATTERN)
_UNSAFE_NAME = re.compile(r"[\x00-\x1f/\\:*?\"<>|]+")
_NAME_LIMIT = 120
_COPY_CHUNK = 1024 * 1024


class JobStatus(StrEnum):
    """Where a job stands."""

    QUEUED = "queued"
    RUNNING = "running"
    SUCCEEDED = "succeeded"
    FAILED = "failed"


PENDING = frozenset({JobStatus.QUEUED, JobStatus.RUNNING})


@dataclass(frozen=True)
class Job:
    """A background job: who submitted it, what it works on, and once finished its answer or its problem."""

    id: str
    holder_id: str
    payload: dict[str, Any]
    status: JobStatus = JobStatus.QUEUED
    created_at: str = field(default_factory=utc_now)
    updated_at: str = field(default_factory=utc_now)
    result_status: int | None = None
    result: dict[str, Any] | None = None
    problem: dict[str, Any] | None = None


def safe_file_name(name: str | None) -> str:
    """A client's file name made safe to store: its last path part, without control or reserved characters, at
    most 120 characters (its ending kept); ``upload`` when nothing is left."""
    base = _UNSAFE_NAME.sub("_", (name or "").replace("\\", "/").rsplit("/", 1)[-1]).strip(" ._") or "upload"
    if len(base) > _NAME_LIMIT:
        stem, dot, suffix = base.rpartition(".")
        base = stem[: _NAME_LIMIT - len(suffix) - 1] + dot + suffix if dot and len(suffix) < 16 else base[:_NAME_LIMIT]
    return base


def _write_durably(path: Path, data: bytes) -> None:
    """Replace ``path`` with ``data`` atomically: written beside it, flushed to disk, renamed over it."""
    partial = path.with_name(path.name + ".partial")
    with partial.open("wb") as out:
        out.write(data)
        out.flush()
        os.fsync(out.fileno())
    os.replace(partial, path)
    _sync_folder(path.parent)


def _sync_folder(folder: Path) -> None:
    fd = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


class JobStore:
    """Jobs as JSON files in the data dir, and the uploaded files they work on."""

    def __init__(self, data_dir: Path) -> None:
        self.jobs_dir = data_dir / JOBS_DIR_NAME
        self.uploads_dir = data_dir / UPLOADS_DIR_NAME

    def save_upload(self, stream: BinaryIO, file_name: str | None) -> tuple[str, Path]:
        """Store an uploaded file under a new job id, flushed to disk; the id and the stored file."""
        job_id = secrets.token_hex(8)
        folder = self.upload_folder(job_id)
        folder.mkdir(mode=0o700, parents=True)
        path = folder / safe_file_name(file_name)
        with path.open("wb") as out:
            shutil.copyfileobj(stream, out, _COPY_CHUNK)
            out.flush()
            os.fsync(out.fileno())
        _sync_folder(folder)
        return job_id, path

    def upload_folder(self, job_id: str) -> Path:
        """The folder of a job's uploaded file."""
        return self.uploads_dir / job_id

    def discard_upload(self, job_id: str) -> None:
        """Remove a job's uploaded file (its work is done, or it was published at once)."""
        shutil.rmtree(self.upload_folder(job_id), ignore_errors=True)

    def save(self, job: Job) -> None:
        """Store a job's state (atomically)."""
        self.jobs_dir.mkdir(mode=0o700, parents=True, exist_ok=True)
        data = dataclasses.asdict(job) | {"status": job.status.value}
        _write_durably(self.jobs_dir / f"{job.id}.json", json.dumps(data, ensure_ascii=False).encode("utf-8"))

    def load(self, job_id: str) -> Job | None:
        """A job by id, or ``None`` when there is none (or the id cannot be one)."""
        if not _JOB_ID.match(job_id):
            return None
        try:
            data = json.loads((self.jobs_dir / f"{job_id}.json").read_text(encoding="utf-8"))
        except FileNotFoundError:
            return None
        return Job(**{**data, "status": JobStatus(data["status"])})

    def pending(self) -> list[Job]:
        """Jobs still queued or running, oldest first."""
        jobs = [self.load(path.stem) for path in self.jobs_dir.glob("*.json")] if self.jobs_dir.is_dir() else []
        return sorted((job for job in jobs if job is not None and job.status in PENDING), key=lambda j: j.created_at)

    def discard_orphans(self) -> None:
        """Remove uploaded files no pending job works on (a crash between storing a file and its job, or before a
        finished job's file was removed)."""
        if not self.uploads_dir.is_dir():
            return
        for folder in self.uploads_dir.iterdir():
            job = self.load(folder.name)
            if job is None or job.status not in PENDING:
                shutil.rmtree(folder, ignore_errors=True)


Work = Callable[[Job, Path], tuple[int, dict[str, Any]]]
"""What a job does, given the job and the folder of its files: the status and body of its answer."""


class JobRunner:
    """Runs jobs one at a time in a worker thread (started on first use), recording each state in the store."""

    def __init__(self, store: JobStore, work: Work, *, stop_timeout_s: float = 60.0) -> None:
        self.store = store
        self.work = work
        self.stop_timeout_s = stop_timeout_s
        self._queue: queue.Queue[str | None] = queue.Queue()
        self._thread: threading.Thread | None = None
        self._lock = threading.Lock()
        self._stopping = threading.Event()

    def submit(self, job_id: str, holder_id: str, payload: dict[str, Any]) -> Job:
        """Store a new queued job (its uploaded file already stored under ``job_id``) and queue it."""
        job = Job(job_id, holder_id, payload)
        self.store.save(job)
        self._enqueue(job.id)
        return job

    def resume(self) -> int:
        """Queue again the jobs a stop or a crash interrupted, and remove uploads no job works on; how many."""
        self.store.discard_orphans()
        pending = self.store.pending()
        for job in pending:
            logger.info("resuming job %s (%s since %s)", job.id, job.status.value, job.updated_at)
            self._enqueue(job.id)
        return len(pending)

    def stop(self) -> None:
        """Stop the worker after its current job (waiting up to ``stop_timeout_s``); a job cut short stays
        pending and runs again on the next start."""
        with self._lock:
            thread, self._thread = self._thread, None
            self._stopping.set()
        if thread is not None:
            self._queue.put(None)
            thread.join(timeout=self.stop_timeout_s)
            if thread.is_alive():
                logger.warning("a job still runs after %.0f s; it runs again on the next start", self.stop_timeout_s)

    def _enqueue(self, job_id: str) -> None:
        with self._lock:
            if self._stopping.is_set():
                return  # stored as queued: the next start runs it
            if self._thread is None:
                self._thread = threading.Thread(target=self._loop, name="policykg-jobs", daemon=True)
                self._thread.start()
            self._queue.put(job_id)

    def _loop(self) -> None:
        while (job_id := self._queue.get()) is not None:
            try:
                self._run(job_id)
            except Exception:
                logger.exception("job %s: its state could not be recorded; it runs again on the next start", job_id)

    def _run(self, job_id: str) -> None:
        job = self.store.load(job_id)
        if job is None or job.status not in PENDING:
            return
        job = dataclasses.replace(job, status=JobStatus.RUNNING, updated_at=utc_now())
        self.store.save(job)
        try:
            status, body = self.work(job, self.store.upload_folder(job.id))
        except Exception as error:
            if self._stopping.is_set():
                logger.warning("job %s cut short by the stop (%s); it runs again on the next start", job.id, error)
                return
            if not isinstance(error, PolicykgError):
                logger.exception("job %s failed unexpectedly", job.id)
            problem = problem_for(error, f"/jobs/{job.id}").model_dump(exclude_none=True)
            done = dataclasses.replace(job, status=JobStatus.FAILED, updated_at=utc_now(), problem=problem)
        else:
            done = dataclasses.replace(
                job, status=JobStatus.SUCCEEDED, updated_at=utc_now(), result_status=status, result=body
            )
        self.store.save(done)
        self.store.discard_upload(job.id)
