"""The one scheduler (APScheduler 3): in-process in the embedded default, a dedicated
`flask scheduler` process in production, guarded by a PostgreSQL advisory lock.

Domains register short idempotent ticks (`register_tick`) that look at the database for what is
due; nothing is scheduled per record, so nothing is lost across downtime (DESIGN.md, Scheduler).
"""

from __future__ import annotations

import atexit
import logging
import os
import time
from collections.abc import Callable
from dataclasses import dataclass

import click
from apscheduler.schedulers.background import BackgroundScheduler
from apscheduler.schedulers.blocking import BlockingScheduler
from flask import Flask, current_app
from flask.cli import with_appcontext
from sqlalchemy import create_engine, text

log = logging.getLogger("smallworks.scheduler")

#: Any constant works: every `flask scheduler` process of one database uses the same key.
ADVISORY_LOCK_KEY = 0x5357_5343_4845_44  # "SWSCHED"


@dataclass(frozen=True)
class Tick:
    id: str
    func: Callable[[Flask], None]
    seconds: float


def register_tick(app: Flask, tick_id: str, func: Callable[[Flask], None], *, seconds: float):
    """Ask the scheduler to run `func(app)` every `seconds` (called from a blueprint's setup)."""
    app.extensions.setdefault("scheduler_ticks", {})[tick_id] = Tick(tick_id, func, seconds)


def ticks(app: Flask) -> list[Tick]:
    return list(app.extensions.get("scheduler_ticks", {}).values())


def _add_jobs(scheduler, app: Flask) -> None:
    for tick in ticks(app):
        scheduler.add_job(
            tick.func,
            "interval",
            seconds=tick.seconds,
            args=[app],
            id=tick.id,
            # One run at a time; runs missed while busy or down collapse into one (the tick
            # catches up by itself: it reads what is due from the database).
            max_instances=1,
            coalesce=True,
            misfire_grace_time=None,
            replace_existing=True,
        )


def _serving_web() -> bool:
    """True unless a CLI command other than `flask run` is loading the app (`flask db upgrade`,
    `flask demo` … must not start sending)."""
    ctx = click.get_current_context(silent=True)
    return ctx is None or ctx.info_name == "run"


def start_in_process(app: Flask) -> BackgroundScheduler | None:
    """Start the in-process scheduler when SCHEDULER_IN_PROCESS is set (the embedded default).
    Never in production web workers: ProductionConfig pins the setting to False."""
    if not app.config.get("SCHEDULER_IN_PROCESS") or app.testing:
        return None
    if "scheduler" in app.extensions or not _serving_web():
        return None
    # The Werkzeug reloader runs the app twice: only the child (WERKZEUG_RUN_MAIN) serves.
    if app.debug and os.environ.get("WERKZEUG_RUN_MAIN") != "true":
        return None
    scheduler = BackgroundScheduler(timezone="UTC", daemon=True)
    _add_jobs(scheduler, app)
    scheduler.start()
    app.extensions["scheduler"] = scheduler
    atexit.register(lambda: scheduler.shutdown(wait=False))
    log.info("in-process scheduler started: %s", ", ".join(t.id for t in ticks(app)))
    return scheduler


def _try_lock(engine) -> object | None:
    """Hold the advisory lock on a connection kept open; None if another scheduler holds it."""
    conn = engine.connect()
    if conn.execute(text("SELECT pg_try_advisory_lock(:k)"), {"k": ADVISORY_LOCK_KEY}).scalar():
        return conn
    conn.close()
    return None


@click.command("scheduler")
@click.option("--idle-seconds", default=30.0, help="How often an idle scheduler retries the lock.")
@with_appcontext
def scheduler_command(idle_seconds: float) -> None:
    """Run the scheduler in the foreground (production: exactly one such process).

    On PostgreSQL a second `flask scheduler` idles until the first one's lock is released.
    """
    app = current_app._get_current_object()
    url = app.config["SQLALCHEMY_DATABASE_URI"]
    lock_conn = None
    engine = None
    if url.startswith("postgresql"):
        engine = create_engine(url)
        while lock_conn is None:
            lock_conn = _try_lock(engine)
            if lock_conn is None:
                click.echo("another scheduler holds the lock; idling", err=True)
                time.sleep(idle_seconds)
    scheduler = BlockingScheduler(timezone="UTC")
    _add_jobs(scheduler, app)
    click.echo("scheduler running: " + ", ".join(t.id for t in ticks(app)))
    try:
        scheduler.start()
    except (KeyboardInterrupt, SystemExit):
        pass
    finally:
        if lock_conn is not None:
            lock_conn.close()
        if engine is not None:
            engine.dispose()


def init_scheduler(app: Flask) -> None:
    """At the end of create_app: the `flask scheduler` command, and the in-process scheduler
    when configured."""
    from app.storage import sweep_tick

    app.cli.add_command(scheduler_command)
    register_tick(
        app, "uploads-sweep", sweep_tick, seconds=float(app.config["UPLOAD_SWEEP_SECONDS"])
    )
    start_in_process(app)
