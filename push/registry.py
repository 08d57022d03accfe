"""What consumers register, stored in the graph: enterprise profiles and webhook subscriptions.

Every function takes the consumer's id and touches only that consumer's nodes. A profile's graph id is
``<consumer id>/<profile id>``, so two consumers may use the same profile id without meeting.
"""

from __future__ import annotations

import json
import secrets
from collections.abc import Sequence
from dataclasses import dataclass

from eligibility.profile import EnterpriseProfile
from graph import cypher
from graph.base import GraphChange, GraphStore, NodeRecord, PageParams, Row
from ontology.clock import utc_now
from ontology.errors import NotFoundError
from push.models import SubscriptionCreate, SubscriptionCreated, SubscriptionFilters, SubscriptionPublic
from push.targets import check_webhook_target

PROFILE = "EnterpriseProfile"
SUBSCRIPTION = "Subscription"


@dataclass(frozen=True)
class StoredProfile:
    """A profile as stored: whose it is, its graph id and the validated profile."""

    node_id: str
    consumer_id: str
    profile: EnterpriseProfile


def profile_node_id(consumer_id: str, profile_id: str) -> str:
    """The graph id of a consumer's profile."""
    return f"{consumer_id}/{profile_id}"


def page_where(
    store: GraphStore, label: str, where: Row, page: PageParams, *, newest_first: bool = False
) -> tuple[list[Row], int]:
    """One page of ``label`` nodes with the given property values (ordered by id, or newest first) and the total."""
    total = store.count(label, where)
    if page.offset >= total:
        return [], total
    ids = [r["id"] for r in store.page(label, where, newest_first=newest_first, page=page)]
    nodes = [store.get_node(label, node_id) for node_id in ids]
    return [n for n in nodes if n is not None], total


# --- profiles -------------------------------------------------------------------------------------------
def upsert_profiles(store: GraphStore, consumer_id: str, profiles: Sequence[EnterpriseProfile]) -> int:
    """Create or replace a consumer's profiles (by profile id) in one transaction; return how many.

    Facts already stored for a profile (answered once, e.g. through an application) are kept unless the profile
    sent names them: a platform re-sending its profiles loses no answer (deleting the profile forgets them).
    """
    updated_at = utc_now()
    ids = [profile_node_id(consumer_id, p.id) for p in profiles]
    stored = {row["id"]: row["profile_json"] for row in store.query(cypher.PROFILES_BY_ID, {"ids": ids})}
    profiles = [_with_stored_facts(p, stored.get(node_id)) for p, node_id in zip(profiles, ids, strict=True)]
    nodes = [
        NodeRecord(
            PROFILE,
            profile_node_id(consumer_id, p.id),
            {
                "consumer_id": consumer_id,
                "name": p.name,
                "region_code": p.region_code,
                "industry_code": p.industry_code,
                "profile_json": p.model_dump_json(),
                "updated_at": updated_at,
            },
        )
        for p in profiles
    ]
    store.write(GraphChange(nodes=nodes))
    return len(nodes)


def _with_stored_facts(profile: EnterpriseProfile, stored_json: str | None) -> EnterpriseProfile:
    """``profile`` with the facts of its stored version that it does not name."""
    if not stored_json:
        return profile
    kept = EnterpriseProfile.model_validate_json(stored_json).facts
    if not kept.keys() - profile.facts.keys():
        return profile
    return profile.model_copy(update={"facts": {**kept, **profile.facts}})


def _stored_profile(row: Row) -> StoredProfile:
    return StoredProfile(row["id"], row["consumer_id"], EnterpriseProfile.model_validate_json(row["profile_json"]))


def list_profiles(store: GraphStore, consumer_id: str, page: PageParams) -> tuple[list[EnterpriseProfile], int]:
    """One page of a consumer's profiles and how many it has in all."""
    rows, total = page_where(store, PROFILE, {"consumer_id": consumer_id}, page)
    return [_stored_profile(r).profile for r in rows], total


def get_profile(store: GraphStore, consumer_id: str, profile_id: str) -> EnterpriseProfile:
    """A consumer's profile.

    Raises:
        NotFoundError: the consumer has no profile of that id.
    """
    row = store.get_node(PROFILE, profile_node_id(consumer_id, profile_id))
    if row is None or row.get("consumer_id") != consumer_id:
        raise NotFoundError(f"profile_id: no profile {profile_id!r}")
    return _stored_profile(row).profile


