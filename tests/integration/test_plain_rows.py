"""app.reads.plain_rows (issue 14): a statement of columns read on the driver gives the rows
SQLAlchemy gives — the same values, read by name or position — and the engine still sees it."""

from __future__ import annotations

from sqlalchemy import bindparam, event, select

from app import reads
from app.auth.models import User
from app.extensions import db
from tests.factories import make_user

#: Ints and texts, with a parameter.
BY_ROLE = (
    select(User.id, User.username, User.role)
    .where(User.role == bindparam("role"))
    .order_by(User.id)
)
#: A moment: its type converts what the driver gives (an aware datetime).
WITH_MOMENT = select(User.id, User.created_at).order_by(User.id)


def test_plain_rows_are_the_rows_sqlalchemy_reads(app):
    for i in range(3):
        make_user("staff", username=f"staff{i}")
    make_user("owner", username="owner0")
    plain = reads.plain_rows(BY_ROLE, {"role": "staff"})
    assert [tuple(r) for r in plain] == [tuple(r) for r in reads.rows(BY_ROLE, {"role": "staff"})]
    assert [r.username for r in plain] == ["staff0", "staff1", "staff2"]
    assert plain[0][1] == plain[0].username and plain[0].role == "staff"


def test_a_column_whose_type_converts_reads_as_sqlalchemy_reads_it(app):
    make_user("staff")
    plain = reads.plain_rows(WITH_MOMENT)
    assert [tuple(r) for r in plain] == [tuple(r) for r in reads.rows(WITH_MOMENT)]
    assert plain[0].created_at.tzinfo is not None  # the column type's conversion, as before


def test_a_listening_engine_sees_each_statement(app):
    """The tests that count statements (no N+1) count these too."""
    make_user("staff")
    seen = []

    def count(_conn, _cursor, statement, *_args):
        seen.append(statement)

    event.listen(db.engine, "before_cursor_execute", count)
    try:
        db.session.remove()
        rows = reads.plain_rows(BY_ROLE, {"role": "staff"})
    finally:
        event.remove(db.engine, "before_cursor_execute", count)
    assert len(rows) == 1 and len(seen) == 1 and "FROM users" in seen[0]


def test_with_nothing_watching_the_driver_reads_it_without_sqlalchemys_execution(app, monkeypatch):
    """`exec_driver_sql` costs ~50 calls a statement: taken only while something watches."""
    from sqlalchemy.engine import Connection

    make_user("staff")
    expected = [tuple(r) for r in reads.rows(BY_ROLE, {"role": "staff"})]

    def refuse(*_args, **_kwargs):
        raise AssertionError("exec_driver_sql with nothing watching")

    monkeypatch.setattr(Connection, "exec_driver_sql", refuse)
    db.session.remove()
    assert [tuple(r) for r in reads.plain_rows(BY_ROLE, {"role": "staff"})] == expected
    assert reads.constant_rows(select(User.username).where(User.id == 0)) == []


def test_a_second_engine_on_the_same_database_reads_the_sql_compiled_for_the_first(
    app, database_url, tmp_path
):
    """The compiled SQL is kept per process and kind of database, not per engine: the tests
    build an engine per app, and compiling the pages' kept statements again for each was most
    of a test's first page. Another kind of database compiles its own."""
    from sqlalchemy.dialects import postgresql, sqlite

    from tests.conftest import build_app

    make_user("staff", username="staff0")
    query = select(User.id, User.username).where(User.role == bindparam("role"))
    assert [r.username for r in reads.plain_rows(query, {"role": "staff"})] == ["staff0"]
    first = db.engine.dialect
    compiled = reads._compiled(query, reads._kind(first))[0]
    db.session.remove()
    other = build_app(database_url, tmp_path)
    with other.app_context():
        assert db.engine.dialect is not first
        before = reads._compiled.cache_info()
        assert [r.username for r in reads.plain_rows(query, {"role": "staff"})] == ["staff0"]
        after = reads._compiled.cache_info()
        assert (after.hits - before.hits, after.misses - before.misses) == (1, 0)
        assert reads._compiled(query, reads._kind(db.engine.dialect))[0] is compiled
        db.session.remove()
        db.engine.dispose()
    other_kind = postgresql.psycopg.dialect() if first.name == "sqlite" else sqlite.dialect()
    assert reads.Kind(other_kind) != reads.Kind(first)
