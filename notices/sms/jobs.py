"""The SMS tick the scheduler runs: short, idempotent, catches up after downtime."""

from __future__ import annotations

import logging

from flask import Flask

log = logging.getLogger("smallworks.sms")


def send_tick(app: Flask) -> None:
    """Send what is due now, for at most SMS_TICK_BUDGET_SECONDS; the rest waits for the next
    tick. Nothing here is per notice: the outbox table says what is due (DESIGN.md, Scheduler)."""
    from notices.sms import sender

    with app.app_context():
        report = sender.drain(max_seconds=float(app.config["SMS_TICK_BUDGET_SECONDS"]))
        if report.claimed:
            log.info(
                "sms tick: claimed %d, sent %d, reconciled %d, retried %d, undeliverable %d, "
                "failed %d",
                report.claimed,
                report.sent,
                report.reconciled,
                report.retried,
                report.undeliverable,
                report.failed,
            )
