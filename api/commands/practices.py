"""Demonstration and practice commands: ``demonstrations``, ``demonstrations import LIST.csv``, ``mechanisms``,
``practices similar|card``."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.console import Console
from rich.table import Table

from api.commands import services_of
from api.handoff import find_server
from ingest.designation_lists import designation_list_change
from ontology.errors import InvalidInputError
from ontology.reference import region_code_of
from practices.cards import list_designations, list_mechanisms, practice_card, similar_practices

DESIGNATION_FIELDS = ("kind", "name", "region", "region_code", "batch", "year", "source_id", "source_ids")
MECHANISM_FIELDS = (
    "name",
    "aliases",
    "region",
    "region_code",
    "description",
    "claims",
    "topics",
    "source_id",
    "source_ids",
)


def _echo_json(value: Any) -> None:
    typer.echo(json.dumps(value, ensure_ascii=False, indent=2))


def register(app: typer.Typer) -> None:
    """Add the demonstration and practice commands to ``app``."""

    demonstrations_app = typer.Typer(
        help="Designations of the national 法治政府建设 demonstration programme: list, import an official list."
    )
    app.add_typer(demonstrations_app, name="demonstrations")

    @demonstrations_app.callback(invoke_without_command=True)
    def demonstrations(
        ctx: typer.Context,
        batch: Annotated[int | None, typer.Option(help="Batch number (第一批 = 1).")] = None,
        year: Annotated[int | None, typer.Option(help="Year of the naming.")] = None,
        kind: Annotated[str | None, typer.Option(help="area or project.")] = None,
        region: Annotated[str | None, typer.Option(help="Region code or name; sub-regions included.")] = None,
        as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
    ) -> None:
        """List designations of the national 法治政府建设 demonstration programme."""
        if ctx.invoked_subcommand is not None:
            return
        if kind is not None and kind not in ("area", "project"):
            raise InvalidInputError(f"kind: expected area or project, got {kind!r}")
        rows = list_designations(
            services_of(ctx).store, batch=batch, year=year, kind=kind, region_code=region_code_of(region)
        )
        if as_json:
            _echo_json([{f: getattr(r, f) for f in DESIGNATION_FIELDS} for r in rows])
            return
        table = Table("batch", "year", "kind", "region", "project", "sources")
        for r in rows:
            table.add_row(str(r.batch or ""), str(r.year or ""), r.kind, r.region, r.name, "\n".join(r.source_ids))
        Console().print(table)

    @demonstrations_app.command("import")
    def import_designations(
        ctx: typer.Context,
        file: Annotated[
            Path, typer.Argument(help="CSV with the header batch,year,kind,region,name (an official annex).")
        ],
    ) -> None:
        """Import an official list (the annex of a naming decision): each row one designation, this file its
        source; importing the file again replaces what it stated. A bad row refuses the file, naming its line. When
        a ``policykg serve`` holds the data dir, that server imports it."""
        try:
            text = file.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as e:
            raise InvalidInputError(f"{file}: cannot read the list: {e} (无法读取名单文件)") from e
        server = find_server(ctx.obj.settings.policykg_data_dir)
        if server is not None:
            summary, by = server.import_designations(file.name, text), " (by the running server)"
        else:
            change, summary = designation_list_change(file.name, text, origin=str(file))
            services_of(ctx).store.write(change)
            by = ""
        typer.echo(
            f"imported {summary.designations} designations from {summary.name} "
            f"({summary.areas} areas, {summary.projects} projects){by}"
        )

    @app.command()
    def mechanisms(
        ctx: typer.Context,
        topic: Annotated[str | None, typer.Option(help="Topic, e.g. 行政决策, 行政执法, 营商环境.")] = None,
        region: Annotated[str | None, typer.Option(help="Region code or name; sub-regions included.")] = None,
        as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
    ) -> None:
        """List mechanisms and practices by topic and region."""
        rows = list_mechanisms(services_of(ctx).store, topic=topic, region_code=region_code_of(region))
        if as_json:
            _echo_json([{f: getattr(r, f) for f in MECHANISM_FIELDS} for r in rows])
            return
        table = Table("mechanism", "region", "claims", "topics", "sources")
        for r in rows:
            table.add_row(r.name, r.region, "、".join(r.claims), "、".join(r.topics), "\n".join(r.source_ids))
        Console().print(table)

    practices = typer.Typer(help="Practice cards and similar practices.", no_args_is_help=True)
    app.add_typer(practices, name="practices")

    @practices.command("similar")
    def similar(
        ctx: typer.Context,
        query: Annotated[str, typer.Argument(help="A mechanism name or a description of the problem.")],
        top: Annotated[int, typer.Option(min=1, max=100, help="How many practices.")] = 10,
        as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
    ) -> None:
        """Practices like a mechanism or a problem: semantic similarity plus shared topics and legal basis."""
        services = services_of(ctx)
        results = similar_practices(services.store, services.embedder, query, top=top)
        if as_json:
            _echo_json([r.to_dict() for r in results])
            return
        table = Table("score", "mechanism", "region", "semantic", "shared topics", "shared basis")
        for r in results:
            table.add_row(
                f"{r.score:.3f}",
                r.mechanism.name,
                r.mechanism.region,
                f"{r.semantic:.3f}",
                "、".join(r.shared_topics),
                "、".join(r.shared_legal_basis),
            )
        Console().print(table)

    @practices.command("card")
    def card(
        ctx: typer.Context,
        name: Annotated[str, typer.Argument(help="Mechanism name or id.")],
        as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
    ) -> None:
        """A practice card: mechanism, where, who, since when, legal basis, source passages."""
        found = practice_card(services_of(ctx).store, name)
        if as_json:
            _echo_json(found.to_dict())
            return
        m = found.mechanism
        console = Console()
        console.print(f"[bold]{m.name}[/bold]  {found.where}")
        for label, value in [
            ("责任单位", found.who),
            ("起始", found.since),
            ("声明", "、".join(m.claims)),
            ("主题", "、".join(m.topics)),
            ("依据", "、".join(f"《{b['title']}》" for b in found.legal_basis)),
            ("指标", "、".join(i["name"] for i in found.indicators)),
            ("做法", m.description),
        ]:
            if value:
                console.print(f"{label}：{value}")
        for source in found.sources:
            console.print(
                f"— {source.title or source.source_id} [{source.span[0]}, {source.span[1]})：{source.passage}"
            )
        if found.related:
            console.print("其他记载：" + "；".join(r.source_id or r.id for r in found.related))
