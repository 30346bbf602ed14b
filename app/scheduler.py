"""The one scheduler (APScheduler 3): in-process in the embedded default, a dedicated
`flask scheduler` process in production; in every configuration jobs run only in the one process
that holds the database's leader lock.

Domains register short idempotent ticks (`register_tick`) that look at the database for what is
due; nothing is scheduled per record, so nothing is lost across downtime (DESIGN.md, Scheduler).

The leader lock: `gunicorn -w 4` with the embedded default starts an in-process scheduler in each
worker, and a production deployment may start `flask scheduler` on two hosts. Each of them runs
its ticks only while it holds the lock, and one that does not hold it tries again at its next
tick — so when the leader dies (even by kill -9: the kernel drops a file lock, PostgreSQL an
advisory lock, with the process or its connection) another takes over within one tick.
"""

from __future__ import annotations

import atexit
import fcntl
import logging
import os
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

import click
from apscheduler.schedulers.background import BackgroundScheduler
from apscheduler.schedulers.blocking import BlockingScheduler
from flask import Flask, current_app
from flask.cli import with_appcontext
from sqlalchemy import String, create_engine, make_url, text
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import Mapped, mapped_column

from app import clock
from app.extensions import db
from app.types import UTCDateTime

log = logging.getLogger("smallworks.scheduler")

#: Any constant works: every `flask scheduler` process of one database uses the same key.
ADVISORY_LOCK_KEY = 0x5357_5343_4845_44  # "SWSCHED"


class SchedulerHeartbeat(db.Model):
    """When each tick last ran to the end, in whichever process held the lock: what the
    metrics and /readyz read to tell a stalled scheduler from a quiet one."""

    __tablename__ = "scheduler_heartbeats"

    #: The tick's id (`register_tick`).
    tick_id: Mapped[str] = mapped_column(String(60), primary_key=True)
    #: The end of its last run without an error.
    last_ok_at: Mapped[datetime] = mapped_column(UTCDateTime())


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


class LeaderLock:
    """Held by at most one process per database: a PostgreSQL session advisory lock on a
    connection kept open, or an exclusive `flock` on a file beside the SQLite database. Not
    re-entrant across instances: two LeaderLocks in one process exclude each other too."""

    def __init__(self, url: str):
        self.url = url
        self._held: object | None = None  # the PostgreSQL connection or the open lock file
        self._engine = None
        self._mutex = threading.Lock()

    @property
    def held(self) -> bool:
        return self._held is not None

    def try_hold(self) -> bool:
        """True if this process holds the lock now (taking it if it is free); False if another
        does. A lost PostgreSQL connection counts as lost leadership."""
        with self._mutex:
            if self._held is not None and self._still_held():
                return True
            self._drop()
            self._held = self._take()
            if self._held is not None:
                log.info("scheduler leader lock taken (pid %s)", os.getpid())
            return self._held is not None

    def release(self) -> None:
        with self._mutex:
            self._drop()
            if self._engine is not None:
                self._engine.dispose()
                self._engine = None

    def _is_postgresql(self) -> bool:
        return self.url.startswith("postgresql")

    def _take(self) -> object | None:
        if self._is_postgresql():
            if self._engine is None:
                # One connection, kept for as long as the lock is held; no pool to recycle it.
                self._engine = create_engine(self.url, pool_size=1, max_overflow=0)
            try:
                conn = self._engine.connect()
            except DBAPIError:
                log.warning("scheduler leader lock: database unreachable")
                return None
            got = conn.execute(text("SELECT pg_try_advisory_lock(:k)"), {"k": ADVISORY_LOCK_KEY})
            if got.scalar():
                conn.commit()
                return conn
            conn.close()
            return None
        path = lock_file_path(self.url)
        if path is None:  # an in-memory database is one process's own
            return True
        handle = open(path, "a+b")  # noqa: SIM115 - held open for as long as the lock is held
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            handle.close()
            return None
        return handle

    def _still_held(self) -> bool:
        if not self._is_postgresql():
            return True  # a file lock lasts as long as its open file
        try:
            self._held.execute(text("SELECT 1")).scalar()
            self._held.commit()
            return True
        except DBAPIError:
            log.warning("scheduler leader lock lost with its database connection")
            return False

    def _drop(self) -> None:
        held, self._held = self._held, None
        if held is None or held is True:
            return
        try:
            if self._is_postgresql():
                # Unlocked before the connection goes: its end frees the lock too, but only once
                # the server has noticed it, so another process asking at once could still be
                # refused (a flaky test under load showed it).
                held.execute(text("SELECT pg_advisory_unlock(:k)"), {"k": ADVISORY_LOCK_KEY})
                held.commit()
        except Exception:  # a broken connection holds nothing any more
            log.debug("scheduler leader lock: unlocking a broken holder", exc_info=True)
        try:
            held.close()  # the connection ends the advisory lock; closing the file, the flock
        except Exception:  # already broken: nothing more to release
            log.debug("scheduler leader lock: closing a broken holder", exc_info=True)


