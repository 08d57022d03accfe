"""Which webhook URLs may be targeted: http(s) only, and inside the allow-list when one is configured."""

from __future__ import annotations

from collections.abc import Sequence
from urllib.parse import urlsplit

from push.errors import WebhookTargetError


def host_allowed(host: str, allowlist: Sequence[str]) -> bool:
    """Whether ``host`` is in ``allowlist`` (exact names; ``*.example.cn`` allows its sub-domains); empty = any."""
    if not allowlist:
        return True
    host = host.lower().rstrip(".")
    for entry in allowlist:
        entry = entry.strip().lower().rstrip(".")
        if entry.startswith("*.") and host.endswith(entry[1:]):
            return True
        if host == entry:
            return True
    return False


def check_webhook_target(url: str, allowlist: Sequence[str]) -> str:
    """Return ``url`` when it may receive webhooks.

    Raises:
        WebhookTargetError: not an absolute http(s) URL, or its host is outside a non-empty allow-list.
    """
    try:
        parts = urlsplit(url.strip())
        host = parts.hostname
        parts.port  # noqa: B018 - raises ValueError on a malformed port
    except ValueError as e:
        raise WebhookTargetError(f"url: malformed URL {url!r}: {e}") from e
    if parts.scheme not in ("http", "https") or not host:
        raise WebhookTargetError(f"url: must be an absolute http(s) URL, got {url!r}")
    if not host_allowed(host, allowlist):
        raise WebhookTargetError(f"url: host {host!r} is not in POLICYKG_WEBHOOK_ALLOWLIST ({', '.join(allowlist)})")
    return url.strip()
