"""A consumer's enterprise profiles: bulk upsert, list, read, delete (API key required)."""

from __future__ import annotations

from fastapi import APIRouter, status
from pydantic import BaseModel, ConfigDict, Field
from pydantic.config import JsonDict

from api.deps import GraphStoreDep
from api.errors import AUTH_PROBLEM_RESPONSES
from api.pagination import Page, PageDep
from api.security import CurrentConsumer
from eligibility.profile import EnterpriseProfile
from push.registry import delete_profile, get_profile, list_profiles, upsert_profiles

router = APIRouter(prefix="/profiles", tags=["push"], responses=AUTH_PROBLEM_RESPONSES)

MAX_PROFILES_PER_REQUEST = 1_000

PROFILE_EXAMPLE: JsonDict = {
    "id": "ent-001",
    "name": "北京某某科技有限公司",
    "region_code": "110112",
    "industry_code": "I6513",
    "established": "2016-05-01",
    "employees": 45,
    "annual_revenue_wan": 1800,
    "qualifications": ["高新技术企业"],
    "facts": {"layoffs_2019": False},
    "description": "软件开发与信息技术服务",
}


class ProfilesUpsert(BaseModel):
    """Profiles to create or replace (by id)."""

    model_config = ConfigDict(extra="forbid", json_schema_extra={"examples": [{"profiles": [PROFILE_EXAMPLE]}]})

    profiles: list[EnterpriseProfile] = Field(min_length=1, max_length=MAX_PROFILES_PER_REQUEST)


class ProfilesUpserted(BaseModel):
    """How many profiles were stored."""

    upserted: int = Field(examples=[3])


@router.put("", summary="Create or replace profiles in bulk")
def upsert_profiles_route(body: ProfilesUpsert, consumer: CurrentConsumer, store: GraphStoreDep) -> ProfilesUpserted:
    """Store the profiles under the calling consumer (an existing id is replaced), all in one transaction."""
    return ProfilesUpserted(upserted=upsert_profiles(store, consumer.id, body.profiles))


@router.get("", summary="List your profiles")
def list_profiles_route(consumer: CurrentConsumer, store: GraphStoreDep, page: PageDep) -> Page[EnterpriseProfile]:
    """One page of the calling consumer's profiles, by id."""
    items, total = list_profiles(store, consumer.id, page)
    return Page[EnterpriseProfile].of(items, total, page)


@router.get("/{profile_id}", summary="Read one of your profiles")
def read_profile(profile_id: str, consumer: CurrentConsumer, store: GraphStoreDep) -> EnterpriseProfile:
    """A profile of the calling consumer (404 when it has none of that id)."""
    return get_profile(store, consumer.id, profile_id)


@router.delete("/{profile_id}", status_code=status.HTTP_204_NO_CONTENT, summary="Delete one of your profiles")
def delete_profile_route(profile_id: str, consumer: CurrentConsumer, store: GraphStoreDep) -> None:
    """Delete a profile of the calling consumer (404 when it has none of that id)."""
    delete_profile(store, consumer.id, profile_id)
