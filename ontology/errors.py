"""The root of policykg's exceptions; each package adds its own subclasses in its ``errors.py``."""


class PolicykgError(Exception):
    """Base class of every error policykg raises on purpose."""


class UnknownCodeError(PolicykgError, ValueError):
    """Exception raised when a region or industry code is not in the reference tables."""
