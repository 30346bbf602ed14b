"""One use case, one transaction: the decorator that the domains' public service functions wear.

The rule (docs/architecture.md, "Transactions"): a public service function owns its transaction.
Called inside another service's transaction it JOINS it — no savepoint, no commit of its own: only
the outermost `@transactional` commits, and an error anywhere propagates up and the outermost rolls
everything back. So the pool meeting that settles a category (draw, selections, notice, SMS) is all
written or none of it, however many services it calls.

The depth is kept in the session's `info`, so it belongs to the one session of this request (or
CLI command, or tick) and goes away with it when the session is removed.
"""

from __future__ import annotations

import functools
import logging
from collections.abc import Callable
from typing import ParamSpec, TypeVar

from app.extensions import db

P = ParamSpec("P")
R = TypeVar("R")

log = logging.getLogger("smallworks.transactions")

#: `Session.info` keys: how many `@transactional` calls are running, whether an inner one failed,
#: and what to do once the outermost has committed or rolled back.
_DEPTH = "smallworks.transaction_depth"
_FAILED = "smallworks.transaction_failed"
_AFTER_COMMIT = "smallworks.after_commit"
_AFTER_ROLLBACK = "smallworks.after_rollback"


class TransactionAborted(RuntimeError):
    """An inner service failed and its caller carried on: the transaction it joined cannot commit
    (part of the inner call's writes may be in it). A programming error, never a user's."""


def in_transaction() -> bool:
    """Whether a `@transactional` function is running in this session (a call would join it)."""
    return db.session.info.get(_DEPTH, 0) > 0


def after_commit(callback: Callable[[], None]) -> None:
    """Run `callback` once the outermost transaction has committed (e.g. delete the files of rows
    that are gone for good); never if it rolls back. Outside a transaction, run it now."""
    if not in_transaction():
        callback()
        return
    db.session.info.setdefault(_AFTER_COMMIT, []).append(callback)


def after_rollback(callback: Callable[[], None]) -> None:
    """Run `callback` if the outermost transaction rolls back (e.g. delete a file written for a
    row that will not exist); never once it commits. Outside a transaction, nothing is kept."""
    if in_transaction():
        db.session.info.setdefault(_AFTER_ROLLBACK, []).append(callback)


def serialised(key: int) -> None:
    """Make the rest of this transaction wait for any other that took `key`, up to its end: a
    PostgreSQL transaction-level advisory lock, for a check-then-insert with no row to lock (the
    next number of a year's codes). SQLite needs none: its one writer does it."""
    from sqlalchemy import text

    if db.session.get_bind().dialect.name == "postgresql":
        db.session.execute(text("SELECT pg_advisory_xact_lock(:k)"), {"k": key})


def _run(callbacks: list[Callable[[], None]], when: str) -> None:
    # The transaction's outcome is settled: a failing clean-up is logged, not raised, so it can
    # neither turn a commit into an error nor hide the error that caused a rollback.
    for callback in callbacks:
        try:
            callback()
        except Exception:
            log.exception("a clean-up after %s failed", when)


def transactional(fn: Callable[P, R]) -> Callable[P, R]:
    """Run `fn` as one transaction: commit on success; on any error roll back and re-raise,
    so a refused action leaves nothing half-written (CONVENTIONS.md, "Services own transactions").

    Inside another `@transactional` call it joins that transaction: it neither commits nor rolls
    back, and its error goes up to the outermost, which rolls back. An outer function that catches
    an inner one's error and carries on cannot commit (TransactionAborted), since no savepoint
    undid the inner call's writes."""

    @functools.wraps(fn)
    def wrapper(*args: P.args, **kwargs: P.kwargs) -> R:
        info = db.session.info  # this scope's session's: gone with it when it is removed
        depth = info.get(_DEPTH, 0)
        if depth:
            info[_DEPTH] = depth + 1
            try:
                return fn(*args, **kwargs)
            except Exception:
                info[_FAILED] = True
                raise
            finally:
                info[_DEPTH] = depth
        info[_DEPTH] = 1
        try:
            try:
                result = fn(*args, **kwargs)
                if info.get(_FAILED):
                    raise TransactionAborted(
                        f"{fn.__qualname__} caught an inner service's error and carried on; "
                        "its transaction is rolled back"
                    )
                db.session.commit()
                done = info.pop(_AFTER_COMMIT, [])
            except Exception:
                undo = info.pop(_AFTER_ROLLBACK, [])
                try:
                    db.session.rollback()
                finally:
                    _run(undo, "a rollback")
                raise
        finally:
            # Whatever happened (even a failing rollback, or a worker interrupted: no clean-up
            # then, the sweep takes its files), the next call starts afresh.
            for key in (_DEPTH, _FAILED, _AFTER_COMMIT, _AFTER_ROLLBACK):
                info.pop(key, None)
        _run(done, "a commit")
        return result

    return wrapper
