"""Officials, admins and every API key: officials add, admins add, keys list / rotate / revoke."""

from __future__ import annotations

import json
from typing import Annotated

import typer

from api.commands import services_of
from push.keys import KeyHolder, Role, key_holders, revoke_key, rotate_key
from push.officials import add_admin, add_official


def _created(holder: KeyHolder, api_key: str) -> str:
    fields = {"id": holder.id, "role": holder.role.value, "name": holder.name, "api_key": api_key}
    if holder.region_code:
        fields["region_code"] = holder.region_code
    if holder.agency:
        fields["agency"] = holder.agency
    return json.dumps(fields, ensure_ascii=False)


def register(app: typer.Typer) -> None:
    """Add the key commands to ``app``."""
    officials = typer.Typer(help="Officials: publish and curate their agency's documents within their region.")
    admins = typer.Typer(help="Admins: everything, and register consumers and officials.")
    keys = typer.Typer(help="API keys of consumers, officials and admins.")
    app.add_typer(officials, name="officials")
    app.add_typer(admins, name="admins")
    app.add_typer(keys, name="keys")

    @officials.command("add")
    def add_official_command(
        ctx: typer.Context,
        name: Annotated[str, typer.Argument(help="Who the official is.")],
        region: Annotated[str, typer.Option("--region", help="Region code the official acts for (110112).")],
        agency: Annotated[str | None, typer.Option("--agency", help="Agency (default: any of the region).")] = None,
    ) -> None:
        """Register an official and print its id and API key as JSON (the key is shown this once)."""
        holder, api_key = add_official(services_of(ctx).store, name, region, agency)
        typer.echo(_created(holder, api_key))

    @admins.command("add")
    def add_admin_command(ctx: typer.Context, name: Annotated[str, typer.Argument(help="Who the admin is.")]) -> None:
        """Register an admin and print its id and API key as JSON (the key is shown this once)."""
        holder, api_key = add_admin(services_of(ctx).store, name)
        typer.echo(_created(holder, api_key))

    @keys.command("list")
    def list_keys(
        ctx: typer.Context,
        role: Annotated[Role, typer.Option("--role", help="Whose keys.")] = Role.OFFICIAL,
    ) -> None:
        """Key holders of a role as JSON lines (no keys, no hashes; revoked ones carry revoked_at)."""
        for holder in key_holders(services_of(ctx).store, role):
            typer.echo(json.dumps(holder, ensure_ascii=False))

    @keys.command("rotate")
    def rotate(ctx: typer.Context, holder_id: Annotated[str, typer.Argument(help="c_…, o_… or a_…")]) -> None:
        """Give a holder a new key (printed this once); the old one stops working."""
        typer.echo(json.dumps({"id": holder_id, "api_key": rotate_key(services_of(ctx).store, holder_id)}))

    @keys.command("revoke")
    def revoke(ctx: typer.Context, holder_id: Annotated[str, typer.Argument(help="c_…, o_… or a_…")]) -> None:
        """Revoke a holder's key for good."""
        revoke_key(services_of(ctx).store, holder_id)
        typer.echo(f"revoked {holder_id}")
