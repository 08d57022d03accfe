"""Reference code lists for forms: regions and industries found by typing a name (通州 → 110112, 软件 → I651x)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query
from pydantic import BaseModel

from api.errors import PROBLEM_RESPONSES
from ontology.reference import load_gazetteer, load_industries

router = APIRouter(prefix="/reference", tags=["reference"], responses=PROBLEM_RESPONSES)

QueryText = Annotated[str, Query(min_length=1, max_length=40, description="A name or the start of a code.")]
Limit = Annotated[int, Query(ge=1, le=50)]


class CodeSuggestion(BaseModel):
    """One code with its name, as a form offers it."""

    code: str
    name: str
    level: str


@router.get("/regions", summary="Regions whose name or code matches what was typed")
def suggest_regions(q: QueryText, limit: Limit = 10) -> list[CodeSuggestion]:
    """Provinces, prefectures and counties (codes as profiles use them)."""
    return [
        CodeSuggestion(code=r.code, name=r.full_name, level=str(r.level)) for r in load_gazetteer().suggest(q, limit)
    ]


@router.get("/industries", summary="GB/T 4754-2017 industries whose name or code matches what was typed")
def suggest_industries(q: QueryText, limit: Limit = 10) -> list[CodeSuggestion]:
    """Industry classes first (a profile needs section letter + 4 digits, e.g. ``I6513``)."""
    tree = load_industries()
    return [CodeSuggestion(code=tree.profile_code(i), name=i.name, level=str(i.level)) for i in tree.suggest(q, limit)]
