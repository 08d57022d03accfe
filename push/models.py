"""The HTTP models of the push API: consumers, subscriptions and their filters, delivery receipts."""

from __future__ import annotations

from enum import StrEnum

from pydantic import BaseModel, ConfigDict, Field

from ontology.eligibility import Verdict
from ontology.model import BenefitType


class EventStatus(StrEnum):
    """Where an outbox event stands: waiting (or retrying), delivered, or given up after the last try."""

    PENDING = "pending"
    DELIVERED = "delivered"
    DEAD = "dead"


class ConsumerCreate(BaseModel):
    """A consumer to register."""

    model_config = ConfigDict(extra="forbid", json_schema_extra={"examples": [{"name": "中关村科技园区服务平台"}]})

    name: str = Field(min_length=1, max_length=200, description="Who the consumer is.")


class ConsumerCreated(BaseModel):
    """A registered consumer with its API key (shown this once; only its hash is stored)."""

    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "id": "c_3f9a1c0d5e7b2a46",
                    "name": "中关村科技园区服务平台",
                    "api_key": "pk_c_3f9a1c0d5e7b2a46_q0xv…",
                    "created_at": "2026-11-22T08:00:00.000000Z",
                }
            ]
        }
    )

    id: str
    name: str
    api_key: str = Field(description="Send as `Authorization: Bearer <api_key>`; it cannot be shown again.")
    created_at: str


class SubscriptionFilters(BaseModel):
    """Which matches a subscription is told about (an empty list means any)."""

    model_config = ConfigDict(extra="forbid")

    regions: list[str] = Field(
        default_factory=list,
        max_length=100,
        description="Region codes of the policies' jurisdictions (a region includes its sub-regions).",
        examples=[["110000"]],
    )
    benefit_types: list[BenefitType] = Field(default_factory=list, max_length=8, examples=[["资金补贴", "租金减免"]])
    min_verdict: Verdict = Field(Verdict.ELIGIBLE, description="Also tell about `undetermined` matches when set so.")


class SubscriptionCreate(BaseModel):
    """A webhook to register."""

    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "examples": [
                {
                    "url": "https://platform.example.cn/hooks/policykg",
                    "filters": {"regions": ["110000"], "benefit_types": ["资金补贴"], "min_verdict": "eligible"},
                }
            ]
        },
    )

    url: str = Field(min_length=1, max_length=2000, description="http(s) URL the events are POSTed to.")
    filters: SubscriptionFilters = Field(default_factory=SubscriptionFilters)


class SubscriptionPublic(BaseModel):
    """A registered webhook."""

    id: str
    url: str
    filters: SubscriptionFilters
    active: bool
    created_at: str


class SubscriptionCreated(SubscriptionPublic):
    """A new webhook with its signing secret (shown this once)."""

    secret: str = Field(description="HMAC-SHA256 key of the `X-Policykg-Signature` header; keep it private.")


class DeliveryAttemptPublic(BaseModel):
    """One attempt to deliver an event."""

    attempt: int
    attempted_at: str
    status_code: int | None = Field(None, description="The receiver's HTTP status; null when no answer came.")
    error: str | None = None
    duration_ms: float | None = None


class DeliveryReceipt(BaseModel):
    """An outbox event and how its delivery went."""

    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "id": "e_5d1f0c2a9b3e7d41a0c2",
                    "subscription_id": "s_9a0b1c2d3e4f5a6b",
                    "profile_id": "ent-001",
                    "source_id": "ncp-0001",
                    "clause_id": "doc-1/art-3",
                    "verdict": "eligible",
                    "status": "delivered",
                    "attempts": 2,
                    "idempotency_key": "5d1f0c2a9b3e7d41a0c2…",
                    "created_at": "2026-11-22T08:00:00.000000Z",
                    "next_attempt_at": None,
                    "delivered_at": "2026-11-22T08:00:03.120000Z",
                    "last_error": "HTTP 503",
                }
            ]
        }
    )

    id: str
    subscription_id: str
    profile_id: str
    source_id: str | None = None
    clause_id: str
    verdict: Verdict
    status: EventStatus
    attempts: int
    idempotency_key: str
    created_at: str
    next_attempt_at: str | None = None
    delivered_at: str | None = None
    last_error: str | None = None
    history: list[DeliveryAttemptPublic] | None = Field(None, description="Every attempt (on the single-event view).")
