"""Register API consumers (the platforms, banks and chambers that push policies to their enterprises)."""

from __future__ import annotations

import hmac
from typing import Annotated

from fastapi import APIRouter, Header, status

from api.deps import GraphStoreDep, ServicesDep
from api.errors import PROBLEM_RESPONSES, RegistrationRefusedError, problem_responses
from push.consumers import create_consumer
from push.models import ConsumerCreate, ConsumerCreated

router = APIRouter(prefix="/consumers", tags=["push"])


@router.post(
    "",
    status_code=status.HTTP_201_CREATED,
    summary="Register a consumer and get its API key (shown once)",
    responses={**PROBLEM_RESPONSES, **problem_responses(403)},
)
def register_consumer(
    body: ConsumerCreate,
    store: GraphStoreDep,
    services: ServicesDep,
    x_registration_token: Annotated[str | None, Header(description="Needed when the server sets one.")] = None,
) -> ConsumerCreated:
    """Create a consumer. Its API key is returned this once; the server keeps only a SHA-256 hash of it."""
    settings = services.settings
    required = settings.policykg_registration_token
    if required is None and not settings.policykg_open_registration:
        raise RegistrationRefusedError(
            "registration is closed: the operator sets POLICYKG_REGISTRATION_TOKEN (send it as X-Registration-Token) "
            "or registers consumers with `policykg consumers add`"
        )
    if required is not None and not hmac.compare_digest(
        (x_registration_token or "").encode(), required.get_secret_value().encode()
    ):
        raise RegistrationRefusedError("x-registration-token: missing or wrong registration token")
    consumer, api_key = create_consumer(store, body.name)
    return ConsumerCreated(id=consumer.id, name=consumer.name, api_key=api_key, created_at=consumer.created_at)
