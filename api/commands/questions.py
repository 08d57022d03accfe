"""Answered-question commands: ``questions import`` (learn from labelled questions), ``questions list`` and
``questions delete`` (a whole collection). The search index is brought in step after each change."""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path
from typing import Annotated

import typer

from api.bootstrap import Services
from api.commands import services_of
from api.commands.search import describe_sync
from graph import cypher
from ingest.answered import delete_collection, parse_answered_questions, store_questions
from ontology.answered import AnsweredQuestion
from ontology.clock import utc_now
from ontology.errors import InvalidInputError

questions_app = typer.Typer(help="Answered questions search learns from (document expansion).", no_args_is_help=True)


def _sync(services: Services) -> None:
    typer.echo(describe_sync(services.search.sync(services.store)))


def learn_questions(services: Services, questions: list[AnsweredQuestion], collection: str) -> int:
    """Store answered questions in a collection and bring the search index in step; returns how many."""
    store_questions(services.store, questions, collection=collection, created_at=utc_now())
    services.search.sync(services.store)
    return len(questions)


@questions_app.command("import")
def import_questions(
    ctx: typer.Context,
    path: Annotated[
        Path, typer.Argument(help='JSONL: {"question": "...", "answers": [{"title", "article"}|{"source_id"}]}')
    ],
    collection: Annotated[str, typer.Option(help="Name of the set these questions come from.")] = "default",
) -> None:
    """Store answered questions (the same question and answer is stored once), then update the index."""
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except (OSError, UnicodeDecodeError) as e:
        raise InvalidInputError(f"{path}: cannot read ({e})") from e
    try:
        questions = parse_answered_questions(lines)
    except ValueError as e:
        raise InvalidInputError(f"{path}: {e}") from e
    if not questions:
        raise InvalidInputError(f"{path}: no answered questions in it")
    learn_questions(services_of(ctx), questions, collection)
    typer.echo(f"{len(questions)} question–answer pairs stored in collection {collection!r}")


@questions_app.command("list")
def list_questions(ctx: typer.Context) -> None:
    """Collections of answered questions and how many each holds, as JSON."""
    rows = services_of(ctx).store.query(cypher.ANSWERED_COLLECTIONS)
    counts = Counter(row["collection"] for row in rows)
    typer.echo(json.dumps(dict(sorted(counts.items())), ensure_ascii=False, indent=2))


@questions_app.command("delete")
def delete_questions(
    ctx: typer.Context,
    collection: Annotated[str, typer.Option(help="The collection to delete.")],
) -> None:
    """Delete one collection of answered questions, then update the index."""
    services = services_of(ctx)
    deleted = delete_collection(services.store, collection)
    if not deleted:
        raise InvalidInputError(f"no answered questions in collection {collection!r}")
    typer.echo(f"{deleted} answered questions deleted from collection {collection!r}")
    _sync(services)


def register(app: typer.Typer) -> None:
    """Add the ``questions`` command group to ``app``."""
    app.add_typer(questions_app, name="questions")
