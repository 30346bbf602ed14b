"""Command-line tools of trading: `flask stats rebuild`, `flask projects restage`."""

from __future__ import annotations

import click
from flask.cli import AppGroup

stats_cli = AppGroup("stats", help="The public statistics (公开数据) and their rollup.")


@stats_cli.command("rebuild")
def rebuild_command():
    """Recompute the statistics' rollup (`stat_rollups`) from every trading and draw, in one
    transaction: after data changed by hand, or whenever its figures are in doubt. Safe to
    repeat; the pages read the old rows until it commits."""
    from contracts.services import rollup

    click.echo(f"wrote {rollup.rebuild_all()} statistics rows")


projects_cli = AppGroup("projects", help="Projects: the copies of their facts the lists read.")


@projects_cli.command("restage")
def restage_command():
    """Recompute every project's stored stage (`projects.stage`, `responses_close_at`: the
    copies of its facts the public list's ?state= reads) from its filing, tradings and
    contracts, in one transaction: after those were changed by hand in SQL. Safe to repeat."""
    from contracts import stage

    click.echo(f"corrected {stage.restage()} projects")
