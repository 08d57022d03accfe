"""督查 on the command line: ``policykg dashboard [--region CODE] --json``."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Annotated

import typer
from rich.console import Console

from api.commands import services_of
from api.commands.match import parse_as_of
from ontology.errors import InvalidInputError
from ontology.reference import load_gazetteer, normalise_region_code
from push.dashboard import dashboard
from push.keys import KeyHolder, Role


def register(app: typer.Typer) -> None:
    """Add ``dashboard`` to ``app``."""

    @app.command("dashboard")
    def dashboard_command(
        ctx: typer.Context,
        region: Annotated[
            str | None, typer.Option("--region", help="Only the policies of this region (as its officials see it).")
        ] = None,
        as_of: Annotated[str | None, typer.Option("--as-of", help="Judge on this date (default today).")] = None,
        as_json: Annotated[bool, typer.Option("--json", help="Print the JSON answer.")] = False,
    ) -> None:
        """Where policies land: per policy qualifying profiles, deliveries, applications, grants, amounts and
        ratings; per region the measures nobody qualifies for or applies to (督查)."""
        holder = None
        if region is not None:
            code = normalise_region_code(region)
            if code not in load_gazetteer():
                raise InvalidInputError(f"--region: unknown region code {region!r}")
            holder = KeyHolder(id="cli", role=Role.OFFICIAL, name="cli", created_at="", region_code=code)
        day = parse_as_of(as_of) or datetime.now(UTC).date()
        view = dashboard(services_of(ctx).store, holder, as_of=day)
        if as_json:
            typer.echo(json.dumps(view, ensure_ascii=False))
            return
        console = Console(highlight=False)
        for p in view["policies"]:
            apps = "、".join(f"{k} {v}" for k, v in p["applications"].items() if v)
            console.print(
                f"[bold]{p['title']}[/bold]  符合 {p['qualifying_profiles']} 家 · 送达 {p['delivered_events']} · "
                f"申报 {apps or 0} · 免申即享 {p['grants']} · 申请 {p['amount_applied_wan']:g} 万元 · "
                f"兑付 {p['amount_paid_wan']:g} 万元 · 评分 {p['average_rating'] or '—'}",
                markup=False,
            )
        for r in view["regions"]:
            console.print(
                f"{r['region_name']}：{r['measures']} 项措施，无人符合 {len(r['without_qualifying'])} 项，"
                f"有人符合但无人申报 {len(r['qualifying_without_application'])} 项",
                markup=False,
            )
