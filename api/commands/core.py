"""Core commands: init, stats, serve."""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.table import Table

from api.commands import services_of
from graph.export import EXPORT_FORMATS, to_rdf, validate_rdf
from ingest.reference import reference_change
from ontology.model import NODE_CLASSES

REFERENCE_LABELS = ("Region", "Industry")
BLAS_THREAD_VARIABLES = ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS")


def limit_blas_threads(threads: int) -> None:
    """Run every BLAS call of this process on ``threads`` threads (0: leave the library's default).

    The server answers requests on many threads at once and each hybrid query embeds its question (matrix
    products): with BLAS's default of one thread per core, 8 concurrent queries on 2 cores run 16 BLAS threads
    that wait on each other. The libraries loaded already are limited now (threadpoolctl); those loaded later
    read the environment variables set here.
    """
    if threads <= 0:
        return
    import numpy  # noqa: F401 - loads numpy's BLAS, so that the limit below reaches it
    from threadpoolctl import threadpool_limits

    for name in BLAS_THREAD_VARIABLES:
        os.environ[name] = str(threads)
    threadpool_limits(limits=threads)


def register(app: typer.Typer) -> None:
    """Add the core commands to ``app``."""

    @app.command()
    def init(ctx: typer.Context) -> None:
        """Create the graph schema and load the reference data (regions, industries)."""
        services = services_of(ctx)
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
        counts = services_of(ctx).store.counts()
        if as_json:
            typer.echo(json.dumps(counts, ensure_ascii=False, indent=2))
            return
        table = Table("class or relationship", "count")
        for name, count in counts.items():
            table.add_row(name, str(count))
        Console().print(table)

    @app.command()
    def export(
        ctx: typer.Context,
        fmt: Annotated[str, typer.Option("--format", help=f"One of: {', '.join(EXPORT_FORMATS)}.")] = "turtle",
        output: Annotated[Path | None, typer.Option("--output", "-o", help="File to write (default stdout).")] = None,
        reference: Annotated[bool, typer.Option(help="Include the 44k regions and 1.7k industries (large).")] = False,
        validate: Annotated[
            bool, typer.Option(help="Validate against the SHACL shapes; exit 1 on violations.")
        ] = False,
    ) -> None:
        """Write the graph as RDF (Turtle or JSON-LD) in the policykg ontology."""
        if fmt not in EXPORT_FORMATS:
            raise typer.BadParameter(f"unknown format {fmt!r}; choose one of: {', '.join(EXPORT_FORMATS)}")
        labels = tuple(label for label in NODE_CLASSES if reference or label not in REFERENCE_LABELS)
        graph = to_rdf(services_of(ctx).store, labels=labels)
        text = graph.serialize(format=fmt)
        if output is None:
            typer.echo(text)
        else:
            output.write_text(text, encoding="utf-8")
            typer.echo(f"wrote {len(graph)} triples to {output}", err=True)
        if validate:
            conforms, report = validate_rdf(graph)
            if not conforms:
                typer.echo(report, err=True)
                raise typer.Exit(1)
            typer.echo("conforms to the SHACL shapes", err=True)

    @app.command()
    def serve(
        ctx: typer.Context,
        host: Annotated[str | None, typer.Option(help="Bind address (default $POLICYKG_HOST).")] = None,
        port: Annotated[int | None, typer.Option(help="Port (default $POLICYKG_PORT).")] = None,
    ) -> None:
        """Serve the HTTP API and the web page with uvicorn."""
        import uvicorn

        from api.main import create_app

        services = services_of(ctx)
        settings = services.settings
        limit_blas_threads(settings.policykg_blas_threads)
        bind, listen = host or settings.policykg_host, port or settings.policykg_port
        local = "127.0.0.1" if bind in ("0.0.0.0", "::", "") else bind
        address = f"[{local}]" if ":" in local else local
        app = create_app(services, announce_url=f"http://{address}:{listen}")
        uvicorn.run(app, host=bind, port=listen)
