"""Ingest commands: ingest PATH…, delete SOURCE_ID, documents, load-demo."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from api.bootstrap import Services
from api.commands import services_of
from api.commands.questions import learn_questions
from api.handoff import find_server
from graph.base import GraphStore, PageParams
from ingest.answered import parse_answered_questions
from ingest.pipeline import IngestSummary

DEMO_DATA = Path(__file__).resolve().parent.parent / "demo_data"
DEMO_POLICIES = Path(__file__).resolve().parent.parent / "demo_policies"
DEMO_QUESTIONS = Path(__file__).resolve().parent.parent / "demo_questions" / "answered_questions.jsonl"
DEMO_QUESTIONS_COLLECTION = "stard-train-demo"
DOCUMENT_FIELDS = (
    "id",
    "source_id",
    "title",
    "doc_number",
    "issuers",
    "date_written",
    "date_published",
    "date_effective",
    "doc_type",
    "status",
    "clause_count",
)


def run_ingest(services: Services, paths: list[str], *, show_progress: bool) -> IngestSummary:
    """Ingest ``paths`` through the services' one ingest path, with a progress bar on stderr when asked."""
    if not show_progress:
        return services.ingest(paths)
    columns = (
        TextColumn("ingest"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        TextColumn("{task.description}"),
    )
    with Progress(*columns, console=Console(stderr=True), transient=True) as bar:
        task = bar.add_task("", total=None)

        def advance(done: int, total: int, path: str) -> None:
            bar.update(task, completed=done, total=total, description=Path(path).name[:40])

        return services.ingest(paths, progress=advance)


def list_documents(store: GraphStore) -> list[dict[str, Any]]:
    """Every stored (non-placeholder) document with the listing fields, ordered by source id."""
    total = store.count("NormativeDocument", {"placeholder": False})
    rows = store.page(
        "NormativeDocument",
        {"placeholder": False},
        order_by=("source_id",),
        fields=DOCUMENT_FIELDS,
        page=PageParams(limit=max(total, 1)),
    )
    return [
        {
            **{k: row[k] for k in ("id", "source_id", "title", "doc_number")},
            "issuers": list(row["issuers"] or []),
            "dates": {k: row[f"date_{k}"] for k in ("written", "published", "effective")},
            "type": row["doc_type"],
            "status": row["status"],
            "clause_count": row["clause_count"],
        }
        for row in rows
    ]


def _print_summary(summary: IngestSummary) -> None:
    console = Console()
    table = Table("documents", "unchanged", "clauses", "entities", "skipped", "failed", "seconds")
    table.add_row(
        *(str(v) for v in (summary.documents, summary.unchanged, summary.clauses, summary.entities)),
        str(len(summary.skipped)),
        str(len(summary.failed)),
        f"{summary.seconds:.1f}",
    )
    console.print(table)
    for title, rows, style in (("skipped", summary.skipped, "yellow"), ("failed", summary.failed, "red")):
        if rows:
            detail = Table("file", "reason", title=title, title_style=style)
            for path, reason in rows:
                detail.add_row(path, reason)
            console.print(detail)


def register(app: typer.Typer) -> None:
    """Add the ingest commands to ``app``."""

    @app.command()
    def ingest(
        ctx: typer.Context,
        paths: Annotated[list[str], typer.Argument(help="Files, folders or glob patterns to ingest.")],
        as_json: Annotated[bool, typer.Option("--json", help="Print the summary as JSON.")] = False,
    ) -> None:
        """Ingest documents (text, Markdown, HTML, JSONL, DOCX, PDF); exit code 1 when some files failed.

        When a ``policykg serve`` holds the data dir, the documents are read here and ingested by that server."""
        settings = ctx.obj.settings
        server = find_server(settings.policykg_data_dir)
        if server is not None:
            summary = server.ingest(paths, max_bytes=settings.policykg_ingest_max_mb * 1024 * 1024)
        else:
            summary = run_ingest(services_of(ctx), paths, show_progress=not as_json)
        if as_json:
            typer.echo(json.dumps(summary.to_dict(), ensure_ascii=False, indent=2))
        else:
            _print_summary(summary)
        if summary.failed:
            raise typer.Exit(1)

    @app.command()
    def delete(
        ctx: typer.Context,
        source_id: Annotated[str, typer.Argument(help="The source id of the document (see `documents`).")],
    ) -> None:
        """Delete one document (its clauses, events and links) by source id (by the server holding the data dir,
        when one runs)."""
        server = find_server(ctx.obj.settings.policykg_data_dir)
        if server is not None:
            found = server.delete(source_id)
            done = f"deleted {source_id} (by the running server)"
        else:
            services: Services = services_of(ctx)
            doc_id = services.delete(source_id)
            found, done = doc_id is not None, f"deleted {source_id} ({doc_id})"
        if not found:
            typer.echo(f"policykg: error: no document with source id {source_id!r}", err=True)
            raise typer.Exit(1)
        typer.echo(done)

    @app.command()
    def documents(
        ctx: typer.Context,
        as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
    ) -> None:
        """List the stored documents."""
        listing = list_documents(services_of(ctx).store)
        if as_json:
            typer.echo(json.dumps(listing, ensure_ascii=False, indent=2))
            return
        table = Table("source_id", "title", "type", "status", "clauses")
        for doc in listing:
            table.add_row(doc["source_id"], doc["title"], doc["type"], doc["status"], str(doc["clause_count"]))
        Console().print(table)

    @app.command("load-demo")
    def load_demo(ctx: typer.Context) -> None:
        """Ingest the bundled demo statutes (api/demo_data), the bundled agency policies and annual reports
        (api/demo_policies) and the answered questions about the statutes (api/demo_questions)."""
        services = services_of(ctx)
        summary = run_ingest(services, [str(DEMO_DATA), str(DEMO_POLICIES)], show_progress=True)
        _print_summary(summary)
        if summary.failed:
            raise typer.Exit(1)
        lines = DEMO_QUESTIONS.read_text(encoding="utf-8").splitlines()
        count = learn_questions(services, parse_answered_questions(lines), DEMO_QUESTIONS_COLLECTION)
        typer.echo(f"{count} question–answer pairs stored in collection {DEMO_QUESTIONS_COLLECTION!r}")
