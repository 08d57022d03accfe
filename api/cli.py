"""The ``policykg`` command line: global options, error handling, and the command modules it registers.

Each module in ``api/commands`` adds its commands with ``register(app)``. Errors policykg raises on purpose
(and invalid settings or input) print one line to stderr and exit non-zero, never a traceback.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated

import typer
from pydantic import ValidationError

from api.bootstrap import Services, build_services
from api.commands import calculator as calculator_commands
from api.commands import core
from api.commands import dashboard as dashboard_commands
from api.commands import indicators as indicator_commands
from api.commands import ingest as ingest_commands
from api.commands import keys as key_commands
from api.commands import match as match_commands
from api.commands import practices as practice_commands
from api.commands import push as push_commands
from api.commands import questions as question_commands
from api.commands import search as search_commands
from api.settings import Settings
from ontology.errors import PolicykgError

COMMAND_MODULES = [
    core,
    ingest_commands,
    push_commands,
    key_commands,
    search_commands,
    practice_commands,
    match_commands,
    question_commands,
    indicator_commands,
    calculator_commands,
    dashboard_commands,
]

app = typer.Typer(
    name="policykg",
    help="policykg: knowledge graph and search over Chinese policies and normative documents.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    add_completion=False,
)


# Commands that only read the graph: they open it read-only, which works beside a running ``serve``.
READ_ONLY_COMMANDS = frozenset(
    {
        "stats",
        "export",
        "documents",
        "search",
        "match",
        "calculate",
        "dashboard",
        "conditions",
        "qualifying",
        "demonstrations",
        "mechanisms",
        "practices",
        "reports",
        "indicators",
    }
)


class CliState:
    """Options shared by every command, and the services built from them on first use."""

    def __init__(self, data_dir: Path | None, *, read_only: bool = False) -> None:
        self.data_dir = data_dir
        self.read_only = read_only
        self._services: Services | None = None

    @property
    def settings(self) -> Settings:
        """The settings of this invocation (from the environment, ``--data-dir`` on top)."""
        return Settings() if self.data_dir is None else Settings(policykg_data_dir=self.data_dir)

    @property
    def services(self) -> Services:
        """The services for this invocation (built on first use)."""
        if self._services is None:
            self._services = build_services(self.settings, read_only=self.read_only)
        return self._services

    def close(self) -> None:
        """Close the services if they were built."""
        if self._services is not None:
            self._services.close()


@app.callback()
def _global_options(
    ctx: typer.Context,
    data_dir: Annotated[
        Path | None, typer.Option("--data-dir", help="Data folder (default: $POLICYKG_DATA_DIR or ./data).")
    ] = None,
) -> None:
    state = CliState(data_dir, read_only=ctx.invoked_subcommand in READ_ONLY_COMMANDS)
    ctx.obj = state
    ctx.call_on_close(state.close)


for _module in COMMAND_MODULES:
    _module.register(app)


def _one_line(error: BaseException) -> str:
    if isinstance(error, ValidationError):
        parts = []
        for item in error.errors():
            where = ".".join(str(p) for p in item["loc"]) or "input"
            parts.append(f"{where}: {item['msg']}")
        return "invalid settings or input: " + "; ".join(parts)
    return str(error).splitlines()[0] if str(error) else type(error).__name__


def main() -> None:
    """Entry point of the ``policykg`` console script."""
    try:
        app()  # standalone: usage errors print click's message and exit 2
    except (PolicykgError, ValidationError, OSError) as e:
        typer.echo(f"policykg: error: {_one_line(e)}", err=True)
        sys.exit(2)
