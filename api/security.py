"""The consumer behind a request's bearer API key (the keys themselves: ``push.consumers``).

Routes that write or push declare ``consumer: CurrentConsumer`` and scope every read and write to
``consumer.id``, so one consumer never sees another's profiles, subscriptions or deliveries.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer

from api.deps import GraphStoreDep
from push.consumers import Consumer, authenticate
from push.errors import AuthenticationError

_bearer = HTTPBearer(auto_error=False, description="An API key from `POST /consumers`: `Authorization: Bearer pk_…`")


def require_consumer(
    store: GraphStoreDep,
    credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)],
) -> Consumer:
    """The consumer named by the request's bearer API key (401 problem when missing or wrong)."""
    if credentials is None or credentials.scheme.lower() != "bearer":
        raise AuthenticationError("missing API key: send 'Authorization: Bearer pk_…'")
    return authenticate(store, credentials.credentials)


CurrentConsumer = Annotated[Consumer, Depends(require_consumer)]
