"""Applications (办理, 一次办): consumers apply for a measure and answer its open questions once; the issuing
region's officials list and decide them. Every status change is a webhook event to the consumer."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Annotated

from fastapi import APIRouter, Query, status
from pydantic import BaseModel, ConfigDict, Field, StringConstraints

from api.bootstrap import Services
from api.deps import ServicesDep
from api.errors import AUTH_PROBLEM_RESPONSES, problem_responses
from api.pagination import Page, PageDep
from api.security import CurrentConsumer, CurrentKey
from eligibility.profile import FactValue
from ontology.errors import InvalidInputError
from push.applications import (
    CONSUMER_MOVES,
    ApplicationContext,
    ApplicationPublic,
    ApplicationStatus,
    answer_application,
    application_view,
    consumer_applications,
    create_application,
    decide_application,
    get_application,
    staff_applications,
)
from push.keys import Role

router = APIRouter(prefix="/applications", tags=["applications"], responses=AUTH_PROBLEM_RESPONSES)

Id = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=500)]


class ApplicationCreate(BaseModel):
    """What to apply for, and on behalf of which profile."""

    model_config = ConfigDict(
        extra="forbid", json_schema_extra={"examples": [{"profile_id": "ent-001", "measure_id": "doc-1/art-3"}]}
    )

    profile_id: Id = Field(description="One of your profiles.")
    measure_id: Id = Field(description="The measure's clause id, as /match and the webhook events give it.")


class ApplicationPatch(BaseModel):
    """Answers (consumers: stored on the profile, for every application of it) and a status move: consumers
    submit; the issuing region's officials accept, reject and pay."""

    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={"examples": [{"facts": {"unemployment_insured": True}, "status": "submitted"}]},
    )

    facts: dict[Annotated[str, StringConstraints(max_length=100)], FactValue] = Field(
        default_factory=dict, max_length=100, description="Answers to open questions, by fact name."
    )
    status: ApplicationStatus | None = None
    note: Annotated[str, StringConstraints(strip_whitespace=True, max_length=1000)] | None = None
    amount_paid_wan: float | None = Field(None, ge=0, description="With status paid: the amount paid (万元).")


def _context(services: Services) -> ApplicationContext:
    return ApplicationContext(services.store, services.matcher, datetime.now(UTC))


@router.post(
    "",
    status_code=status.HTTP_201_CREATED,
    summary="Apply for a measure (consumers)",
    responses=problem_responses(409),
)
def create_application_route(
    body: ApplicationCreate, consumer: CurrentConsumer, services: ServicesDep
) -> ApplicationPublic:
    """A draft application pre-filled from the profile and the facts it answered, with the questions still open."""
    return create_application(_context(services), consumer.id, body.profile_id, body.measure_id)


@router.get("", summary="List applications (consumers: yours; officials: your region's measures)")
def list_applications_route(
    holder: CurrentKey,
    services: ServicesDep,
    page: PageDep,
    source_id: Annotated[str | None, Query(max_length=500, description="Only this policy's.")] = None,
    status_is: Annotated[ApplicationStatus | None, Query(alias="status", description="Only this status.")] = None,
) -> Page[ApplicationPublic]:
    """A consumer sees only its own applications; an official those of the measures its region (and agency)
    issued, none of another region's; an admin every one."""
    if holder.role is Role.CONSUMER:
        rows = [
            r
            for r in consumer_applications(services.store, holder.id)
            if (source_id is None or r["source_id"] == source_id) and (status_is is None or r["status"] == status_is)
        ]
    else:
        rows = staff_applications(services.store, holder, source_id=source_id, status=status_is)
    context = _context(services)
    shown = [application_view(context, r) for r in rows[page.offset : page.offset + page.limit]]
    return Page[ApplicationPublic].of(shown, len(rows), page)


@router.get("/{application_id}", summary="Read one application")
def read_application_route(application_id: str, holder: CurrentKey, services: ServicesDep) -> ApplicationPublic:
    """The application with its history (404 for another consumer's; 403 for an official of another region)."""
    return get_application(_context(services), holder, application_id)


@router.patch(
    "/{application_id}",
    summary="Answer questions, submit, or decide an application",
    responses=problem_responses(409),
)
def patch_application_route(
    application_id: str, body: ApplicationPatch, holder: CurrentKey, services: ServicesDep
) -> ApplicationPublic:
    """Consumers send answers (``facts``, stored on the profile) and may submit (``status: submitted``);
    officials of the issuing region set ``accepted``, ``rejected`` or ``paid`` (with ``amount_paid_wan``)."""
    context = _context(services)
    if holder.role is Role.CONSUMER:
        if body.status is not None and body.status not in CONSUMER_MOVES:
            raise InvalidInputError("status: consumers may only set submitted")
        submit = body.status is ApplicationStatus.SUBMITTED
        return answer_application(context, holder.id, application_id, body.facts, submit=submit)
    if body.facts:
        raise InvalidInputError("facts: only the applying consumer answers questions")
    if body.status is None:
        raise InvalidInputError("status: required (accepted, rejected or paid)")
    return decide_application(
        context, holder, application_id, body.status, note=body.note, amount_paid_wan=body.amount_paid_wan
    )
