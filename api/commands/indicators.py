"""Indicator and annual-report commands: ``indicators [--json]``, ``indicators import FILE``,
``indicators coverage --region CODE``, ``reports``."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.console import Console
from rich.table import Table

from api.bootstrap import INDICATOR_TABLE_NAME, indicator_linker, indicator_scheme
from api.commands import services_of
from ontology.errors import InvalidInputError
from ontology.indicators import parse_indicator_csv
from ontology.reference import region_code_of
from practices.coverage import region_coverage
from practices.reports import list_reports

INDICATOR_FIELDS = ("id", "level", "parent", "name", "text", "source")


def _echo_json(value: Any) -> None:
    typer.echo(json.dumps(value, ensure_ascii=False, indent=2))


def _region(region: str) -> str:
    code = region_code_of(region)
    if code is None:
        raise InvalidInputError(f"region: unknown region {region!r}")
    return code


def register(app: typer.Typer) -> None:
    """Add the indicator and report commands to ``app``."""
    indicators = typer.Typer(help="The 市县法治政府建设示范指标体系: list, import an official table, coverage.")
    app.add_typer(indicators, name="indicators")

    @indicators.callback(invoke_without_command=True)
    def list_indicators(
        ctx: typer.Context,
        as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
        level: Annotated[int | None, typer.Option(help="Only this level (1, 2 or 3).")] = None,
    ) -> None:
        """List the indicators in use (the imported table, else the shipped one)."""
        if ctx.invoked_subcommand is not None:
            return
        scheme = indicator_scheme(services_of(ctx))
        rows = [i for i in scheme.indicators if level is None or i.level == level]
        if as_json:
            _echo_json([i.to_dict() for i in rows])
            return
        table = Table("id", "level", "parent", "name / text", "source")
        for i in rows:
            table.add_row(i.id, str(i.level), i.parent or "", i.label[:60], i.source[:40])
        Console().print(table)
        typer.echo(f"table: {scheme.origin}")

    @indicators.command("import")
    def import_indicators(
        ctx: typer.Context,
        file: Annotated[Path, typer.Argument(help="CSV with the header id,level,parent,name,text (source optional).")],
    ) -> None:
        """Store an official indicator table in the data dir; it is used from then on."""
        text = file.read_text(encoding="utf-8")
        scheme = parse_indicator_csv(text, origin=str(file))
        target = services_of(ctx).data_dir / INDICATOR_TABLE_NAME
        target.write_text(text, encoding="utf-8")
        counts = {level: len(scheme.level(level)) for level in (1, 2, 3)}
        typer.echo(f"imported {len(scheme.indicators)} indicators ({counts[1]}/{counts[2]}/{counts[3]} by level)")

    @indicators.command("coverage")
    def coverage(
        ctx: typer.Context,
        region: Annotated[str, typer.Option(help="Region code or name; sub-regions included.")],
        as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
    ) -> None:
        """Indicators the region's reports, mechanisms, designations and normative documents give evidence for, and
        those they do not."""
        services = services_of(ctx)
        result = region_coverage(services.store, indicator_linker(services), _region(region))
        if as_json:
            _echo_json(result.to_dict())
            return
        table = Table("indicator", "evidence", "kinds", "first source")
        for indicator, evidence in result.covered:
            kinds = ", ".join(dict.fromkeys(e.kind for e in evidence))
            table.add_row(indicator.label[:40], str(len(evidence)), kinds, evidence[0].source_id or "")
        for indicator in result.uncovered:
            table.add_row(indicator.label[:40], "0 (gap)", "", "")
        Console().print(table)

    @app.command()
    def reports(
        ctx: typer.Context,
        region: Annotated[str | None, typer.Option(help="Region code or name; sub-regions included.")] = None,
        year: Annotated[int | None, typer.Option(help="Year reported on.")] = None,
        as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
    ) -> None:
        """List 法治政府建设年度报告: year, agency, region, sections and items linked to indicators."""
        services = services_of(ctx)
        rows = list_reports(
            services.store,
            indicator_linker(services),
            region_code=_region(region) if region is not None else None,
            year=year,
        )
        if as_json:
            _echo_json([r.to_dict() for r in rows])
            return
        table = Table("year", "agency", "region", "sections", "items", "source")
        for r in rows:
            items = sum(len(s.items) for s in r.sections)
            kinds = "、".join(dict.fromkeys(s.kind for s in r.sections))
            table.add_row(str(r.year or ""), r.agency or "", r.region_code or "", kinds, str(items), r.source_id or "")
        Console().print(table)
