"""Limit/offset pagination: the query parameters list endpoints take and the page envelope they answer.

Routes declare ``page: PageDep`` and return ``Page[ItemModel].of(items, total, page)``; the envelope says how
many items match in all and the offset of the next page (``null`` on the last one).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Annotated, Generic, TypeVar

from fastapi import Depends, Query
from pydantic import BaseModel, Field

from graph.base import PageParams

MAX_LIMIT = 500
MAX_OFFSET = 1_000_000

ItemT = TypeVar("ItemT")


def page_params(
    limit: Annotated[int, Query(ge=1, le=MAX_LIMIT, description="Items per page.")] = 50,
    offset: Annotated[int, Query(ge=0, le=MAX_OFFSET, description="Items to skip.")] = 0,
) -> PageParams:
    """The ``limit`` and ``offset`` query parameters."""
    return PageParams(limit=limit, offset=offset)


PageDep = Annotated[PageParams, Depends(page_params)]


class Page(BaseModel, Generic[ItemT]):
    """One page of a list."""

    items: list[ItemT]
    total: int = Field(description="How many items match in all.", examples=[120])
    limit: int = Field(examples=[50])
    offset: int = Field(examples=[0])
    next_offset: int | None = Field(None, description="Offset of the next page; null on the last page.")

    @classmethod
    def of(cls, items: Sequence[ItemT], total: int, page: PageParams) -> Page[ItemT]:
        """The page holding ``items`` (already sliced) out of ``total``."""
        following = page.offset + len(items)
        return cls(
            items=list(items),
            total=total,
            limit=page.limit,
            offset=page.offset,
            next_offset=following if following < total else None,
        )

    @classmethod
    def slice(cls, everything: Sequence[ItemT], page: PageParams) -> Page[ItemT]:
        """The page of a list held whole in memory."""
        return cls.of(everything[page.offset : page.offset + page.limit], len(everything), page)
