"""API keys of every caller — consumers, officials and admins: issued once, stored only as a SHA-256 hash, checked
in constant time, rotated or revoked at any time.

A key reads ``pk_<holder id>_<random token>``. The holder id's prefix names its role (``c_`` consumer, ``o_``
official, ``a_`` admin), so the stored hash is found with one lookup and ``hmac.compare_digest`` compares the
hash of the presented key with it. A revoked holder keeps its node (what it published or registered still names
it) but has no hash any more, so no key of it authenticates.
"""

from __future__ import annotations

import hashlib
import hmac
import re
import secrets
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from graph.base import GraphStore, NodeRecord
from ontology.clock import utc_now
from ontology.errors import NotFoundError
from push.errors import AuthenticationError

KEY_PREFIX = "pk_"
_KEY_SHAPE = re.compile(r"^pk_((?:c|o|a)_[0-9a-f]{16})_([A-Za-z0-9_-]{20,})$")


class Role(StrEnum):
    """What a key lets its holder do."""

    CONSUMER = "consumer"  # a park platform, bank or chamber: profiles, subscriptions, applications
    OFFICIAL = "official"  # publishes and curates its agency's documents within its region
    ADMIN = "admin"  # everything, and registers consumers and officials


_NODE_OF_ROLE = {Role.CONSUMER: "ApiConsumer", Role.OFFICIAL: "Official", Role.ADMIN: "Official"}
_PREFIX_OF_ROLE = {Role.CONSUMER: "c_", Role.OFFICIAL: "o_", Role.ADMIN: "a_"}
_ROLE_OF_PREFIX = {prefix: role for role, prefix in _PREFIX_OF_ROLE.items()}


@dataclass(frozen=True)
class KeyHolder:
    """An authenticated caller."""

    id: str
    role: Role
    name: str
    created_at: str
    region_code: str | None = None  # officials: the region they act for
    agency: str | None = None  # officials: the agency they act for (None: any agency of the region)


def hash_key(api_key: str) -> str:
    """The SHA-256 hex digest stored for ``api_key``."""
    return hashlib.sha256(api_key.encode("utf-8")).hexdigest()


def role_of(holder_id: str) -> Role:
    """The role a holder id names by its prefix.

    Raises:
        NotFoundError: the id has no known prefix.
    """
    role = _ROLE_OF_PREFIX.get(holder_id[:2])
    if role is None:
        raise NotFoundError(f"no key holder {holder_id!r} (ids start with c_, o_ or a_)")
    return role


def issue_key(store: GraphStore, role: Role, name: str, **props: Any) -> tuple[KeyHolder, str]:
    """Create a key holder of ``role``; return it and its API key (shown this once, stored only as a hash)."""
    holder_id = f"{_PREFIX_OF_ROLE[role]}{secrets.token_hex(8)}"
    api_key = _new_key(holder_id)
    created_at = utc_now()
    record = {"name": name, "key_hash": hash_key(api_key), "created_at": created_at, **props}
    if role is not Role.CONSUMER:
        record["role"] = role.value
    store.upsert_nodes([NodeRecord(_NODE_OF_ROLE[role], holder_id, record)])
    return _holder(holder_id, role, record), api_key


def authenticate(store: GraphStore, api_key: str) -> KeyHolder:
    """The holder of ``api_key``.

    Raises:
        AuthenticationError: the key is malformed, unknown, rotated away or revoked.
    """
    presented = api_key.strip()
    shape = _KEY_SHAPE.match(presented)
    stored = _stored(store, shape.group(1)) if shape else None
    digest = hash_key(presented)
    # Compare even when no holder was found, so a miss costs the same as a wrong key.
    expected = (stored.get("key_hash") or "") if stored else "0" * len(digest)
    if not hmac.compare_digest(digest, expected) or stored is None or not stored.get("key_hash"):
        raise AuthenticationError("invalid API key")
    holder_id = str(stored["id"])
    return _holder(holder_id, role_of(holder_id), stored)


def rotate_key(store: GraphStore, holder_id: str) -> str:
    """Give a holder a new API key (returned this once); its old key stops working at once.

    Raises:
        NotFoundError: no such holder, or it was revoked.
    """
    stored = _live(store, holder_id)
    api_key = _new_key(holder_id)
    _save(store, holder_id, stored, key_hash=hash_key(api_key), rotated_at=utc_now())
    return api_key


def revoke_key(store: GraphStore, holder_id: str) -> None:
    """Revoke a holder's key for good (its node and what it made stay).

    Raises:
        NotFoundError: no such holder, or it was revoked already.
    """
    stored = _live(store, holder_id)
    _save(store, holder_id, stored, key_hash="", revoked_at=utc_now())


def key_holders(store: GraphStore, role: Role) -> list[dict[str, Any]]:
    """Every holder of ``role`` (revoked ones included, marked by ``revoked_at``), without key hashes."""
    nodes = store.find_nodes(_NODE_OF_ROLE[role])
    rows = [n for n in nodes if role_of(str(n["id"])) is role]
    return [{k: v for k, v in n.items() if k != "key_hash"} for n in sorted(rows, key=lambda n: str(n["id"]))]


def _new_key(holder_id: str) -> str:
    return f"{KEY_PREFIX}{holder_id}_{secrets.token_urlsafe(32)}"


def _stored(store: GraphStore, holder_id: str) -> dict[str, Any] | None:
    role = _ROLE_OF_PREFIX.get(holder_id[:2])
    return store.get_node(_NODE_OF_ROLE[role], holder_id) if role is not None else None


def _live(store: GraphStore, holder_id: str) -> dict[str, Any]:
    stored = _stored(store, holder_id)
    if stored is None or not stored.get("key_hash"):
        raise NotFoundError(f"no key holder {holder_id!r} with a live key")
    return stored


def _save(store: GraphStore, holder_id: str, stored: dict[str, Any], **changes: Any) -> None:
    record = {k: v for k, v in stored.items() if k != "id"} | changes
    store.upsert_nodes([NodeRecord(_NODE_OF_ROLE[role_of(holder_id)], holder_id, record)])


def _holder(holder_id: str, role: Role, record: dict[str, Any]) -> KeyHolder:
    return KeyHolder(
        id=holder_id,
        role=role,
        name=str(record.get("name") or ""),
        created_at=str(record.get("created_at") or ""),
        region_code=record.get("region_code") or None,
        agency=record.get("agency") or None,
    )
