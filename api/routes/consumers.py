"""Register API consumers (the platforms, banks and chambers that push policies to their enterprises), and rotate
or revoke keys."""

from __future__ import annotations

import hmac
from typing import Annotated

from fastapi import APIRouter, Header, status
from pydantic import BaseModel

from api.deps import GraphStoreDep, ServicesDep
from api.errors import AUTH_PROBLEM_RESPONSES, PROBLEM_RESPONSES, RegistrationRefusedError, problem_responses
from api.security import CurrentAdmin, CurrentKey, OptionalKey
from api.settings import Settings
from push.consumers import create_consumer
from push.errors import PermissionDeniedError
from push.keys import Role, revoke_key, rotate_key
from push.models import ConsumerCreate, ConsumerCreated

router = APIRouter(tags=["keys"])


class RotatedKey(BaseModel):
    """A holder's new API key (shown this once; the old one no longer works)."""

    id: str
    api_key: str


@router.post(
    "/consumers",
    status_code=status.HTTP_201_CREATED,
    summary="Register a consumer and get its API key (shown once)",
    responses={**PROBLEM_RESPONSES, **problem_responses(401, 403)},
)
def register_consumer(
    body: ConsumerCreate,
    store: GraphStoreDep,
    services: ServicesDep,
    caller: OptionalKey,
    x_registration_token: Annotated[str | None, Header(description="Needed when the server sets one.")] = None,
) -> ConsumerCreated:
    """Create a consumer, with an admin's key or the server's registration token. Its API key is returned this
    once; the server keeps only a SHA-256 hash of it."""
    if caller is None or caller.role is not Role.ADMIN:
        _check_registration_token(services.settings, x_registration_token)
    consumer, api_key = create_consumer(store, body.name)
    return ConsumerCreated(id=consumer.id, name=consumer.name, api_key=api_key, created_at=consumer.created_at)


@router.post("/keys/rotate", summary="Rotate your own API key", responses=AUTH_PROBLEM_RESPONSES)
def rotate_own_key(holder: CurrentKey, store: GraphStoreDep) -> RotatedKey:
    """A new key for the caller; the key that called stops working at once."""
    return RotatedKey(id=holder.id, api_key=rotate_key(store, holder.id))


@router.post(
    "/keys/{holder_id}/rotate", summary="Rotate a key holder's API key (admins)", responses=AUTH_PROBLEM_RESPONSES
)
def rotate_holder_key(holder_id: str, admin: CurrentAdmin, store: GraphStoreDep) -> RotatedKey:
    """A new key for any consumer, official or admin; its old key stops working at once."""
    return RotatedKey(id=holder_id, api_key=rotate_key(store, holder_id))


@router.delete(
    "/keys/{holder_id}",
    status_code=status.HTTP_204_NO_CONTENT,
    summary="Revoke an API key (admins; or your own)",
    responses=AUTH_PROBLEM_RESPONSES,
)
def revoke_holder_key(holder_id: str, holder: CurrentKey, store: GraphStoreDep) -> None:
    """Revoke a key for good. A holder may revoke its own key; an admin any key."""
    if holder.role is not Role.ADMIN and holder.id != holder_id:
        raise PermissionDeniedError("only an admin may revoke another holder's key")
    revoke_key(store, holder_id)


def _check_registration_token(settings: Settings, presented: str | None) -> None:
    """Refuse unless open registration is on, or ``presented`` is the configured registration token."""
    required = settings.policykg_registration_token
    if required is None and not settings.policykg_open_registration:
        raise RegistrationRefusedError(
            "registration is closed: send an admin's key, or the operator sets POLICYKG_REGISTRATION_TOKEN (send it "
            "as X-Registration-Token), or registers consumers with `policykg consumers add`"
        )
    if required is not None and not hmac.compare_digest(
        (presented or "").encode(), required.get_secret_value().encode()
    ):
        raise RegistrationRefusedError("x-registration-token: missing or wrong registration token")
