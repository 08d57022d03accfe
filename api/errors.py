"""Errors of the entry layer, and how every error becomes an RFC 9457 problem+json response.

``PROBLEM_TABLE`` is the one mapping from policykg's exceptions to HTTP status codes: a raised error is looked
up along its class hierarchy, so a subclass answers with its nearest mapped ancestor's status.
FastAPI's request validation errors become 422 problems that name each bad field; unknown routes and
methods (404, 405) and unexpected failures (500, no internals leaked) get the same body shape.
"""

from __future__ import annotations

import logging
from http import HTTPStatus
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from pydantic import BaseModel, ConfigDict, Field, ValidationError
from starlette.exceptions import HTTPException as StarletteHTTPException

from graph.errors import GraphSchemaError, GraphStoreError, ReadOnlyQueryError
from ingest.errors import FileTooLargeError, IngestError, UnsupportedFormatError
from ontology.errors import ConflictError, InvalidInputError, NotFoundError, PolicykgError, UnknownCodeError
from push.errors import AuthenticationError, PermissionDeniedError, WebhookTargetError
from search.errors import EmbeddingError, InvalidQueryError, SearchIndexError

logger = logging.getLogger(__name__)

PROBLEM_MEDIA_TYPE = "application/problem+json"


class ApiError(PolicykgError):
    """Base class of the errors the HTTP and CLI entry layer raises."""


class RegistrationRefusedError(ApiError):
    """Exception raised when a consumer registration lacks the configured registration token."""


# The one table: exception class → (HTTP status, problem type slug). Looked up along the class's MRO.
PROBLEM_TABLE: dict[type[BaseException], tuple[int, str]] = {
    NotFoundError: (404, "not-found"),
    AuthenticationError: (401, "unauthorized"),
    RegistrationRefusedError: (403, "registration-refused"),
    PermissionDeniedError: (403, "forbidden"),
    WebhookTargetError: (422, "webhook-target-refused"),
    ConflictError: (409, "conflict"),
    InvalidInputError: (422, "invalid-input"),
    UnknownCodeError: (422, "unknown-code"),
    InvalidQueryError: (422, "invalid-query"),
    ReadOnlyQueryError: (400, "read-only-query"),
    GraphSchemaError: (400, "schema-violation"),
    GraphStoreError: (503, "graph-store-unavailable"),
    SearchIndexError: (503, "search-index-unavailable"),
    EmbeddingError: (503, "embedder-unavailable"),
    ValidationError: (422, "validation-error"),
    FileTooLargeError: (413, "file-too-large"),
    UnsupportedFormatError: (415, "unsupported-format"),
    IngestError: (422, "unreadable-file"),  # undecodable, damaged or empty
    PolicykgError: (400, "bad-request"),
}


class FieldProblem(BaseModel):
    """One invalid field of a request."""

    field: str = Field(description="Dotted path of the field, e.g. `body.profiles.0.employees` or `query.limit`.")
    message: str


class Problem(BaseModel):
    """An RFC 9457 problem details body (media type ``application/problem+json``)."""

    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "type": "urn:policykg:problem:validation-error",
                    "title": "Unprocessable Entity",
                    "status": 422,
                    "detail": "body.employees: Input should be greater than or equal to 0",
                    "instance": "/match",
                    "errors": [{"field": "body.employees", "message": "Input should be greater than or equal to 0"}],
                }
            ]
        }
    )

    type: str = Field("about:blank", description="A URI naming the kind of problem.")
    title: str
    status: int
    detail: str | None = None
    instance: str | None = Field(None, description="The request path the problem occurred on.")
    errors: list[FieldProblem] | None = Field(None, description="The invalid fields, for validation problems.")


def problem_responses(*statuses: int) -> dict[int | str, dict[str, Any]]:
    """``responses=`` entries documenting problem+json answers with the given statuses."""
    return {
        status: {
            "model": Problem,
            "description": HTTPStatus(status).phrase,
            "content": {PROBLEM_MEDIA_TYPE: {"schema": {"$ref": "#/components/schemas/Problem"}}},
        }
        for status in statuses
    }


PROBLEM_RESPONSES = problem_responses(422)
"""``responses=`` for public routes: every route may answer a 422 problem."""

AUTH_PROBLEM_RESPONSES = problem_responses(401, 403, 404, 422)
"""``responses=`` for routes that need an API key."""