def lock_file_path(url: str) -> str | None:
    """The leader-lock file of a SQLite database: beside it, same name + `.scheduler-lock`;
    None for an in-memory database."""
    database = make_url(url).database
    if not database or database == ":memory:" or database.startswith("file::memory:"):
        return None
    return database + ".scheduler-lock"


def _as_leader(lock: LeaderLock, tick: Tick, app: Flask) -> None:
    """A tick's run: only in the process that holds the leader lock; its heartbeat after."""
    if lock.try_hold():
        tick.func(app)
        _beat(app, tick.id)


def _beat(app: Flask, tick_id: str) -> None:
    with app.app_context():
        try:
            db.session.merge(SchedulerHeartbeat(tick_id=tick_id, last_ok_at=clock.now()))
            db.session.commit()
        except Exception:  # the tick's work stands; a missed beat only ages the heartbeat
            db.session.rollback()
            log.exception("scheduler heartbeat of %s not recorded", tick_id)
        finally:
            db.session.remove()


def _add_jobs(scheduler, app: Flask, lock: LeaderLock) -> None:
    for tick in ticks(app):
        scheduler.add_job(
            _as_leader,
            "interval",
            seconds=tick.seconds,
            args=[lock, tick, app],
            id=tick.id,
            # One run at a time; runs missed while busy or down collapse into one (the tick
            # catches up by itself: it reads what is due from the database).
            max_instances=1,
            coalesce=True,
            misfire_grace_time=None,
            replace_existing=True,
        )


def serving_web() -> bool:
    """True unless a CLI command other than `flask run` is loading the app (`flask db upgrade`,
    `flask demo` … must not start sending). (FlaskGroup loads the app for a command of app.cli —
    `flask scheduler` among them — in its own context, before the command's: such a command
    checks what it needs itself.)"""
    ctx = click.get_current_context(silent=True)
    return ctx is None or ctx.info_name == "run"


def start_in_process(app: Flask) -> BackgroundScheduler | None:
    """Start the in-process scheduler when SCHEDULER_IN_PROCESS is set (the embedded default).
    Never in production web workers: ProductionConfig pins the setting to False."""
    if not app.config.get("SCHEDULER_IN_PROCESS") or app.testing:
        return None
    if "scheduler" in app.extensions or not serving_web():
        return None
    # The Werkzeug reloader runs the app twice: only the child (WERKZEUG_RUN_MAIN) serves.
    if app.debug and os.environ.get("WERKZEUG_RUN_MAIN") != "true":
        return None
    # Under `gunicorn -w N` every worker gets here: each starts a scheduler, and only the one
    # holding the leader lock runs the ticks (the others try again at each tick).
    lock = LeaderLock(app.config["SQLALCHEMY_DATABASE_URI"])
    scheduler = BackgroundScheduler(timezone="UTC", daemon=True)
    _add_jobs(scheduler, app, lock)
    scheduler.start()
    app.extensions["scheduler"] = scheduler
    app.extensions["scheduler_lock"] = lock

    def stop() -> None:
        scheduler.shutdown(wait=False)
        lock.release()

    atexit.register(stop)
    log.info("in-process scheduler started: %s", ", ".join(t.id for t in ticks(app)))
    return scheduler


@click.command("scheduler")
@click.option("--idle-seconds", default=30.0, help="How often an idle scheduler retries the lock.")
@with_appcontext
def scheduler_command(idle_seconds: float) -> None:
    """Run the scheduler in the foreground (production: one such process, or more on other
    hosts as standbys).

    A second `flask scheduler` on the same database idles until the first one's lock is
    released (it stops or dies), then takes over.
    """
    app = current_app._get_current_object()
    if app.config.get("REDIS_REQUIRED_AT_START"):
        from app.observability import require_redis

        require_redis(app)  # as the web workers do (docs/deploy.md, "When Redis is down")
    lock = LeaderLock(app.config["SQLALCHEMY_DATABASE_URI"])
    while not lock.try_hold():
        click.echo("another scheduler holds the lock; idling", err=True)
        time.sleep(idle_seconds)
    scheduler = BlockingScheduler(timezone="UTC")
    _add_jobs(scheduler, app, lock)
    click.echo("scheduler running: " + ", ".join(t.id for t in ticks(app)))
    try:
        scheduler.start()
    except (KeyboardInterrupt, SystemExit):
        pass
    finally:
        lock.release()


def init_scheduler(app: Flask) -> None:
    """At the end of create_app: the `flask scheduler` command, and the in-process scheduler
    when configured."""
    from app import once
    from app.storage import sweep_tick

    app.cli.add_command(scheduler_command)
    register_tick(
        app, "uploads-sweep", sweep_tick, seconds=float(app.config["UPLOAD_SWEEP_SECONDS"])
    )
    register_tick(app, "form-claims-prune", once.prune_tick, seconds=once.PRUNE_SECONDS)
    start_in_process(app)
