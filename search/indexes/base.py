"""The search index port: stores prepared documents and answers lexical and vector candidate queries.

Back-ends (``embedded_index.EmbeddedIndex``, ``elasticsearch_index.ElasticsearchIndex``) only store and retrieve;
analysis, embedding, fusion, boosts and snippets live in ``service.SearchService`` so every back-end ranks alike.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np

from search.types import Filters, PreparedDocument, StoredUnit


@dataclass(frozen=True)
class IndexSchema:
    """What the stored tokens and vectors were made with; an index made otherwise must be rebuilt. ``fields``
    are the extra BM25 fields of ``PreparedDocument.fields`` with their BM25F weights (the main field's is 1);
    a back-end that keeps one field (Elasticsearch) stores their tokens in it."""

    analyzer: str
    embedder: str
    dimension: int
    fields: tuple[tuple[str, float], ...] = ()

    def __post_init__(self) -> None:
        # read back from JSON the pairs are lists; as tuples a stored schema equals the one it was made from
        object.__setattr__(self, "fields", tuple((str(name), float(weight)) for name, weight in self.fields))


class SearchIndex(ABC):
    """The port every search back-end implements."""

    @abstractmethod
    def schema(self) -> IndexSchema | None:
        """The schema the stored entries were made with, or ``None`` when the index is empty or new."""

    @abstractmethod
    def indexed_documents(self) -> dict[str, str]:
        """``doc_id → content_hash`` of every document the index holds."""

    @abstractmethod
    def apply(self, schema: IndexSchema, upserts: Sequence[PreparedDocument], deletions: Sequence[str]) -> None:
        """Replace the entries of ``upserts``' documents, remove those of ``deletions``, all or nothing.

        A schema different from the stored one drops every stored entry first (the caller then re-sends all).

        Raises:
            SearchIndexError: the back-end failed; the previous state is kept.
        """

    @abstractmethod
    def lexical_search(
        self, tokens: Sequence[str], filters: Filters, limit: int, weights: Mapping[str, float] | None = None
    ) -> list[tuple[str, float]]:
        """Unit ids and BM25 scores of the best ``limit`` units for the tokens, best first. With ``weights``
        (token → weight: an expanded query) the score is the weighted sum of the tokens' BM25 scores and
        ``tokens`` is ignored."""

    @abstractmethod
    def vector_search(self, vector: np.ndarray, filters: Filters, limit: int) -> list[tuple[str, float]]:
        """Unit ids and cosine similarities of the ``limit`` units nearest ``vector``, best first."""

    @abstractmethod
    def get_units(self, unit_ids: Sequence[str]) -> dict[str, StoredUnit]:
        """The stored units (with their documents) of these ids; unknown ids are left out."""

    def document_frequencies(self, tokens: Sequence[str]) -> tuple[dict[str, int], int] | None:
        """How many units hold each token, and how many units there are (``None``: the back-end cannot say;
        pseudo-relevance feedback then weighs terms without IDF)."""
        return None

    def close(self) -> None:  # noqa: B027 - optional hook
        """Release connections and files (nothing by default)."""
