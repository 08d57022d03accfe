"""Who is calling: the key holder behind a request's bearer API key (the keys themselves: ``push.keys``).

Routes declare what they need — ``CurrentConsumer`` (consumers' profiles, subscriptions, deliveries: every read
and write scoped to ``consumer.id``), ``CurrentStaff`` (officials and admins: publishing and curation, scoped by
``push.officials``) or ``CurrentAdmin``. No key or a wrong one: 401; a valid key of the wrong role: 403.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer

from api.deps import GraphStoreDep
from push.consumers import Consumer
from push.errors import AuthenticationError, PermissionDeniedError
from push.keys import KeyHolder, Role, authenticate
from push.officials import require_staff

_bearer = HTTPBearer(
    auto_error=False,
    description="An API key (consumers: `POST /consumers`; officials and admins: `policykg officials add`, "
    "`policykg admins add`): `Authorization: Bearer pk_…`",
)


def require_key(
    store: GraphStoreDep,
    credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)],
) -> KeyHolder:
    """The holder of the request's bearer API key (401 problem when missing, wrong or revoked)."""
    if credentials is None or credentials.scheme.lower() != "bearer":
        raise AuthenticationError("missing API key: send 'Authorization: Bearer pk_…'")
    return authenticate(store, credentials.credentials)


CurrentKey = Annotated[KeyHolder, Depends(require_key)]


def optional_key(
    store: GraphStoreDep,
    credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)],
) -> KeyHolder | None:
    """The holder of the request's bearer key, or ``None`` without one (401 for a wrong or revoked key)."""
    return None if credentials is None else require_key(store, credentials)


OptionalKey = Annotated[KeyHolder | None, Depends(optional_key)]


def require_consumer(holder: CurrentKey) -> Consumer:
    """The consumer behind the key (403 for an official's or admin's key)."""
    if holder.role is not Role.CONSUMER:
        raise PermissionDeniedError("this route is for API consumers; register one with POST /consumers")
    return Consumer.of(holder)


def require_staff_key(holder: CurrentKey) -> KeyHolder:
    """The official or admin behind the key (403 for a consumer's key)."""
    return require_staff(holder)


def require_admin(holder: CurrentKey) -> KeyHolder:
    """The admin behind the key (403 for any other key)."""
    if holder.role is not Role.ADMIN:
        raise PermissionDeniedError("this needs an admin's key (policykg admins add)")
    return holder


CurrentConsumer = Annotated[Consumer, Depends(require_consumer)]
CurrentStaff = Annotated[KeyHolder, Depends(require_staff_key)]
CurrentAdmin = Annotated[KeyHolder, Depends(require_admin)]
