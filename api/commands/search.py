"""Search commands: ``search`` (one question, or a batch of JSONL queries for evaluation) and ``search-sync``."""

from __future__ import annotations

import json
import sys
from collections.abc import Iterable
from pathlib import Path
from typing import Annotated, Any, TextIO

import typer
from rich.console import Console

from api.commands import services_of
from ontology.errors import InvalidInputError
from search.service import SearchService
from search.sync import SyncReport
from search.types import SearchHit, SearchRequest, SearchResponse

BATCH_HIT_FIELDS = ("doc_id", "source_id", "title", "article", "clause_id", "score", "snippet")


def batch_lines(hit: SearchHit) -> list[dict[str, Any]]:
    """A hit as batch output lines: the hit, then the same hit under each of its document's duplicate source ids
    (records with the same content, ingested once), so a question about any of them finds its record."""
    line = {k: getattr(hit, k) for k in BATCH_HIT_FIELDS}
    return [line, *({**line, "source_id": duplicate} for duplicate in hit.duplicate_source_ids)]


def run_batch(service: SearchService, queries: Iterable[str], output: TextIO, template: SearchRequest) -> int:
    """Answer JSONL queries ``{"qid", "query"}`` with one line ``{"qid", "hits": [...]}`` each; returns the count.

    A query the request model refuses (empty, too long) gets an empty hit list, so every qid has a line.

    Raises:
        InvalidInputError: a line is not a JSON object with ``qid`` and ``query``.
    """
    count = 0
    for number, line in enumerate(queries, start=1):
        if not line.strip():
            continue
        try:
            item = json.loads(line)
            qid, query = str(item["qid"]), str(item["query"])
        except (ValueError, KeyError, TypeError) as e:
            raise InvalidInputError(f"line {number}: expected a JSON object with qid and query ({e})") from e
        try:
            request = template.model_copy(update={"query": query})
            request = SearchRequest.model_validate(request.model_dump())
            hits = [line for h in service.search(request).hits for line in batch_lines(h)]
        except ValueError:
            hits = []
        output.write(json.dumps({"qid": qid, "hits": hits}, ensure_ascii=False) + "\n")
        count += 1
    return count


def print_response(response: SearchResponse) -> None:
    """Print hits for a person: rank, score, title and article, then the highlighted snippet."""
    console = Console(highlight=False)
    if not response.hits:
        console.print("no hits")
        return
    for rank, hit in enumerate(response.hits, start=1):
        where = f" {hit.article}" if hit.article else ""
        console.print(f"[bold]{rank:>3}. {hit.title}{where}[/bold]  [dim]{hit.score:.4f} {hit.doc_id}[/dim]")
        console.print("     " + " ".join(hit.snippet.split()), markup=False)


def register(app: typer.Typer) -> None:
    """Add the search commands to ``app``."""

    @app.command()
    def search(
        ctx: typer.Context,
        query: Annotated[str | None, typer.Argument(help="The question, e.g. 个体工商户能享受哪些房租减免？")] = None,
        top: Annotated[int, typer.Option("--top", help="Number of hits.")] = 10,
        as_json: Annotated[bool, typer.Option("--json", help="Print the response as JSON.")] = False,
        batch: Annotated[
            Path | None, typer.Option("--batch", help='JSONL of {"qid","query"} lines; one result line each.')
        ] = None,
        output: Annotated[Path | None, typer.Option("--output", "-o", help="Write batch results here.")] = None,
        mode: Annotated[str, typer.Option(help="hybrid, lexical (BM25) or vector.")] = "hybrid",
        group: Annotated[bool, typer.Option("--group", help="One hit per document.")] = False,
        doc_type: Annotated[list[str] | None, typer.Option("--type", help="Document type (repeatable).")] = None,
        region: Annotated[str | None, typer.Option(help="Region code or name (its own, containing, national).")] = None,
        issuer: Annotated[str | None, typer.Option(help="Issuing agency (substring).")] = None,
        date_from: Annotated[str | None, typer.Option("--from", help="Published on or after (YYYY-MM-DD).")] = None,
        date_to: Annotated[str | None, typer.Option("--to", help="Published on or before (YYYY-MM-DD).")] = None,
        status: Annotated[str | None, typer.Option(help="Validity status, e.g. 现行有效.")] = None,
        as_of: Annotated[str | None, typer.Option("--as-of", help="Versions in effect on this date.")] = None,
    ) -> None:
        """Search clauses and documents; or answer a batch of queries for evaluation."""
        if (query is None) == (batch is None):
            raise InvalidInputError("give either a QUERY or --batch QUERIES.jsonl")
        filters: dict[str, Any] = {
            "top": top,
            "mode": mode,
            "group_by_document": group,
            "doc_types": tuple(doc_type or ()),
            "region": region,
            "issuer": issuer,
            "date_from": date_from,
            "date_to": date_to,
            "status": status,
            "as_of": as_of,
        }
        service = services_of(ctx).search
        if batch is not None:
            template = SearchRequest.model_validate({"query": "-", **filters})
            with batch.open(encoding="utf-8") as queries:
                if output is None:
                    count = run_batch(service, queries, sys.stdout, template)
                else:
                    with output.open("w", encoding="utf-8") as out:
                        count = run_batch(service, queries, out, template)
            typer.echo(f"answered {count} queries", err=True)
            return
        response = service.search(SearchRequest.model_validate({"query": query, **filters}))
        if as_json:
            typer.echo(response.model_dump_json(indent=2))
        else:
            print_response(response)

    @app.command("search-sync")
    def search_sync(ctx: typer.Context) -> None:
        """Bring the search index in step with the graph (new, changed and deleted documents)."""
        services = services_of(ctx)
        console = Console(stderr=True)
        with console.status("syncing the search index …") as status_line:

            def show(stage: str, done: int, total: int) -> None:
                status_line.update(f"{stage} {done}/{total}")

            report = services.search.sync(services.store, progress=show)
        typer.echo(describe_sync(report))


def describe_sync(report: SyncReport) -> str:
    """One line saying what a sync changed."""
    return (
        f"search index: {report.added} added, {report.updated} updated, {report.removed} removed, "
        f"{report.unchanged} unchanged ({report.units} units indexed)"
    )
