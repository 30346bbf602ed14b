"""Shared fixtures: a migrated database (SQLite, and PostgreSQL when TEST_DATABASE_URL is set), the
app, a client that logs in as a role, a settable clock, and factories as plain functions."""

from __future__ import annotations

import os
import secrets
import shutil
from datetime import datetime
from pathlib import Path

import pytest
from sqlalchemy import create_engine, make_url, text

from app import clock, create_app
from app.extensions import db, limiter
from config import TestingConfig, _normalise_db_url
from tests.factories import Browser, signed_in

ROOT = Path(__file__).resolve().parent.parent
PG_URL = os.environ.get("TEST_DATABASE_URL")
BACKENDS = ["sqlite"] + (["postgresql"] if PG_URL else [])


def _migrate(url: str, tmp: Path) -> None:
    """Build the schema the way production does: by running the migrations."""
    from flask_migrate import upgrade

    app = create_app(TestingConfig, SQLALCHEMY_DATABASE_URI=url, UPLOAD_FOLDER=str(tmp / "uploads"))
    with app.app_context():
        upgrade(directory=str(ROOT / "migrations"))
        db.engine.dispose()


@pytest.fixture(scope="session")
def sqlite_template(tmp_path_factory) -> Path:
    tmp = tmp_path_factory.mktemp("sqlite-template")
    path = tmp / "template.sqlite3"
    _migrate(f"sqlite:///{path}", tmp)
    return path


@pytest.fixture(scope="session")
def pg_url(tmp_path_factory):
    """A database of this test run's own beside TEST_DATABASE_URL's, so parallel runs never meet."""
    admin_url = make_url(_normalise_db_url(PG_URL))
    name = f"smallworks_test_{os.getpid()}_{secrets.token_hex(3)}"
    admin = create_engine(admin_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    url = admin_url.set(database=name).render_as_string(hide_password=False)
    _migrate(url, tmp_path_factory.mktemp("pg"))
    yield url
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    admin.dispose()


#: Tables the migrations fill with data (categories, fail reasons): kept between tests.
REFERENCE_TABLES = ("alembic_version", "pool_categories", "pool_fail_reasons")


def _truncate_pg(url: str) -> None:
    engine = create_engine(url)
    with engine.begin() as conn:
        tables = conn.execute(
            text(
                "SELECT tablename FROM pg_tables WHERE schemaname='public' AND tablename NOT IN "
                f"({', '.join(repr(t) for t in REFERENCE_TABLES)})"
            )
        ).scalars()
        names = ", ".join(f'"{t}"' for t in tables)
        if names:
            # TRUNCATE skips row triggers: the append-only guards stay in place for the tests.
            conn.execute(text(f"TRUNCATE {names} RESTART IDENTITY CASCADE"))
    engine.dispose()


@pytest.fixture(params=BACKENDS)
def database_url(request, tmp_path) -> str:
    if request.param == "sqlite":
        path = tmp_path / "test.sqlite3"
        shutil.copyfile(request.getfixturevalue("sqlite_template"), path)
        return f"sqlite:///{path}"
    url = request.getfixturevalue("pg_url")
    _truncate_pg(url)
    return url


@pytest.fixture
def app(database_url, tmp_path):
    app = create_app(
        TestingConfig,
        SQLALCHEMY_DATABASE_URI=database_url,
        UPLOAD_FOLDER=str(tmp_path / "uploads"),
    )
    limiter.reset()
    with app.app_context():
        yield app
        db.session.remove()
        db.engine.dispose()


@pytest.fixture(autouse=True)
def _real_clock_after_each_test():
    yield
    clock.reset()


@pytest.fixture
def now():
    """Freeze the clock: `now(2026, 11, 27, 9, 30)` sets Asia/Shanghai local time."""

    def set_local(*args) -> datetime:
        moment = datetime(*args, tzinfo=clock.TZ)
        clock.set_now(moment)
        return moment

    return set_local


@pytest.fixture
def client(app):
    return Browser(app)


@pytest.fixture
def login_as(app):
    """`login_as("staff")` → a Browser logged in as a new account of that role (and the user)."""

    def login(role: str):
        return signed_in(app, role)

    return login


@pytest.fixture
def fake():
    """The fake Twilio HTTP server (tests/fake_twilio.py), running for one test."""
    from tests.fake_twilio import FakeTwilio

    server = FakeTwilio()
    yield server
    server.close()


@pytest.fixture
def twilio_app(database_url, tmp_path, fake):
    """The app with the `twilio` backend: the real client pointed at the fake server."""
    from tests.fake_twilio import make_app, twilio_settings

    app = make_app(database_url, tmp_path, **twilio_settings(fake))
    with app.app_context():
        yield app
        db.session.remove()
        db.engine.dispose()
