"""Plain rows of a SELECT of columns, read on the session's connection without the ORM's layer."""

from __future__ import annotations

from sqlalchemy import Row

from app.extensions import db


def rows(statement, params: dict | None = None) -> list[Row]:
    """The rows of `statement`, a SELECT of columns (never of entities: nothing is built or
    identity-mapped), read in the session's transaction like any other read.

    For the public pages and API lists that read many such statements per request (issue 14):
    `Session.execute` runs even a statement of columns through the ORM's execution and loading
    (its compile state, `loading.instances`), ~45 µs a statement on top of SQLite's own work;
    the connection's result gives the same rows, read by attribute or position as before. The
    session's pending changes are flushed first, as its autoflush would have done."""
    session = db.session()
    if session.autoflush:
        session.flush()
    return session.connection().execute(statement, params).all()
