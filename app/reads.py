"""Plain rows of a SELECT of columns, read on the session's connection without the ORM's layer."""

from __future__ import annotations

from collections import namedtuple
from collections.abc import Callable
from functools import lru_cache

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


def constant_rows(statement) -> list[tuple]:
    """`rows` of a statement whose every parameter is a constant of it (no value is given when
    it runs): `typed_rows` of its `driver_rows`.

    For the home page's notices (issue 14): SQLAlchemy expanded the statement's IN lists and
    built its parameters again on every execution, ~0.1 ms of the page. Only for statements
    kept per process whose constants are our own (codes, numbers), never a visitor's text."""
    return typed_rows(statement, driver_rows(statement))


def driver_rows(statement, params: dict | None = None) -> tuple[tuple, ...]:
    """The rows of `statement`, a SELECT of columns, as the driver gives them: plain values that
    no column type has read yet (SQLite's text of a time, say), in the session's transaction.

    For a page kept while what it reads is unchanged (app.home, the home page; issue 14): the
    values are compared as they come, and read (`typed_rows`) only when they changed — reading
    a hundred times and flags cost more than the database's answer. The SQL is kept per process
    and database, as are the columns' and parameters' types; without `params` every parameter
    must be a constant of the statement, written into the SQL (`constant_rows`). Sent with
    `exec_driver_sql` whenever an engine event or echo watches (`_driver_rows`), so they see it
    like any other statement."""
    return driver_rows_of(((statement, params),))[0]


def driver_rows_of(statements) -> tuple[tuple[tuple, ...], ...]:
    """`driver_rows` of each (statement, params) of `statements`, in order, on the session's
    connection asked for once (a page that compares a dozen statements' rows, the project's:
    the session's flush and connection cost as much as SQLite's answer; issue 14)."""
    session = db.session()
    if session.autoflush:
        session.flush()
    connection = session.connection()
    kind = _kind(connection.dialect)
    return tuple(
        tuple(map(tuple, _driver_rows(connection, *_sql(statement, params, kind))))
        for statement, params in statements
    )


def _sql(statement, params: dict | None, kind: Kind) -> tuple[str, tuple | dict]:
    """The SQL of `statement` for the dialect's driver and its arguments (`driver_rows`)."""
    if params is None:
        return _written(statement, kind), ()
    compiled, convert, fixed, by_key, required = _compiled(statement, kind)
    if fixed is not None and required <= params.keys() <= by_key.keys():
        values = dict(fixed)
        for key, value in params.items():
            for name in by_key[key]:
                f = convert.get(name)
                values[name] = value if f is None else f(value)
    else:
        values = compiled.construct_params(params)
        for name, f in convert.items():
            values[name] = f(values[name])
    arguments = tuple(values[n] for n in compiled.positiontup) if compiled.positional else values
    return compiled.string, arguments


def _driver_rows(connection, sql: str, arguments) -> list:
    """The rows of `sql` on the connection's driver cursor. SQLAlchemy's `exec_driver_sql` still
    costs ~50 Python calls a statement (its execution context and result), so it is taken only
    when something watches the engine — an event listener (the tests that count statements, a
    tracer) or its SQL echo — which then sees the statement as before (issue 14)."""
    if connection._has_events or connection.engine._has_events or connection._echo:
        return connection.exec_driver_sql(sql, arguments).all()
    cursor = connection.connection.cursor()
    try:
        cursor.execute(sql, arguments)
        return cursor.fetchall()
    finally:
        cursor.close()


def typed_rows(statement, raw: tuple[tuple, ...]) -> list[tuple]:
    """`raw`, `driver_rows` of `statement`, as `rows` gives them: each value read by its
    column's type (an aware time, a bool), each row a named tuple of the statement's columns
    (read by name or position, as a Row)."""
    row, convert = _typing(statement, _kind(db.session().connection().dialect))
    if not any(convert):
        return [row._make(values) for values in raw]
    return [
        row._make([v if f is None else f(v) for f, v in zip(convert, values, strict=True)])
        for values in raw
    ]


