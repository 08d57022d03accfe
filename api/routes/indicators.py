"""The indicator system, region coverage and annual reports."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Query

from api.bootstrap import indicator_linker, indicator_scheme
from api.deps import ServicesDep
from api.errors import PROBLEM_RESPONSES
from ontology.errors import InvalidInputError
from ontology.reference import region_code_of
from practices.coverage import region_coverage
from practices.reports import list_reports

router = APIRouter(tags=["indicators"], responses=PROBLEM_RESPONSES)

REGION_HELP = "Region code or name (sub-regions included)."


def _region(region: str) -> str:
    code = region_code_of(region)
    if code is None:
        raise InvalidInputError(f"region: unknown region {region!r}")
    return code


@router.get("/indicators", summary="The 市县法治政府建设示范指标体系 in use")
def read_indicators(
    services: ServicesDep, level: Annotated[int | None, Query(ge=1, le=3, description="Only this level.")] = None
) -> list[dict[str, Any]]:
    """Indicators (id, level, parent, name, text, source) of the imported table, else of the shipped one."""
    return [i.to_dict() for i in indicator_scheme(services).indicators if level is None or i.level == level]


@router.get("/indicators/coverage", summary="Indicators a region's texts cover, and the gaps")
def read_coverage(
    services: ServicesDep, region: Annotated[str, Query(min_length=1, max_length=40, description=REGION_HELP)]
) -> dict[str, Any]:
    """Covered indicators with evidence (source_id, span, text, kind, score) from the region's report items,
    mechanisms, designations and normative documents; the rest."""
    return region_coverage(services.store, indicator_linker(services), _region(region)).to_dict()


@router.get("/reports", summary="法治政府建设年度报告")
def read_reports(
    services: ServicesDep,
    region: Annotated[str | None, Query(max_length=40, description=REGION_HELP)] = None,
    year: Annotated[int | None, Query(ge=1990, le=2100)] = None,
) -> list[dict[str, Any]]:
    """Annual reports: year, agency, region, sections and items with spans, linked to indicators."""
    code = _region(region) if region is not None else None
    rows = list_reports(services.store, indicator_linker(services), region_code=code, year=year)
    return [r.to_dict() for r in rows]
