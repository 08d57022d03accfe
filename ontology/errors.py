"""The root of policykg's exceptions; each package adds its own subclasses in its ``errors.py``."""


class PolicykgError(Exception):
    """Base class of every error policykg raises on purpose."""


class UnknownCodeError(PolicykgError, ValueError):
    """Exception raised when a region or industry code is not in the reference tables."""


class NotFoundError(PolicykgError, LookupError):
    """Exception raised when a consumer, profile, subscription, event or policy does not exist (or is not yours)."""


class ConflictError(PolicykgError):
    """Exception raised when a request conflicts with the current state (e.g. replaying a pending event)."""


class InvalidInputError(PolicykgError, ValueError):
    """Exception raised when a request or command names a bad field value that pydantic cannot check."""
