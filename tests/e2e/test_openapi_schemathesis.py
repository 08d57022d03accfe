"""Property-based API test: schemathesis generates requests from the app's own OpenAPI; none may get a 5xx.

Runs in process against the ASGI app over an empty embedded graph, with a registered consumer's key sent on
every request (so the key-protected routes are exercised past authentication too). Examples per operation
are bounded so the whole run stays well under a minute.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
import schemathesis
from fastapi import FastAPI
from hypothesis import HealthCheck, Phase, given, settings

from api.bootstrap import Services, build_services
from api.main import create_app
from api.settings import Settings
from push.consumers import create_consumer

MAX_EXAMPLES = 8


def _app(data_dir: Path) -> tuple[FastAPI, Services, str]:
    services = build_services(
        Settings(policykg_data_dir=data_dir, policykg_push_worker=False, policykg_embedder="none")
    )
    app = create_app(services)
    app.state.services = services  # the ASGI transport does not run the lifespan that sets it
    _, api_key = create_consumer(services.store, "schemathesis")
    return app, services, api_key


@pytest.fixture(scope="module")
def api(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[FastAPI, str]]:
    """The app and a valid API key; the services close after the module."""
    app, services, api_key = _app(tmp_path_factory.mktemp("schemathesis"))
    yield app, api_key
    services.close()


def test_no_server_errors_and_answers_conform_to_the_openapi(api: tuple[FastAPI, str]) -> None:
    app, api_key = api
    schema = schemathesis.openapi.from_asgi("/openapi.json", app)
    operations = [result.ok() for result in schema.get_all_operations()]
    assert len(operations) >= 10
    statuses: list[int] = []

    for operation in operations:

        @given(case=operation.as_strategy())
        @settings(
            max_examples=MAX_EXAMPLES,
            deadline=None,
            phases=[Phase.explicit, Phase.generate],
            suppress_health_check=list(HealthCheck),
            database=None,
        )
        def no_5xx(case) -> None:  # type: ignore[no-untyped-def]
            response = case.call(headers={"Authorization": f"Bearer {api_key}"})
            statuses.append(response.status_code)
            assert response.status_code < 500, (
                f"{case.method} {case.formatted_path}: {response.status_code} {response.text[:300]}"
            )
            # and the answer is what the OpenAPI document says: documented status, content type and body
            case.validate_response(
                response,
                checks=[
                    schemathesis.checks.status_code_conformance,
                    schemathesis.checks.content_type_conformance,
                    schemathesis.checks.response_schema_conformance,
                ],
            )

        no_5xx()
    assert len(statuses) >= 2 * len(operations)
    assert any(200 <= s < 300 for s in statuses) and any(400 <= s < 500 for s in statuses)
