"""Errors of the push package."""

from __future__ import annotations

from ontology.errors import PolicykgError


class WebhookTargetError(PolicykgError, ValueError):
    """Exception raised when a webhook URL is malformed or outside the configured allow-list."""


class AuthenticationError(PolicykgError):
    """Exception raised when a request lacks a valid API key."""


class PermissionDeniedError(PolicykgError):
    """Exception raised when a valid key may not do what was asked (a consumer publishing, an official acting
    outside its region or agency)."""
