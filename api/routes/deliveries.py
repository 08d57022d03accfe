"""Delivery receipts and replay (API key required); the router's lifespan runs the delivery worker."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import UTC, datetime
from typing import Annotated

from fastapi import APIRouter, FastAPI, Query

from api.deps import GraphStoreDep
from api.errors import AUTH_PROBLEM_RESPONSES, problem_responses
from api.pagination import Page, PageDep
from api.security import CurrentConsumer
from api.worker import background_delivery
from push.models import DeliveryReceipt, EventStatus
from push.outbox import get_receipt, list_receipts, replay_event


@asynccontextmanager
async def _run_worker(app: FastAPI) -> AsyncIterator[None]:
    """Deliver webhooks in a background thread while the app runs (unless POLICYKG_PUSH_WORKER=false)."""
    services = app.state.services
    if not services.settings.policykg_push_worker:
        yield
        return
    with background_delivery(services):
        yield


router = APIRouter(prefix="/deliveries", tags=["push"], responses=AUTH_PROBLEM_RESPONSES, lifespan=_run_worker)


@router.get("", summary="Delivery receipts of your events")
def list_deliveries(
    consumer: CurrentConsumer,
    store: GraphStoreDep,
    page: PageDep,
    status: Annotated[EventStatus | None, Query(description="Only events in this state.")] = None,
) -> Page[DeliveryReceipt]:
    """The calling consumer's outbox events, newest first, with their delivery state."""
    items, total = list_receipts(store, consumer.id, page, status)
    return Page[DeliveryReceipt].of(items, total, page)


@router.get("/{event_id}", summary="One receipt with every attempt")
def read_delivery(event_id: str, consumer: CurrentConsumer, store: GraphStoreDep) -> DeliveryReceipt:
    """One of the calling consumer's events with the history of its attempts."""
    return get_receipt(store, consumer.id, event_id)


@router.post("/{event_id}/replay", summary="Deliver an event again", responses=problem_responses(409))
def replay_delivery(event_id: str, consumer: CurrentConsumer, store: GraphStoreDep) -> DeliveryReceipt:
    """Queue a delivered or dead event again (409 while it is still pending); the worker sends it next."""
    return replay_event(store, consumer.id, event_id, datetime.now(UTC))