def delete_profile(store: GraphStore, consumer_id: str, profile_id: str) -> None:
    """Delete a consumer's profile (raises ``NotFoundError`` when it has none of that id)."""
    get_profile(store, consumer_id, profile_id)
    store.write(GraphChange(delete_nodes=[(PROFILE, profile_node_id(consumer_id, profile_id))]))


def all_profiles(store: GraphStore, consumer_ids: Sequence[str] | None = None) -> list[StoredProfile]:
    """Every stored profile (of the given consumers only, when given)."""
    if consumer_ids is None:
        rows = store.find_nodes(PROFILE)
    else:
        rows = [r for c in sorted(set(consumer_ids)) for r in store.find_nodes(PROFILE, {"consumer_id": c})]
    return [_stored_profile(r) for r in rows]


def profiles_signature(store: GraphStore) -> tuple[int, str]:
    """A cheap stamp of the stored profiles that changes with every write of one (count, latest update)."""
    rows = store.query(cypher.PROFILES_SIGNATURE)
    row = rows[0] if rows else {}
    return int(row.get("profiles") or 0), str(row.get("updated_at") or "")


# --- subscriptions --------------------------------------------------------------------------------------
def _subscription(row: Row) -> SubscriptionPublic:
    return SubscriptionPublic(
        id=row["id"],
        url=row["url"],
        filters=SubscriptionFilters.model_validate_json(row.get("filters_json") or "{}"),
        active=bool(row.get("active")),
        created_at=row.get("created_at") or "",
    )


def create_subscription(
    store: GraphStore, consumer_id: str, request: SubscriptionCreate, allowlist: Sequence[str]
) -> SubscriptionCreated:
    """Register a webhook with a fresh signing secret.

    Raises:
        WebhookTargetError: the URL is not http(s) or its host is outside a non-empty ``allowlist``.
    """
    url = check_webhook_target(request.url, allowlist)
    subscription_id = f"s_{secrets.token_hex(8)}"
    secret = f"whsec_{secrets.token_urlsafe(32)}"
    created_at = utc_now()
    store.upsert_nodes(
        [
            NodeRecord(
                SUBSCRIPTION,
                subscription_id,
                {
                    "consumer_id": consumer_id,
                    "url": url,
                    "secret": secret,
                    "filters_json": request.filters.model_dump_json(),
                    "active": True,
                    "created_at": created_at,
                },
            )
        ]
    )
    return SubscriptionCreated(
        id=subscription_id, url=url, filters=request.filters, active=True, created_at=created_at, secret=secret
    )


def list_subscriptions(store: GraphStore, consumer_id: str, page: PageParams) -> tuple[list[SubscriptionPublic], int]:
    """One page of a consumer's subscriptions and how many it has in all."""
    rows, total = page_where(store, SUBSCRIPTION, {"consumer_id": consumer_id}, page)
    return [_subscription(r) for r in rows], total


def subscription_secret(store: GraphStore, subscription_id: str) -> tuple[str, str] | None:
    """The (url, secret) of an active subscription, or ``None`` when it is gone or inactive."""
    row = store.get_node(SUBSCRIPTION, subscription_id)
    if row is None or not row.get("active"):
        return None
    return row["url"], row["secret"]


def delete_subscription(store: GraphStore, consumer_id: str, subscription_id: str) -> None:
    """Delete a consumer's subscription (its undelivered events die at their next attempt).

    Raises:
        NotFoundError: the consumer has no subscription of that id.
    """
    row = store.get_node(SUBSCRIPTION, subscription_id)
    if row is None or row.get("consumer_id") != consumer_id:
        raise NotFoundError(f"subscription_id: no subscription {subscription_id!r}")
    store.write(GraphChange(delete_nodes=[(SUBSCRIPTION, subscription_id)]))


def active_subscriptions(store: GraphStore) -> list[tuple[str, str, SubscriptionFilters]]:
    """Every active subscription as (subscription id, consumer id, filters)."""
    return [
        (r["id"], r["consumer_id"], SubscriptionFilters.model_validate(json.loads(r.get("filters_json") or "{}")))
        for r in store.find_nodes(SUBSCRIPTION, {"active": True})
    ]
