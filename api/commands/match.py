"""Eligibility commands: ``match`` (which measures a company profile qualifies for) and ``conditions``."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console

from api.commands import services_of
from eligibility.matching import MatchResult, answer_json
from eligibility.measures import policy_conditions
from eligibility.profile import EnterpriseProfile
from ontology.errors import InvalidInputError


def read_profile(path: Path) -> EnterpriseProfile:
    """Read and validate a profile JSON file (errors name the file and the bad field)."""
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as e:
        raise InvalidInputError(f"--profile {path}: cannot read ({e.strerror})") from e
    return EnterpriseProfile.model_validate_json(text)


def parse_as_of(value: str | None) -> date | None:
    """Parse ``--as-of`` (ISO date) or raise ``InvalidInputError`` naming the option."""
    if value is None:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError as e:
        raise InvalidInputError(f"--as-of: {value!r} is not an ISO date (YYYY-MM-DD)") from e


def _print_results(results: list[MatchResult]) -> None:
    console = Console(highlight=False)
    if not results:
        console.print("no measures in force for this region")
        return
    for rank, r in enumerate(results, start=1):
        benefit = r.measure.benefit
        amount = f" ≤{benefit.max_amount_wan:g}万元" if benefit and benefit.max_amount_wan else ""
        kind = benefit.type if benefit else ""
        console.print(f"[bold]{rank:>3}. {r.verdict}[/bold] {kind}{amount}  [dim]{r.measure.title}[/dim]")
        console.print(f"     {r.measure.clause_text[:120]}", markup=False)
        if r.missing_facts:
            console.print(f"     [dim]missing: {', '.join(r.missing_facts)}[/dim]")


def register(app: typer.Typer) -> None:
    """Add the eligibility commands to ``app``."""

    @app.command()
    def match(
        ctx: typer.Context,
        profile: Annotated[Path, typer.Option("--profile", help="Company profile JSON (see the profile schema).")],
        as_of: Annotated[str | None, typer.Option("--as-of", help="Judge on this date (default today).")] = None,
        as_json: Annotated[bool, typer.Option("--json", help="Print the JSON answer.")] = False,
        verdict: Annotated[
            list[str] | None, typer.Option("--verdict", help="Keep only these verdicts (repeatable).")
        ] = None,
    ) -> None:
        """Match a company profile against every support measure: verdicts with reasons, ranked."""
        company = read_profile(profile)
        day = parse_as_of(as_of)
        if verdict:
            unknown = set(verdict) - {"eligible", "undetermined", "ineligible"}
            if unknown:
                raise InvalidInputError(f"--verdict: {sorted(unknown)} not in eligible, undetermined, ineligible")
        results = services_of(ctx).matcher.match(company, as_of=day, verdicts=verdict or None)
        if as_json:
            typer.echo(answer_json(results))
            return
        _print_results(results)

    @app.command()
    def conditions(
        ctx: typer.Context,
        source_id: Annotated[str, typer.Argument(help="The policy's source id (or document id).")],
        as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
    ) -> None:
        """Show the support measures of one policy with their extracted conditions and benefits."""
        found = policy_conditions(services_of(ctx).store, source_id)
        if as_json:
            typer.echo(json.dumps(found, ensure_ascii=False, indent=2))
            return
        console = Console(highlight=False)
        for m in found:
            console.print(f"[bold]{m['clause_text'][:100]}[/bold]", markup=True)
            for c in m["conditions"]:
                console.print(f"   {c['dimension']} {c['operator']} {c['value']}  「{c['text']}」", markup=False)
            if m["benefit"]:
                console.print(f"   → {m['benefit']['type']}: {m['benefit']['text']}", markup=False)
