"""Plain rows of a SELECT of columns, read on the session's connection without the ORM's layer."""

from __future__ import annotations

from functools import lru_cache

from sqlalchemy import Row, TextClause, text

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


def constant_rows(statement) -> list[Row]:
    """`rows` of a statement whose every parameter is a constant of it (no value is given when
    it runs), kept per process and database as its SQL with the constants written in, its
    columns typed as the statement's (`TextClause.columns`, matched by position).

    For the home page's notices (issue 14): SQLAlchemy expanded the statement's IN lists and
    built its parameters again on every execution, ~0.1 ms of the page. Only for statements
    kept per process whose constants are our own (codes, numbers), never a visitor's text."""
    session = db.session()
    if session.autoflush:
        session.flush()
    connection = session.connection()
    return connection.execute(_written(statement, connection.dialect)).all()


@lru_cache(maxsize=64)
def _written(statement, dialect) -> TextClause:
    sql = str(statement.compile(dialect=dialect, compile_kwargs={"literal_binds": True}))
    if ":" in sql or "%" in sql:  # text() would read a ":name" as a parameter, "%" as a format
        raise ValueError("constant_rows: a statement with ':' or '%' in its SQL; use rows()")
    return text(sql).columns(*statement.selected_columns)
