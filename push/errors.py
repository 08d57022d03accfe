"""Errors of the push package."""

from __future__ import annotations

from ontology.errors import PolicykgError


class WebhookTargetError(PolicykgError, ValueError):
    """Exception raised when a webhook URL is malformed or outside the configured allow-list."""


class AuthenticationError(PolicykgError):
    """Exception raised when a request lacks a valid API key."""
