"""The offices migration (0019) on a copy of a demo-like database: down to the revision before it
and up again, the data moves into one default district and a platform per town, each project to
its town's platform, a trading's notices and draws after their project; and the append-only
triggers (audit_entries, notices, draws) are still there, and still refuse, after the downgrade
and after the upgrade — on SQLite (where a table copy would lose them) and on PostgreSQL."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from flask_migrate import downgrade, upgrade
from sqlalchemy import create_engine, make_url, text

from app import create_app
from app.extensions import db
from config import TestingConfig, _normalise_db_url
from tests.conftest import PG_URL, ROOT
from tests.factories import make_office, make_user
from tests.trading_factories import active_pool, announced, drawn

BEFORE_OFFICES = "9d4e2b7c1a60"
MIGRATIONS = str(Path(ROOT) / "migrations")
TOWNS = ("庄桥街道", "洪塘街道")

#: The append-only guards each dialect must keep: (table, trigger name).
TRIGGERS = {
    "sqlite": {
        ("audit_entries", "audit_entries_no_update"),
        ("audit_entries", "audit_entries_no_delete"),
        ("notices", "notices_published_no_delete"),
        ("notices", "notices_published_immutable"),
        ("draws", "draws_no_delete"),
        ("draws", "draws_closed_immutable"),
        ("draws", "draws_commitment_frozen"),
    },
    "postgresql": {
        ("audit_entries", "audit_entries_append_only"),
        ("notices", "notices_published_immutable"),
        ("draws", "draws_one_shot"),
    },
}


@pytest.fixture(params=["sqlite"] + (["postgresql"] if PG_URL else []))
def empty_database(request, tmp_path):
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'offices.sqlite3'}"
        return
    admin_url = make_url(_normalise_db_url(PG_URL))
    name = f"smallworks_offices_{os.getpid()}_{os.urandom(3).hex()}"
    admin = create_engine(admin_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    yield admin_url.set(database=name).render_as_string(hide_password=False)
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    admin.dispose()


def _triggers() -> set[tuple[str, str]]:
    if db.engine.dialect.name == "sqlite":
        sql = "SELECT tbl_name, name FROM sqlite_master WHERE type = 'trigger'"
    else:
        sql = (
            "SELECT c.relname, t.tgname FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid"
            " WHERE NOT t.tgisinternal"
        )
    return {tuple(r) for r in db.session.execute(text(sql))}


def _refused(sql: str, **params) -> bool:
    """Whether the database refuses `sql` (an update or delete of an append-only row)."""
    try:
        db.session.execute(text(sql), params)
        db.session.flush()
    except Exception:  # the trigger's error, whatever the driver calls it
        db.session.rollback()
        return True
    db.session.rollback()
    return False


def _assert_guards_hold(dialect: str) -> None:
    assert TRIGGERS[dialect] <= _triggers()
    audit_id = db.session.scalar(text("SELECT MIN(id) FROM audit_entries"))
    assert _refused("UPDATE audit_entries SET action = 'x' WHERE id = :i", i=audit_id)
    assert _refused("DELETE FROM audit_entries WHERE id = :i", i=audit_id)
    notice_id = db.session.scalar(
        text("SELECT MIN(id) FROM notices WHERE published_at IS NOT NULL")
    )
    assert _refused("UPDATE notices SET title = 'x' WHERE id = :i", i=notice_id)
    draw_id = db.session.scalar(text("SELECT MIN(draw_id) FROM draws WHERE status = 'drawn'"))
    assert _refused("UPDATE draws SET result = '[]' WHERE draw_id = :i", i=draw_id)
    assert _refused("DELETE FROM draws WHERE draw_id = :i", i=draw_id)
    db.session.rollback()  # no open read while a migration alters the tables


def _counts() -> dict[str, int]:
    tables = ("users", "projects", "tradings", "notices", "draws", "audit_entries", "pool_calls")
    return {t: db.session.scalar(text(f"SELECT COUNT(*) FROM {t}")) for t in tables}


def _columns(table: str) -> set[str]:
    from sqlalchemy import inspect

    return {c["name"] for c in inspect(db.engine).get_columns(table)}


def test_down_and_up_again_keeps_the_data_and_the_append_only_triggers(empty_database, tmp_path):
    app = create_app(
        TestingConfig,
        SQLALCHEMY_DATABASE_URI=empty_database,
        UPLOAD_FOLDER=str(tmp_path / "uploads"),
        BUILT_FOLDER=str(tmp_path / "built"),
        OFFICE_NAME="江北区公共资源交易管理办公室",
    )
    with app.app_context():
        dialect = db.engine.dialect.name
        upgrade(directory=MIGRATIONS)
        # A demo-like database at head: the pool, two towns' platforms, a drawn trading in one
        # and an announced one in the other, a project with a blank town, published notices,
        # audit entries, draws.
        phase = active_pool()
        platforms = {town: make_office(f"p{i}", town) for i, town in enumerate(TOWNS)}
        owner = make_user("owner")
        drawn(phase, owner, town=TOWNS[0], office_id=platforms[TOWNS[0]].id)
        announced(
            phase,
            owner,
            name="洪塘街道某村道路工程",
            town=TOWNS[1],
            office_id=platforms[TOWNS[1]].id,
        )
        db.session.commit()
        before = _counts()
        db.session.rollback()
        _assert_guards_hold(dialect)

        downgrade(directory=MIGRATIONS, revision=BEFORE_OFFICES)
        db.session.remove()
        for table in ("users", "projects", "notices", "draws", "audit_entries"):
            assert "office_id" not in _columns(table)
        assert _counts() == before
        _assert_guards_hold(dialect)

        upgrade(directory=MIGRATIONS)
        db.session.remove()
        assert _counts() == before
        _assert_guards_hold(dialect)

        offices = db.session.execute(
            text("SELECT id, code, name, kind, parent_id FROM offices ORDER BY id")
        ).all()
        districts = [o for o in offices if o.kind == "district"]
        assert [(d.code, d.name) for d in districts] == [
            ("district", "江北区公共资源交易管理办公室")
        ]
        district = districts[0].id
        platform_of = {o.name: o.id for o in offices if o.kind == "street"}
        assert set(platform_of) == set(TOWNS)
        assert all(o.parent_id == district for o in offices if o.kind == "street")

        # Every project on its town's platform; its tradings' notices and draws follow it.
        for code, town, office_id in db.session.execute(
            text("SELECT code, town, office_id FROM projects")
        ):
            assert office_id == platform_of[town], code
        rows = db.session.execute(
            text(
                "SELECT p.office_id, n.office_id, t.award_draw_id, t.rate_draw_id"
                " FROM tradings t JOIN projects p ON p.id = t.project_id"
                " JOIN notices n ON n.id = t.notice_id"
            )
        ).all()
        assert len(rows) == 2
        for project_office, notice_office, award, rate in rows:
            assert notice_office == project_office
            for draw_id in (award, rate):
                if draw_id is not None:
                    assert (
                        db.session.scalar(
                            text("SELECT office_id FROM draws WHERE draw_id = :d"), {"d": draw_id}
                        )
                        == project_office
                    )
        # The pool and every staff account are the district's; a company's account is no
        # office's.
        assert {
            r for (r,) in db.session.execute(text("SELECT DISTINCT office_id FROM pool_calls"))
        } == {district}
        for role, office_id in db.session.execute(text("SELECT role, office_id FROM users")):
            assert office_id == (None if role == "contractor" else district), role
        db.session.remove()
        db.engine.dispose()