def problem_response(
    request: Request,
    status: int,
    *,
    slug: str | None = None,
    detail: str | None = None,
    errors: list[FieldProblem] | None = None,
    headers: dict[str, str] | None = None,
) -> JSONResponse:
    """A problem+json response for ``request`` with the given status, type slug and detail."""
    problem = Problem(
        type=f"urn:policykg:problem:{slug}" if slug else "about:blank",
        title=HTTPStatus(status).phrase,
        status=status,
        detail=detail,
        instance=request.url.path,
        errors=errors,
    )
    return JSONResponse(
        problem.model_dump(exclude_none=True), status_code=status, media_type=PROBLEM_MEDIA_TYPE, headers=headers
    )


def status_for(error: BaseException) -> tuple[int, str] | None:
    """The (status, slug) of the nearest mapped class of ``error`` in ``PROBLEM_TABLE``, or ``None``."""
    for cls in type(error).__mro__:
        if cls in PROBLEM_TABLE:
            return PROBLEM_TABLE[cls]
    return None


def _field_problems(errors: list[Any]) -> list[FieldProblem]:
    problems = []
    for item in errors:
        where = ".".join(str(p) for p in item.get("loc", ())) or "request"
        problems.append(FieldProblem(field=where, message=str(item.get("msg", "invalid value"))))
    return problems


def _summary(problems: list[FieldProblem]) -> str:
    text = "; ".join(f"{p.field}: {p.message}" for p in problems[:5])
    return text + (f" (and {len(problems) - 5} more)" if len(problems) > 5 else "")


async def _on_request_validation(request: Request, error: Exception) -> JSONResponse:
    assert isinstance(error, RequestValidationError)
    problems = _field_problems(list(error.errors()))
    return problem_response(request, 422, slug="validation-error", detail=_summary(problems), errors=problems)


_PUBLIC_DETAIL = {
    "graph-store-unavailable": "the graph store is unavailable (busy or not reachable); try again shortly",
    "search-index-unavailable": "the search index is unavailable; try again shortly",
    "embedder-unavailable": "the embedding model is unavailable; try lexical search",
}


def problem_for(error: BaseException, instance: str) -> Problem:
    """The problem an error raised while answering ``instance`` (a request path, or a job's) is reported as: its
    status from ``PROBLEM_TABLE`` (500 when unmapped), its message for a 4xx, a fixed public text for a 5xx (the
    full message goes to the log)."""
    status, slug = status_for(error) or (500, "internal-error")
    errors = None
    if isinstance(error, ValidationError):
        errors = _field_problems(list(error.errors()))
        detail = _summary(errors)
    elif status >= 500:
        # the full message (paths, lock holders) goes to the log, not to the client
        logger.error("%s on %s: %s", type(error).__name__, instance, error)
        detail = _PUBLIC_DETAIL.get(slug, "the service cannot answer now; try again shortly")
    else:
        detail = str(error).splitlines()[0] if str(error) else type(error).__name__
    return Problem(
        type=f"urn:policykg:problem:{slug}",
        title=HTTPStatus(status).phrase,
        status=status,
        detail=detail,
        instance=instance,
        errors=errors,
    )


async def _on_policykg_error(request: Request, error: Exception) -> JSONResponse:
    problem = problem_for(error, request.url.path)
    headers = {"WWW-Authenticate": "Bearer"} if problem.status == 401 else None
    return JSONResponse(
        problem.model_dump(exclude_none=True),
        status_code=problem.status,
        media_type=PROBLEM_MEDIA_TYPE,
        headers=headers,
    )


async def _on_http_exception(request: Request, error: Exception) -> JSONResponse:
    assert isinstance(error, StarletteHTTPException)
    detail = error.detail if isinstance(error.detail, str) else None
    if error.status_code == 404 and detail == HTTPStatus.NOT_FOUND.phrase:
        detail = f"no route {request.url.path}"
    if error.status_code == 405:
        detail = f"method {request.method} not allowed on {request.url.path}"
    return problem_response(request, error.status_code, detail=detail, headers=dict(error.headers or {}) or None)


async def _on_unexpected(request: Request, error: Exception) -> JSONResponse:
    logger.exception("unexpected error on %s %s", request.method, request.url.path, exc_info=error)
    return problem_response(request, 500, slug="internal-error", detail="an unexpected error occurred")


def install_problem_handlers(app: FastAPI) -> None:
    """Make every error ``app`` answers an RFC 9457 problem+json body."""
    app.add_exception_handler(RequestValidationError, _on_request_validation)
    app.add_exception_handler(PolicykgError, _on_policykg_error)
    app.add_exception_handler(ValidationError, _on_policykg_error)
    app.add_exception_handler(StarletteHTTPException, _on_http_exception)
    app.add_exception_handler(Exception, _on_unexpected)
