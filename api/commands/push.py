"""Push commands: consumers add, profiles import, subscriptions add, deliver, qualifying SOURCE_ID."""

from __future__ import annotations

import json
import threading
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Annotated

import typer
from pydantic import TypeAdapter
from rich.console import Console
from rich.table import Table

from api.commands import services_of
from api.worker import delivery_worker
from eligibility.profile import EnterpriseProfile
from ontology.eligibility import Verdict
from ontology.errors import InvalidInputError
from ontology.model import BenefitType
from push.consumers import create_consumer
from push.models import SubscriptionCreate, SubscriptionFilters
from push.qualifying import qualifying_profiles
from push.registry import create_subscription, upsert_profiles

_PROFILES = TypeAdapter(list[EnterpriseProfile])


def read_profiles(path: Path) -> list[EnterpriseProfile]:
    """Profiles from a JSON file (one object or a list) or a JSONL file (one object per line).

    Raises:
        InvalidInputError: the file is not JSON or JSONL.
        pydantic.ValidationError: a profile is invalid (the message names the field).
    """
    text = path.read_text(encoding="utf-8")
    try:
        data = json.loads(text)
    except json.JSONDecodeError:
        try:
            data = [json.loads(line) for line in text.splitlines() if line.strip()]
        except json.JSONDecodeError as e:
            raise InvalidInputError(f"{path}: neither JSON nor JSONL (line {e.lineno}: {e.msg})") from e
    return _PROFILES.validate_python(data if isinstance(data, list) else [data])


def register(app: typer.Typer) -> None:
    """Add the push commands to ``app``."""
    consumers = typer.Typer(help="API consumers (platforms that push policies to their enterprises).")
    profiles = typer.Typer(help="Enterprise profiles of a consumer.")
    subscriptions = typer.Typer(help="Webhook subscriptions of a consumer.")
    app.add_typer(consumers, name="consumers")
    app.add_typer(profiles, name="profiles")
    app.add_typer(subscriptions, name="subscriptions")

    @consumers.command("add")
    def add_consumer(ctx: typer.Context, name: Annotated[str, typer.Argument(help="Who the consumer is.")]) -> None:
        """Register a consumer and print its API key (shown this once)."""
        consumer, api_key = create_consumer(services_of(ctx).store, name)
        typer.echo(json.dumps({"id": consumer.id, "name": consumer.name, "api_key": api_key}, ensure_ascii=False))

    @profiles.command("import")
    def import_profiles(
        ctx: typer.Context,
        path: Annotated[Path, typer.Argument(exists=True, dir_okay=False, help="JSON (object or list) or JSONL.")],
        consumer: Annotated[str, typer.Option("--consumer", help="The consumer id (c_…).")],
    ) -> None:
        """Create or replace a consumer's profiles from a file, all in one transaction."""
        services = services_of(ctx)
        if services.store.get_node("ApiConsumer", consumer) is None:
            raise InvalidInputError(f"--consumer: no consumer {consumer!r}")
        count = upsert_profiles(services.store, consumer, read_profiles(path))
        typer.echo(f"imported {count} profiles for {consumer}")

    @subscriptions.command("add")
    def add_subscription(
        ctx: typer.Context,
        url: Annotated[str, typer.Argument(help="http(s) URL the events are POSTed to.")],
        consumer: Annotated[str, typer.Option("--consumer", help="The consumer id (c_…).")],
        region: Annotated[list[str] | None, typer.Option("--region", help="Policy jurisdiction code (repeat).")] = None,
        benefit_type: Annotated[
            list[BenefitType] | None, typer.Option("--benefit-type", help="Benefit type (repeat).")
        ] = None,
        min_verdict: Annotated[Verdict, typer.Option("--min-verdict")] = Verdict.ELIGIBLE,
    ) -> None:
        """Register a webhook and print its signing secret (shown this once)."""
        services = services_of(ctx)
        if services.store.get_node("ApiConsumer", consumer) is None:
            raise InvalidInputError(f"--consumer: no consumer {consumer!r}")
        filters = SubscriptionFilters(regions=region or [], benefit_types=benefit_type or [], min_verdict=min_verdict)
        created = create_subscription(
            services.store,
            consumer,
            SubscriptionCreate(url=url, filters=filters),
            services.settings.policykg_webhook_allowlist,
        )
        typer.echo(created.model_dump_json())

    @app.command()
    def deliver(
        ctx: typer.Context,
        loop: Annotated[bool, typer.Option("--loop", help="Keep delivering until interrupted.")] = False,
    ) -> None:
        """Deliver the due webhook events once (or in a loop until Ctrl-C)."""
        services = services_of(ctx)
        with delivery_worker(services) as worker:
            if not loop:
                report = worker.run_once()
                typer.echo(f"delivered {report.delivered}, retrying {report.retrying}, dead {report.dead}")
                return
            stop = threading.Event()
            try:
                worker.run_until(stop, services.settings.policykg_push_poll_s)
            except KeyboardInterrupt:
                stop.set()

    @app.command()
    def qualifying(
        ctx: typer.Context,
        source_id: Annotated[str, typer.Argument(help="The policy's source id.")],
        as_of: Annotated[str | None, typer.Option("--as-of", help="Judge on this date (default today).")] = None,
        min_verdict: Annotated[Verdict, typer.Option("--min-verdict")] = Verdict.UNDETERMINED,
        as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
    ) -> None:
        """List the stored profiles (of every consumer) that qualify for a policy, with reasons."""
        try:
            day = date.fromisoformat(as_of) if as_of else datetime.now(UTC).date()
        except ValueError as e:
            raise InvalidInputError(f"--as-of: not an ISO date {as_of!r}") from e
        found = qualifying_profiles(services_of(ctx).store, source_id, as_of=day, min_verdict=min_verdict)
        if as_json:
            typer.echo(json.dumps([q.model_dump(mode="json") for q in found], ensure_ascii=False, indent=2))
            return
        table = Table("consumer", "profile", "clause", "verdict", "missing facts")
        for q in found:
            profile = f"{q.profile_id} {q.profile_name}"
            table.add_row(q.consumer_id or "", profile, q.clause_id, q.verdict, ", ".join(q.missing_facts))
        Console().print(table)