def plain_rows(statement, params: dict | None = None) -> list[tuple]:
    """`rows` of a statement of columns, read as `driver_rows` then `typed_rows`: the same values
    (each read by its column's type), named tuples read by name or position as Rows are.

    For the few statements every page of a kind reads (a project's attachments, the pool's
    category names, a notice's SMS totals — issue 14): SQLAlchemy's execution of a compiled
    statement and its result cost ~60 Python calls a statement on top of the driver's. Not for
    an expanding IN list (`driver_rows` refuses it)."""
    return typed_rows(statement, driver_rows(statement, params))


class Kind:
    """A dialect as far as a statement's compiled SQL and its values' conversions depend on it:
    equal to any other engine's dialect of the same class, parameter style and server. The
    compiled SQL below is kept per process and kind, so a process with several engines of one
    database (a test builds an app, and an engine, for each test; a command beside the app's)
    compiles a kept statement once, not once per engine: the home page's first visit on a new
    engine took 62 ms, of which 50 compiling them again."""

    __slots__ = ("_key", "dialect")

    def __init__(self, dialect):
        self.dialect = dialect
        self._key = (
            type(dialect),
            dialect.paramstyle,
            dialect.server_version_info,
            dialect.max_identifier_length,
            dialect.label_length,
        )

    def __eq__(self, other) -> bool:
        return isinstance(other, Kind) and self._key == other._key

    def __hash__(self) -> int:
        return hash(self._key)


@lru_cache(maxsize=8)
def _kind(dialect) -> Kind:
    return Kind(dialect)


@lru_cache(maxsize=64)
def _written(statement, kind: Kind) -> str:
    sql = str(statement.compile(dialect=kind.dialect, compile_kwargs={"literal_binds": True}))
    if ":" in sql or "%" in sql:  # a driver would read a ":name" as a parameter, "%" as a format
        raise ValueError("constant_rows: a statement with ':' or '%' in its SQL; use rows()")
    return sql


#: Statements whose compiled SQL a process keeps: the kept lists' pages read three each
#: (app.rowpages), for a few hundred lists of notices (types × offices × categories).
COMPILED_KEPT = 1024


@lru_cache(maxsize=COMPILED_KEPT)
def _compiled(statement, kind: Kind) -> tuple:
    """The statement compiled for the dialect, the parameters' own conversions for its driver
    (an aware time to naive UTC, then to SQLite's text) by name; and, to write its arguments
    without `construct_params` walking every parameter on each execution (~10 µs for a list's
    page, issue 14), the values of its constants already converted, the names of each key a
    caller may give, and the keys it must give — or None for the first when a parameter's
    value is worked out at execution (a callable) or its name is escaped: then
    `construct_params` writes them, as it does whenever a caller gives a key it does not
    know or leaves out one it must give."""
    dialect = kind.dialect
    compiled = statement.compile(dialect=dialect)
    if "POSTCOMPILE" in compiled.string:  # an IN list expanded at each execution
        raise ValueError("driver_rows: a statement with an expanding IN list; use rows()")
    convert = {}
    by_key: dict[str, tuple[str, ...]] = {}
    required = set()
    for bind, name in compiled.bind_names.items():
        f = bind.type.dialect_impl(dialect).bind_processor(dialect)
        if f is not None:
            convert[name] = f
        by_key[bind.key] = (*by_key.get(bind.key, ()), name)
        if bind.required:
            required.add(bind.key)
    fixed = None
    named = {name for bind, name in compiled.bind_names.items() if name != bind.key}
    if not (
        compiled.escaped_bind_names
        or any(b.callable for b in compiled.bind_names)
        or named & by_key.keys()  # a value given by a key would be another's by its name
    ):
        fixed = compiled.construct_params(_check=False)
        given = {name for key in required for name in by_key[key]}  # always overwritten
        for name, f in convert.items():
            if name not in given:
                fixed[name] = f(fixed[name])
    return compiled, convert, fixed, by_key, frozenset(required)


@lru_cache(maxsize=64)
def _typing(statement, kind: Kind) -> tuple[type, tuple[Callable | None, ...]]:
    """A named tuple of the statement's columns, and each column's conversion of the driver's
    value (None: taken as it is)."""
    dialect = kind.dialect
    columns = statement.selected_columns
    row = namedtuple("Row", columns.keys())
    convert = tuple(c.type.dialect_impl(dialect).result_processor(dialect, None) for c in columns)
    return row, convert
