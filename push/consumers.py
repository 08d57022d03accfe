"""API keys of push consumers: issue them once, store only their SHA-256 hash, check them in constant time.

A key reads ``pk_<consumer id>_<random token>``: the consumer id finds the stored hash with one lookup and
``hmac.compare_digest`` compares the hash of the presented key with it.
"""

from __future__ import annotations

import hashlib
import hmac
import re
import secrets
from dataclasses import dataclass

from graph.base import GraphStore, NodeRecord
from ontology.clock import utc_now
from push.errors import AuthenticationError

KEY_PREFIX = "pk_"
_KEY_SHAPE = re.compile(r"^pk_(c_[0-9a-f]{16})_([A-Za-z0-9_-]{20,})$")


@dataclass(frozen=True)
class Consumer:
    """An authenticated API consumer."""

    id: str
    name: str
    created_at: str


def hash_key(api_key: str) -> str:
    """The SHA-256 hex digest stored for ``api_key``."""
    return hashlib.sha256(api_key.encode("utf-8")).hexdigest()


def create_consumer(store: GraphStore, name: str) -> tuple[Consumer, str]:
    """Register a consumer; return it and its API key (shown this once, stored only as a hash)."""
    consumer_id = f"c_{secrets.token_hex(8)}"
    api_key = f"{KEY_PREFIX}{consumer_id}_{secrets.token_urlsafe(32)}"
    consumer = Consumer(id=consumer_id, name=name, created_at=utc_now())
    store.upsert_nodes(
        [
            NodeRecord(
                "ApiConsumer",
                consumer_id,
                {"name": name, "key_hash": hash_key(api_key), "created_at": consumer.created_at},
            )
        ]
    )
    return consumer, api_key


def authenticate(store: GraphStore, api_key: str) -> Consumer:
    """The consumer owning ``api_key``.

    Raises:
        AuthenticationError: the key is malformed, unknown or revoked.
    """
    shape = _KEY_SHAPE.match(api_key.strip())
    stored = store.get_node("ApiConsumer", shape.group(1)) if shape else None
    presented = hash_key(api_key.strip())
    # Compare even when no consumer was found, so a miss costs the same as a wrong key.
    expected = stored.get("key_hash") or "" if stored else "0" * len(presented)
    if not hmac.compare_digest(presented, expected) or stored is None:
        raise AuthenticationError("invalid API key")
    return Consumer(id=stored["id"], name=stored.get("name") or "", created_at=stored.get("created_at") or "")
