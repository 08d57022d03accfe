"""A consumer's webhook subscriptions: create (allow-list enforced), list, delete (API key required)."""

from __future__ import annotations

from fastapi import APIRouter, status

from api.deps import GraphStoreDep, ServicesDep
from api.errors import AUTH_PROBLEM_RESPONSES
from api.pagination import Page, PageDep
from api.security import CurrentConsumer
from push.models import SubscriptionCreate, SubscriptionCreated, SubscriptionPublic
from push.registry import create_subscription, delete_subscription, list_subscriptions

router = APIRouter(prefix="/subscriptions", tags=["push"], responses=AUTH_PROBLEM_RESPONSES)


@router.post("", status_code=status.HTTP_201_CREATED, summary="Register a webhook")
def create_subscription_route(
    body: SubscriptionCreate, consumer: CurrentConsumer, store: GraphStoreDep, services: ServicesDep
) -> SubscriptionCreated:
    """Register a webhook for the calling consumer; the signing secret is returned this once.

    A URL whose host is outside ``POLICYKG_WEBHOOK_ALLOWLIST`` (when set) is refused with 422.
    """
    return create_subscription(store, consumer.id, body, services.settings.policykg_webhook_allowlist)


@router.get("", summary="List your webhooks")
def list_subscriptions_route(
    consumer: CurrentConsumer, store: GraphStoreDep, page: PageDep
) -> Page[SubscriptionPublic]:
    """One page of the calling consumer's subscriptions."""
    items, total = list_subscriptions(store, consumer.id, page)
    return Page[SubscriptionPublic].of(items, total, page)


@router.delete("/{subscription_id}", status_code=status.HTTP_204_NO_CONTENT, summary="Delete a webhook")
def delete_subscription_route(subscription_id: str, consumer: CurrentConsumer, store: GraphStoreDep) -> None:
    """Delete a subscription of the calling consumer; its undelivered events become dead."""
    delete_subscription(store, consumer.id, subscription_id)
