"""Errors raised by search: bad requests, index back-ends and embedders (back-end exceptions are wrapped)."""

from ontology.errors import PolicykgError


class SearchError(PolicykgError):
    """Base class of the errors search raises."""


class InvalidQueryError(SearchError, ValueError):
    """Exception raised when a query or a filter value cannot be searched (empty, too long, unknown code …)."""


class SearchIndexError(SearchError):
    """Exception raised when an index back-end fails, cannot be reached or its stored files are unusable."""


class EmbeddingError(SearchError):
    """Exception raised when an embedder cannot be built or fails to embed."""
