"""Command-line tools of trading: `flask stats rebuild`."""

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
