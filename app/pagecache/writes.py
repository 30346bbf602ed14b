"""Which commits move the generation on: writes a public page may show, seen on the session."""

from __future__ import annotations

import logging

from flask import has_app_context
from redis.exceptions import RedisError
from sqlalchemy import event
from sqlalchemy.orm import Session

from app.pagecache.store import _state

log = logging.getLogger("smallworks.pagecache")

#: Tables no public page reads: a write only to these leaves every cached page true. A sign-in
#: writes the account (last login), its throttle row and an audit entry; the SMS sender updates
#: its outbox every few seconds — none of which would be a reason to render the site again.
IGNORED_TABLES = frozenset(
    {
        "users",
        "login_throttles",
        "audit_entries",
        "sms_messages",
        "sms_preferences",
        "scheduler_heartbeats",
    }
)
#: `Session.info` key: this transaction wrote something a public page may show.
_WROTE = "smallworks.pagecache.wrote"


def _shown(obj) -> bool:
    table = getattr(obj, "__table__", None)
    return table is None or table.name not in IGNORED_TABLES


def _note_flush(session: Session, _flush_context) -> None:
    if any(_shown(o) for o in (*session.new, *session.dirty, *session.deleted)):
        session.info[_WROTE] = True


def _note_statement(state) -> None:
    """UPDATE/INSERT/DELETE run through the session (no flush sees them), and any other
    statement that is not a SELECT (text(): counted as a write unless it reads)."""
    if state.is_select:
        return
    if state.is_insert or state.is_update or state.is_delete:
        table = getattr(state.statement, "table", None)
        if getattr(table, "name", None) in IGNORED_TABLES:
            return
    elif str(state.statement).lstrip().upper().startswith("SELECT"):
        return
    state.session.info[_WROTE] = True


def _bump_after_commit(session: Session) -> None:
    if not session.info.pop(_WROTE, False) or not has_app_context():
        return
    pages = _state()
    if pages is not None:
        try:
            pages.bump()
        except RedisError as e:
            pages.failed(e)  # moved on when the store answers again
        except Exception:
            # The commit stands; a page may now be served stale until its wall-clock bound.
            log.exception("page cache: could not bump the generation after a commit")


def _forget_after_rollback(session: Session, *_args) -> None:
    session.info.pop(_WROTE, None)


def _listen_to_sessions() -> None:
    """Once per process (SQLAlchemy's events are the Session class's): each handler finds the
    app of the moment, and does nothing for an app without a page cache."""
    for name, handler in (
        ("after_flush", _note_flush),
        ("do_orm_execute", _note_statement),
        ("after_commit", _bump_after_commit),
        ("after_rollback", _forget_after_rollback),
    ):
        if not event.contains(Session, name, handler):
            event.listen(Session, name, handler)
