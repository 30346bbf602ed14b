"""Command-line tools of the draws: `flask draws new-seed-key`, `flask draws rotate-seed-key`."""

from __future__ import annotations

import click
from flask.cli import AppGroup

draws_cli = AppGroup("draws", help="Draws: the keys that encrypt their seeds at rest.")


@draws_cli.command("new-seed-key")
def new_seed_key_command():
    """Print a fresh key for DRAW_SEED_KEY (32 random bytes, urlsafe base64); stores nothing."""
    from lottery import seeds

    click.echo(seeds.new_key())


@draws_cli.command("rotate-seed-key")
def rotate_seed_key_command():
    """Seal every committed draw's seed again under the current DRAW_SEED_KEY, in one audited
    transaction. Run after moving the old key to DRAW_SEED_OLD_KEYS; afterwards the old key may
    be removed from there."""
    from lottery import services
    from lottery.errors import DrawError

    try:
        report = services.reseal_seeds(actor="cli")
    except DrawError as e:
        raise click.ClickException(f"{e.message} / {e.message_en}") from None
    click.echo(
        f"种子密钥轮换完成 / seeds resealed under key {report.key_id}: "
        f"{len(report.resealed)} resealed, {report.unchanged} already under it"
    )
