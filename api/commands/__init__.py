"""CLI commands, one module per area; each exposes ``register(app)`` and reaches the services with
``services_of(ctx)``."""

from __future__ import annotations

import typer

from api.bootstrap import Services


def services_of(ctx: typer.Context) -> Services:
    """The services of this invocation (built on first use from the settings and ``--data-dir``)."""
    services: Services = ctx.obj.services
    return services
