"""The subscription tick: queue the texts of newly published notices (idempotent, catches up)."""

from __future__ import annotations

import logging

from flask import Flask

log = logging.getLogger("smallworks.subscriptions")


def fan_out_tick(app: Flask) -> None:
    """Fan out what was published since the last tick; the SMS tick then sends it."""
    from notices.subscriptions import services

    with app.app_context():
        queued = services.fan_out_due()
        if queued:
            log.info("subscriptions tick: queued %d texts", queued)
