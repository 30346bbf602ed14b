"""Plain rows of a SELECT of columns, read on the session's connection without the ORM's layer."""

from __future__ import annotations

import keyword
from collections import namedtuple
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


def plain_rows(statement, params: dict | None = None) -> list:
    """`rows` of a statement whose parameters and columns the driver reads as they are (ints and
    texts: no type of theirs converts a value), run on the driver's cursor: named tuples with
    the statement's column names, read by attribute or position as `rows`' are.

    For the few such statements every page of a kind reads (a project's attachments, the pool's
    category names — issue 14): SQLAlchemy's execution and result cost ~60 calls a statement on
    top of the driver's. Its SQL is compiled once per process and database. Any statement this
    cannot run as it is (a type that converts, an expanding IN, a name that must be escaped)
    takes `rows`' way, and so does every statement while an engine event listens (the tests
    that count statements, a tracer): they see it as before."""
    session = db.session()
    if session.autoflush:
        session.flush()
    connection = session.connection()
    plan = _plan(statement, connection.dialect)
    if plan is None or connection._has_events or connection.engine._has_events:
        return connection.execute(statement, params).all()
    compiled, row = plan
    values = compiled.construct_params(params)
    if compiled.positiontup is not None:
        values = tuple(values[name] for name in compiled.positiontup)
    cursor = connection.connection.cursor()
    try:
        cursor.execute(compiled.string, values)
        return [row(*r) for r in cursor.fetchall()]
    finally:
        cursor.close()


@lru_cache(maxsize=64)
def _plan(statement, dialect):
    """`statement` compiled for `dialect` and the named tuple of its rows, or None when the driver
    could not run it as it is (`plain_rows`)."""
    compiled = statement.compile(dialect=dialect)
    names = list(statement.selected_columns.keys())
    if (
        compiled.literal_execute_params
        or compiled.post_compile_params
        or compiled.escaped_bind_names
        or any(compiled._bind_processors.values())
        or len(compiled._result_columns) != len(names)
        or any(c.type._cached_result_processor(dialect, None) for c in compiled._result_columns)
        or len(set(names)) != len(names)
        or not all(n.isidentifier() and not keyword.iskeyword(n) and n[0] != "_" for n in names)
    ):
        return None
    return compiled, namedtuple("PlainRow", names)
