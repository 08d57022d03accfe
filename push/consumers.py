"""Push consumers (park platforms, banks, chambers of commerce) and their API keys (``push.keys``)."""

from __future__ import annotations

from dataclasses import dataclass

from graph.base import GraphStore
from push.keys import KeyHolder, Role, issue_key


@dataclass(frozen=True)
class Consumer:
    """An authenticated API consumer."""

    id: str
    name: str
    created_at: str

    @classmethod
    def of(cls, holder: KeyHolder) -> Consumer:
        """The consumer a consumer key's holder is."""
        return cls(id=holder.id, name=holder.name, created_at=holder.created_at)


def create_consumer(store: GraphStore, name: str) -> tuple[Consumer, str]:
    """Register a consumer; return it and its API key (shown this once, stored only as a hash)."""
    holder, api_key = issue_key(store, Role.CONSUMER, name)
    return Consumer.of(holder), api_key
