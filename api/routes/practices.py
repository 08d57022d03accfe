"""Demonstrations and practices: designations, mechanisms, one practice card, similar practices."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from fastapi import APIRouter, Query
from pydantic import BaseModel, Field

from api.deps import GraphStoreDep, ServicesDep
from api.errors import AUTH_PROBLEM_RESPONSES, PROBLEM_RESPONSES, problem_responses
from api.security import CurrentAdmin
from ingest.designation_lists import designation_list_change
from ontology.errors import NotFoundError
from ontology.reference import region_code_of
from practices.cards import PracticeNotFoundError, list_designations, list_mechanisms, practice_card, similar_practices

router = APIRouter(tags=["practices"], responses=PROBLEM_RESPONSES)

REGION_HELP = "Region code or name (sub-regions included)."


@router.get("/demonstrations", summary="Designations of the national demonstration programme")
def read_demonstrations(
    store: GraphStoreDep,
    batch: Annotated[int | None, Query(ge=1, le=99, description="Batch number (第一批 = 1).")] = None,
    year: Annotated[int | None, Query(ge=1900, le=2100)] = None,
    kind: Literal["area", "project"] | None = None,
    region: Annotated[
        str | None, Query(max_length=40, description="Region code or name (sub-regions included).")
    ] = None,
) -> list[dict[str, Any]]:
    """List designations filtered by batch, year, kind and region."""
    rows = list_designations(store, batch=batch, year=year, kind=kind, region_code=region_code_of(region))
    return [row.__dict__ for row in rows]


class DesignationListUpload(BaseModel):
    """An official list of designations: its file name (the source it is known by) and its CSV text."""

    name: str = Field(min_length=1, max_length=200, examples=["第一批全国法治政府建设示范地区和项目名单.csv"])
    csv: str = Field(
        min_length=1,
        max_length=2_000_000,
        description="CSV with the header batch,year,kind,region,name; kind area|project; region a name or code.",
        examples=["batch,year,kind,region,name\n1,2020,project,北京市通州区,行政复议规范化建设\n"],
    )


@router.post(
    "/demonstrations/import",
    summary="Import an official list of designations (admins)",
    responses={**AUTH_PROBLEM_RESPONSES, **problem_responses(422)},
)
def import_demonstrations(admin: CurrentAdmin, store: GraphStoreDep, upload: DesignationListUpload) -> dict[str, Any]:
    """Store each row as one designation stated in this list (known by ``name``; importing it again replaces what
    it stated). A bad row refuses the whole list with 422 naming its line; nothing is stored."""
    change, summary = designation_list_change(upload.name, upload.csv)
    store.write(change)
    return summary.to_dict()


@router.get("/mechanisms", summary="Mechanisms and practices by topic and region")
def read_mechanisms(
    store: GraphStoreDep,
    topic: Annotated[str | None, Query(max_length=40, description="e.g. 行政决策, 行政执法, 营商环境.")] = None,
    region: Annotated[
        str | None, Query(max_length=40, description="Region code or name (sub-regions included).")
    ] = None,
) -> list[dict[str, Any]]:
    """List mechanisms filtered by topic and region."""
    return [row.__dict__ for row in list_mechanisms(store, topic=topic, region_code=region_code_of(region))]


@router.get("/mechanisms/{mechanism_id:path}", summary="A practice card", responses=problem_responses(404))
def read_mechanism(store: GraphStoreDep, mechanism_id: str) -> dict[str, Any]:
    """The practice card of a mechanism (by id or name): where, who, since when, legal basis, sources."""
    try:
        return practice_card(store, mechanism_id).to_dict()
    except PracticeNotFoundError as e:
        raise NotFoundError(str(e)) from e


@router.get("/practices/similar", summary="Similar practices")
def read_similar_practices(
    services: ServicesDep,
    q: Annotated[str, Query(min_length=1, max_length=2000, description="A mechanism name or a problem.")],
    top: Annotated[int, Query(ge=1, le=100)] = 10,
) -> list[dict[str, Any]]:
    """Practices like a mechanism or a problem, with the parts of each score (semantic, topics, legal basis)."""
    return [r.to_dict() for r in similar_practices(services.store, services.embedder, q, top=top)]
