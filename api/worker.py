"""Build the delivery worker from the settings, and run it in a background thread beside the HTTP server."""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime

import httpx

from api.bootstrap import Services
from push.delivery import Backoff, DeliveryWorker

logger = logging.getLogger(__name__)


@contextmanager
def delivery_worker(services: Services) -> Iterator[DeliveryWorker]:
    """A worker over the services' store, configured from their settings; its HTTP client closes on exit."""
    settings = services.settings
    with httpx.Client(timeout=settings.policykg_webhook_timeout_s, follow_redirects=False) as client:
        yield DeliveryWorker(
            store=services.store,
            client=client,
            max_attempts=settings.policykg_webhook_max_attempts,
            backoff=Backoff(settings.policykg_webhook_backoff_base_s, settings.policykg_webhook_backoff_cap_s),
            allowlist=tuple(settings.policykg_webhook_allowlist),
        )


RESTART_FIRST_S = 1.0
RESTART_CAP_S = 60.0


def supervise(work: Callable[[], None], stop: threading.Event) -> None:
    """Run ``work`` until ``stop`` is set, starting it again (after 1 s, doubling to 60 s) whenever it fails —
    e.g. when the graph is locked by a CLI command as the service starts — so deliveries resume by themselves."""
    delay = RESTART_FIRST_S
    while not stop.is_set():
        try:
            work()
            delay = RESTART_FIRST_S
        except Exception:
            logger.exception("webhook delivery worker stopped; restarting in %.0f s", delay)
            stop.wait(delay)
            delay = min(delay * 2, RESTART_CAP_S)


@contextmanager
def background_delivery(services: Services) -> Iterator[threading.Event]:
    """Run the worker in a daemon thread until the block ends (then stop it and wait for its current pass)."""
    stop = threading.Event()

    def work() -> None:
        with delivery_worker(services) as worker:
            worker.run_until(stop, services.settings.policykg_push_poll_s)

    thread = threading.Thread(target=supervise, args=(work, stop), name="policykg-delivery", daemon=True)
    thread.start()
    logger.info("webhook delivery worker started")
    try:
        yield stop
    finally:
        stop.set()
        thread.join(timeout=services.settings.policykg_webhook_timeout_s + 5)


def warm_profile_cache(services: Services) -> threading.Thread:
    """Lay out the subscribed profiles for re-matching in a daemon thread as the server starts, so that the
    first document an official posts is matched against columns already built."""

    def work() -> None:
        try:
            services.profile_cache.warm(datetime.now(UTC).date())
        except Exception:
            logger.exception("laying out the subscribed profiles failed; the first publish will do it")

    thread = threading.Thread(target=work, name="policykg-profile-cache", daemon=True)
    thread.start()
    # /health says `warming` from the first request on: wait (briefly) until the layout has begun or is done
    begun = time.monotonic()
    while thread.is_alive() and not services.profile_cache.warming and time.monotonic() - begun < 1.0:
        time.sleep(0.005)
    return thread
