"""政策计算器 on the command line: ``policykg calculate --profile company.json [--measure CLAUSE_ID]``."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console

from api.commands import services_of
from api.commands.match import parse_as_of, read_profile
from eligibility.calculator import Calculation, calculate


def _print(calculation: Calculation) -> None:
    console = Console(highlight=False)
    for m in calculation.measures:
        estimate = m.estimate
        amount = "—" if estimate.amount_wan is None else f"{estimate.amount_wan:g}万元"
        bound = "（上限）" if estimate.bound == "at_most" else ""
        console.print(f"{amount}{bound}  {estimate.formula_text}  [dim]{m.result.measure.title}[/dim]", markup=True)
        for question in estimate.missing:
            console.print(f"     [dim]缺少：{question['question']}[/dim]")
    console.print(f"[bold]合计 {calculation.total_wan:g}万元[/bold]（确定金额 {calculation.exact_wan:g}万元）")


def register(app: typer.Typer) -> None:
    """Add ``calculate`` to ``app``."""

    @app.command("calculate")
    def calculate_command(
        ctx: typer.Context,
        profile: Annotated[Path, typer.Option("--profile", help="Company profile JSON (see the profile schema).")],
        measure: Annotated[str | None, typer.Option("--measure", help="One measure's clause id.")] = None,
        as_of: Annotated[str | None, typer.Option("--as-of", help="Judge on this date (default today).")] = None,
        as_json: Annotated[bool, typer.Option("--json", help="Print the JSON answer.")] = False,
    ) -> None:
        """Estimate what a company may obtain: per measure from its benefit formula, and the total (政策计算器)."""
        company = read_profile(profile)
        day = parse_as_of(as_of) or datetime.now(UTC).date()
        calculation = calculate(services_of(ctx).matcher, company, as_of=day, measure_id=measure)
        if as_json:
            typer.echo(json.dumps(calculation.to_json(), ensure_ascii=False))
            return
        _print(calculation)
