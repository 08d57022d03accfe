"""Which webhook URLs may be targeted: http(s) only, never an internal address unless allowed by name, and inside
the allow-list when one is configured.

An address that is loopback, private, link-local (169.254.169.254, the cloud metadata service), unspecified
(0.0.0.0) or reserved is refused in every spelling a client accepts (``127.1``, ``2130706433``, ``0x7f000001``,
``[::1]``) unless the allow-list names that host exactly: a registered webhook cannot make the service call
itself or its network. Host names are not resolved at registration but at each delivery (``resolve_target``),
against DNS rebinding: a name that answered a public address when it was registered and answers 127.0.0.1 or
10.x now is refused then, and the delivery connects to the address that was checked, not to a second lookup.
"""

from __future__ import annotations

import ipaddress
import socket
from collections.abc import Callable, Sequence
from urllib.parse import urlsplit

from push.errors import WebhookTargetError

_INTERNAL_NAMES = {"localhost", "localhost.localdomain", "ip6-localhost", "ip6-loopback"}

Resolver = Callable[[str, int], Sequence[str]]
"""Resolves ``(host, port)`` to IP address strings, in the order to try them; raises ``OSError`` when it cannot."""


def host_allowed(host: str, allowlist: Sequence[str]) -> bool:
    """Whether ``host`` is in ``allowlist`` (exact names; ``*.example.cn`` allows its sub-domains); empty = any."""
    if not allowlist:
        return True
    return _listed(host, allowlist)


def target_allowed(host: str, allowlist: Sequence[str]) -> bool:
    """Whether a delivery may go to ``host``: not an internal address unless named, and inside the allow-list
    (checked again at delivery, for subscriptions registered before a rule changed)."""
    if internal_address(host) is not None and not _listed(host, allowlist):
        return False
    return host_allowed(host, allowlist)


def _listed(host: str, allowlist: Sequence[str]) -> bool:
    host = host.lower().rstrip(".")
    for entry in allowlist:
        entry = entry.strip().lower().rstrip(".")
        if entry.startswith("*.") and host.endswith(entry[1:]):
            return True
        if host == entry:
            return True
    return False


def internal_address(host: str) -> ipaddress.IPv4Address | ipaddress.IPv6Address | None:
    """The address a host literal stands for when it is internal (loopback, private, link-local, unspecified,
    reserved, multicast), in any spelling ``inet_aton`` accepts; ``None`` for public addresses and names."""
    bare = host.strip("[]").lower().rstrip(".")
    if bare in _INTERNAL_NAMES or bare.endswith(".localhost"):
        return ipaddress.ip_address("127.0.0.1")
    try:
        address: ipaddress.IPv4Address | ipaddress.IPv6Address = ipaddress.ip_address(bare)
    except ValueError:
        try:
            address = ipaddress.IPv4Address(socket.inet_aton(bare))  # 127.1, 2130706433, 0x7f000001, 0177.0.0.1
        except OSError:
            return None
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped is not None:
        address = address.ipv4_mapped
    internal = (
        address.is_loopback
        or address.is_private
        or address.is_link_local
        or address.is_unspecified
        or address.is_reserved
        or address.is_multicast
    )
    return address if internal else None


def check_webhook_target(url: str, allowlist: Sequence[str]) -> str:
    """Return ``url`` when it may receive webhooks.

    Raises:
        WebhookTargetError: not an absolute http(s) URL, an internal address the allow-list does not name, or a
            host outside a non-empty allow-list.
    """
    try:
        parts = urlsplit(url.strip())
        host = parts.hostname
        parts.port  # noqa: B018 - raises ValueError on a malformed port
    except ValueError as e:
        raise WebhookTargetError(f"url: malformed URL {url!r}: {e}") from e
    if parts.scheme not in ("http", "https") or not host:
        raise WebhookTargetError(f"url: must be an absolute http(s) URL, got {url!r}")
    internal = internal_address(host)
    if internal is not None and not _listed(host, allowlist):
        raise WebhookTargetError(
            f"url: {host!r} is an internal address ({internal}); name it in POLICYKG_WEBHOOK_ALLOWLIST to allow it"
        )
    if not host_allowed(host, allowlist):
        raise WebhookTargetError(f"url: host {host!r} is not in POLICYKG_WEBHOOK_ALLOWLIST ({', '.join(allowlist)})")
    return url.strip()


class TargetResolutionError(WebhookTargetError):
    """Exception raised when a webhook host cannot be resolved at delivery time (maybe transient)."""


def system_resolver(host: str, port: int) -> list[str]:
    """The addresses the system resolver gives for ``host`` (``getaddrinfo``, TCP), in its order, each once.

    Raises:
        OSError: the name does not resolve.
    """
    addresses: list[str] = []
    for *_, sockaddr in socket.getaddrinfo(host, port, type=socket.SOCK_STREAM):
        address = str(sockaddr[0])
        if address not in addresses:
            addresses.append(address)
    return addresses


def resolve_target(host: str, port: int, allowlist: Sequence[str], resolve: Resolver = system_resolver) -> str:
    """The address a delivery to ``host`` must connect to, resolved now: the check against DNS rebinding.

    A host the allow-list names may resolve anywhere. Any other host is refused when *any* of its addresses is
    internal (a resolver answering one public and one loopback address must not get to choose), and its first
    address is returned, so that the connection goes to the address that was checked. An IP literal is its own
    address; nothing is looked up.

    Raises:
        WebhookTargetError: the host is internal or outside the allow-list (``target_allowed``), or now resolves
            to an internal address.
        TargetResolutionError: the host does not resolve (no address, or the resolver failed).
    """
    if not target_allowed(host, allowlist):
        raise WebhookTargetError(f"host {host!r} is internal or not in the webhook allow-list")
    bare = host.strip("[]")
    try:
        return str(ipaddress.ip_address(bare))
    except ValueError:
        pass
    try:
        addresses = list(resolve(bare, port))
    except OSError as e:
        raise TargetResolutionError(f"host {host!r} does not resolve: {e}") from e
    if not addresses:
        raise TargetResolutionError(f"host {host!r} does not resolve: no address")
    try:
        addresses = [str(ipaddress.ip_address(address)) for address in addresses]
    except ValueError as e:
        raise TargetResolutionError(f"host {host!r}: the resolver answered something not an address: {e}") from e
    if not _listed(host, allowlist):
        for address in addresses:
            internal = internal_address(address)
            if internal is not None:
                raise WebhookTargetError(
                    f"host {host!r} now resolves to the internal address {internal} (DNS rebinding?); refused "
                    "unless POLICYKG_WEBHOOK_ALLOWLIST names the host"
                )
    return addresses[0]
