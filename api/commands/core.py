"""Core commands: init, stats, serve."""

from __future__ import annotations

import json
from typing import Annotated

import typer
from rich.console import Console
from rich.table import Table

from ingest.reference import reference_change


def _state(ctx: typer.Context):  # type: ignore[no-untyped-def]
    return ctx.obj


def register(app: typer.Typer) -> None:
    """Add the core commands to ``app``."""

    @app.command()
    def init(ctx: typer.Context) -> None:
        """Create the graph schema and load the reference data (regions, industries)."""
        services = _state(ctx).services
        with Console(stderr=True).status("loading regions and industries …"):
            services.store.write(reference_change())
        counts = services.store.counts()
        typer.echo(f"initialised: {counts['Region']} regions, {counts['Industry']} industries")

    @app.command()
    def stats(
        ctx: typer.Context,
        as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
    ) -> None:
        """Count nodes by class and relationships by type."""
        counts = _state(ctx).services.store.counts()
        if as_json:
            typer.echo(json.dumps(counts, ensure_ascii=False, indent=2))
            return
        table = Table("class or relationship", "count")
        for name, count in counts.items():
            table.add_row(name, str(count))
        Console().print(table)

    @app.command()
    def serve(
        ctx: typer.Context,
        host: Annotated[str | None, typer.Option(help="Bind address (default $POLICYKG_HOST).")] = None,
        port: Annotated[int | None, typer.Option(help="Port (default $POLICYKG_PORT).")] = None,
    ) -> None:
        """Serve the HTTP API and the web page with uvicorn."""
        import uvicorn

        from api.main import create_app

        services = _state(ctx).services
        settings = services.settings
        uvicorn.run(create_app(services), host=host or settings.policykg_host, port=port or settings.policykg_port)
