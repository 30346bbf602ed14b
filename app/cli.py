"""Command-line tools: `flask users create|set-password|disable|enable`, `flask audit verify`, `flask demo`."""

from __future__ import annotations

import click
from flask import Flask
from flask.cli import AppGroup

from app.auth.roles import ROLE_VALUES

users = AppGroup("users", help="Accounts.")
audit_cli = AppGroup("audit", help="The audit log.")
offices_cli = AppGroup("offices", help="District offices and their street/town platforms.")


@offices_cli.command("create")
@click.option("--code", required=True, help="Lower-case code, e.g. zhuangqiao")
@click.option("--name", required=True, help="Name as printed, e.g. 庄桥街道")
@click.option("--kind", type=click.Choice(["district", "street"]), required=True)
@click.option(
    "--parent", "parent_code", default=None, help="The district of a street/town platform"
)
def create_office_command(code, name, kind, parent_code):
    """Create a district office or a street/town platform under one."""
    from app.offices.errors import OfficeError
    from app.offices.queries import by_code
    from app.offices.services import NewOffice, create_office

    parent = by_code(parent_code) if parent_code else None
    if parent_code and parent is None:
        raise click.ClickException(f"no office with the code {parent_code}")
    try:
        office = create_office(
            NewOffice(code, name, kind, parent.id if parent else None), actor="cli"
        )
    except OfficeError as e:
        raise click.ClickException(e.message) from None
    click.echo(f"created {office.code} ({office.kind}) {office.name}")


@offices_cli.command("list")
def list_offices_command():
    """Every office, each district followed by its platforms."""
    from app.offices.queries import all_offices

    for o in all_offices():
        indent = "" if o.is_district else "  "
        click.echo(f"{indent}{o.code:<24} {o.kind:<9} {o.name}")


@users.command("create")
@click.option("--username", required=True)
@click.option("--name", "display_name", required=True, help="Name shown on pages, e.g. 张晓明")
@click.option("--role", type=click.Choice(ROLE_VALUES), required=True)
@click.option("--organisation", default="", help="Department, owner unit or company")
@click.option("--office", "office_code", default=None, help="Code of the office it belongs to")
@click.option("--password", prompt=True, hide_input=True, confirmation_prompt=True)
def create_user_command(username, display_name, role, organisation, office_code, password):
    """Create an account (the password is asked for if not given)."""
    from app.auth.errors import AccountError
    from app.auth.services import NewUser, create_user
    from app.offices.queries import by_code

    office = by_code(office_code) if office_code else None
    if office_code and office is None:
        raise click.ClickException(f"no office with the code {office_code}")
    try:
        user = create_user(
            NewUser(
                username,
                display_name,
                role,
                password,
                organisation,
                office.id if office else None,
            ),
            actor="cli",
        )
    except AccountError as e:
        raise click.ClickException(e.message) from None
    click.echo(f"created {user.username} ({user.role})")


@users.command("set-password")
@click.option("--username", required=True)
@click.option("--password", prompt=True, hide_input=True, confirmation_prompt=True)
def set_password_command(username, password):
    """Reset an account's password (asked for if not given); every session of it ends."""
    from sqlalchemy import select

    from app.auth.errors import AccountError
    from app.auth.models import User
    from app.auth.services import set_password
    from app.extensions import db

    user_id = db.session.scalar(select(User.id).where(User.username == username.strip().lower()))
    if user_id is None:
        raise click.ClickException(f"no account named {username!r}")
    try:
        set_password(user_id, password, actor="cli")
    except AccountError as e:
        raise click.ClickException(e.message) from None
    click.echo(f"password of {username} reset; its sessions have ended")


def _account_id(username: str) -> int:
    from sqlalchemy import select

    from app.auth.models import User
    from app.extensions import db

    user_id = db.session.scalar(select(User.id).where(User.username == username.strip().lower()))
    if user_id is None:
        raise click.ClickException(f"no account named {username!r}")
    return user_id


@users.command("disable")
@click.option("--username", required=True)
def disable_user_command(username):
    """Disable an account (its sessions end); never the last active deployment administrator."""
    from app.auth.accounts import disable_account
    from app.errors import DomainError

    try:
        disable_account(_account_id(username), actor="cli")
    except DomainError as e:
        raise click.ClickException(e.message) from None
    click.echo(f"disabled {username}")


@users.command("enable")
@click.option("--username", required=True)
def enable_user_command(username):
    """Enable a disabled account."""
    from app.auth.accounts import enable_account
    from app.errors import DomainError

    try:
        enable_account(_account_id(username), actor="cli")
    except DomainError as e:
        raise click.ClickException(e.message) from None
    click.echo(f"enabled {username}")


@audit_cli.command("verify")
def verify_command():
    """Walk the hash chain and report the first broken link (exit 1 if any)."""
    from app.audit import verify_chain

    report = verify_chain()
    if report.ok:
        click.echo(f"审计链完整 / audit chain intact: {report.entries} entries")
        return
    click.echo(
        f"审计链断裂 / audit chain BROKEN at entry {report.broken_seq}: {report.reason}", err=True
    )
    raise SystemExit(1)


@click.command("demo")
def demo_command():
    """Load the demo data set (idempotent: a second run only resets the demo passwords)."""
    # The one place besides blueprint registration where app/ names the domains: the demo walks
    # them all, in the order of the procedure.
    from app.demo import run

    run(click.echo)


search_cli = AppGroup("search", help="The site search's index.")


@search_cli.command("reindex")
def reindex_command():
    """Rebuild the site search's index from every public object (after the upgrade that adds it,
    or at any time: it is idempotent)."""
    from app.search import services

    click.echo(f"indexed {services.reindex()} public objects")


def register_cli(app: Flask) -> None:
    app.cli.add_command(search_cli)
    app.cli.add_command(users)
    app.cli.add_command(audit_cli)
    app.cli.add_command(offices_cli)
    app.cli.add_command(demo_command)
    from app.backup import backup_cli

    app.cli.add_command(backup_cli)
