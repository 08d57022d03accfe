"""Jobs: how a document published in the background (a large upload, answered 202) stands, and its answer."""

from __future__ import annotations

from typing import Annotated, Literal

from fastapi import APIRouter, Path
from pydantic import BaseModel, Field

from api.deps import ServicesDep
from api.errors import AUTH_PROBLEM_RESPONSES, PROBLEM_RESPONSES, Problem
from api.jobs import JOB_ID_PATTERN, Job
from api.publishing import DocumentPublished
from api.security import CurrentStaff
from ontology.errors import NotFoundError
from push.errors import PermissionDeniedError
from push.keys import Role

router = APIRouter(prefix="/jobs", tags=["jobs"], responses=PROBLEM_RESPONSES)


class JobPublic(BaseModel):
    """A background job: queued, running, and then succeeded (with the answer the upload would have had at once)
    or failed (with the problem it would have been answered with)."""

    id: str
    status: Literal["queued", "running", "succeeded", "failed"]
    created_at: str
    updated_at: str
    source_id: str | None = None
    file: str | None = Field(None, description="The uploaded file's name.")
    result_status: int | None = Field(None, description="Succeeded: 201 (stored) or 200 (stored already).")
    result: DocumentPublished | None = Field(None, description="Succeeded: the stored document and its measures.")
    document_url: str | None = Field(None, description="Succeeded: the stored document.")
    problem: Problem | None = Field(None, description="Failed: why.")


def job_view(job: Job) -> JobPublic:
    """A job as its submitter sees it."""
    upload = job.payload.get("upload") or {}
    result = DocumentPublished.model_validate(job.result) if job.result is not None else None
    return JobPublic(
        id=job.id,
        status=job.status.value,
        created_at=job.created_at,
        updated_at=job.updated_at,
        source_id=upload.get("source_id"),
        file=upload.get("file"),
        result_status=job.result_status,
        result=result,
        document_url=f"/documents/{result.document.id}" if result is not None else None,
        problem=Problem.model_validate(job.problem) if job.problem is not None else None,
    )


@router.get("/{job_id}", summary="Read a background job (officials)", responses=AUTH_PROBLEM_RESPONSES)
def read_job(
    job_id: Annotated[str, Path(pattern=JOB_ID_PATTERN, description="The id a 202 named in its Location.")],
    staff: CurrentStaff,
    services: ServicesDep,
) -> JobPublic:
    """A job submitted with this key (an admin's key reads every job): its status, and once finished its answer
    or its problem."""
    job = services.jobs.store.load(job_id)
    if job is None:
        raise NotFoundError(f"no job {job_id!r}")
    if staff.role is not Role.ADMIN and job.holder_id != staff.id:
        raise PermissionDeniedError(f"job {job_id} was submitted with another key")
    return job_view(job)
