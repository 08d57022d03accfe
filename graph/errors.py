"""Errors raised by the graph store and its adapters (back-end exceptions are wrapped, never leaked)."""

from ontology.errors import PolicykgError


class GraphStoreError(PolicykgError):
    """Exception raised when a graph back-end fails or cannot be reached."""


class GraphSchemaError(GraphStoreError, ValueError):
    """Exception raised when a write or read names a class, relationship or property the ontology lacks."""


class ReadOnlyQueryError(GraphStoreError, ValueError):
    """Exception raised when a query sent to the read-only entry point would write."""
