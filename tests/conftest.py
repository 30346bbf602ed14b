"""Shared fixtures: a migrated database (SQLite, and PostgreSQL when TEST_DATABASE_URL is set), the
app, a client that logs in as a role, a settable clock, and factories as plain functions."""

from __future__ import annotations

import os
import secrets
import shutil
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime
from pathlib import Path

import pytest
from hypothesis import settings
from jinja2.bccache import Bucket, BytecodeCache
from sqlalchemy import create_engine, event, make_url, text
from sqlalchemy.engine import Engine
from werkzeug.routing import Rule

from app import clock, create_app
from app.extensions import db, limiter
from config import TestingConfig, _normalise_db_url
from tests.factories import Browser, signed_in, use_cheap_password_hashes

# Speed is measured by the benchmarks under bench/, never by tests: hypothesis's per-example
# deadline (200 ms) failed properties on a machine busy with other work.
settings.register_profile("smallworks", deadline=None)
settings.load_profile("smallworks")

ROOT = Path(__file__).resolve().parent.parent
PG_URL = os.environ.get("TEST_DATABASE_URL")
BACKENDS = ["sqlite"] + (["postgresql"] if PG_URL else [])


class _SharedBytecodeCache(BytecodeCache):
    """Compiled templates kept for the whole run: each test builds a new app (and a new Jinja
    environment), and compiling every template again for each was a large share of the time."""

    def __init__(self):
        self._codes: dict[str, bytes] = {}

    def load_bytecode(self, bucket: Bucket) -> None:
        code = self._codes.get(bucket.key)
        if code is not None:
            bucket.bytecode_from_string(code)

    def dump_bytecode(self, bucket: Bucket) -> None:
        self._codes[bucket.key] = bucket.bytecode_to_string()


_BYTECODE = _SharedBytecodeCache()


_BUILDERS: dict[tuple, object] = {}
_compile_builder = Rule._compile_builder


def _shared_url_builder(self, append_unknown: bool = True):
    """Werkzeug compiles a URL-building function for each rule of each new app (two per rule,
    with Python's own compiler): with a new app for each test that was a third of the route
    matrix's time and about a tenth of the suite's. The function depends only on the rule's parsed parts, its defaults and
    `append_unknown` (the rule itself is passed in when it is called), so one compiled for an
    earlier app serves every later one."""
    key = (
        self.rule,
        tuple(self._trace),
        repr(sorted((self.defaults or {}).items())),
        append_unknown,
    )
    builder = _BUILDERS.get(key)
    if builder is None:
        builder = _BUILDERS[key] = _compile_builder(self, append_unknown)
    return builder


Rule._compile_builder = _shared_url_builder


@event.listens_for(Engine, "connect")
def _sqlite_without_fsync(dbapi_connection, _record) -> None:
    """A test's SQLite file lives for one test: SQLite's default waits for the disk at every
    commit (~1–6 ms, a few thousand times a minute). Nothing here outlives a power cut, so the
    test process writes without that wait; what a process killed with -9 wrote is in the OS and
    stays (those tests run the platform in subprocesses, on SQLite's defaults)."""
    if isinstance(dbapi_connection, sqlite3.Connection):
        dbapi_connection.execute("PRAGMA synchronous=OFF")


#: Modules that build their world once (a module-scoped fixture: the demo, a crawled world):
#: under xdist each runs on one worker, so its world is built once, not on every worker that
#: happens to get one of its tests (~30 s a demo).
ONE_WORKER_MODULES = frozenset(
    {
        "tests/e2e/test_accessibility.py",
        "tests/e2e/test_public_journey.py",
        "tests/integration/test_backup.py",
        "tests/integration/test_demo.py",
        "tests/web/test_fuzz_inputs.py",
        "tests/web/test_office_matrix.py",
    }
)


#: Tests of any other module go to the workers in runs of this many (xdist's `load` sends
#: about as many at a time): one at a time, the scheduler walked every unit it had ever sent
#: at each test's end, and a worker waited for its next test.
CHUNK = 25


def pytest_xdist_make_scheduler(config, log):
    """xdist's scope scheduler, in the order the tests were collected (the browser and cluster
    tests, the longest, first): each module of ONE_WORKER_MODULES is one unit, any other
    module's tests go in runs of CHUNK. (xdist's `loadgroup` would read `xdist_group` marks,
    but it renames the tests through an attribute pytest 9 no longer reads, and they spread as
    with `load`.)"""
    if config.getvalue("dist") != "load":
        return None
    from xdist.scheduler import LoadScopeScheduling

    config.option.loadscopereorder = False  # by size would put the long browser tests last

    class ModuleWorlds(LoadScopeScheduling):
        def __init__(self, config, log):
            super().__init__(config, log)
            self._scopes: dict[str, str] = {}
            self._counts: dict[str, int] = {}

        def _split_scope(self, nodeid: str) -> str:
            scope = self._scopes.get(nodeid)
            if scope is None:
                module = nodeid.split("::", 1)[0]
                if module in ONE_WORKER_MODULES:
                    scope = module
                else:
                    seen = self._counts[module] = self._counts.get(module, 0) + 1
                    scope = f"{module}#{(seen - 1) // CHUNK}"
                self._scopes[nodeid] = scope
            return scope

    return ModuleWorlds(config, log)


def pytest_collection_modifyitems(config, items):
    """`sqlite_only` tests keep their SQLite case only (see the marker in pyproject.toml)."""
    kept, dropped = [], []
    for item in items:
        params = getattr(getattr(item, "callspec", None), "params", {})
        if item.get_closest_marker("sqlite_only") and params.get("database_url") == "postgresql":
            dropped.append(item)
        else:
            kept.append(item)
    if dropped:
        config.hook.pytest_deselected(items=dropped)
        items[:] = kept


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


@contextmanager
def blank_pg_database(prefix: str) -> Iterator[str]:
    """An empty PostgreSQL database beside TEST_DATABASE_URL's (`<prefix>_<pid>_<hex>`), its
    URL; dropped afterwards, connections and all."""
    admin_url = make_url(_normalise_db_url(PG_URL))
    name = f"{prefix}_{os.getpid()}_{secrets.token_hex(3)}"
    admin = create_engine(admin_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        yield admin_url.set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


@contextmanager
def own_pg_database(tmp: Path) -> Iterator[str]:
    """A migrated PostgreSQL database beside TEST_DATABASE_URL's, dropped afterwards."""
    with blank_pg_database("smallworks_test") as url:
        _migrate(url, tmp)
        yield url


@pytest.fixture(scope="session")
def pg_url(tmp_path_factory):
    """A database of this test run's own beside TEST_DATABASE_URL's, so parallel runs never meet."""
    with own_pg_database(tmp_path_factory.mktemp("pg")) as url:
        yield url


#: Tables the migrations fill with data (categories, fail reasons): kept between tests.
REFERENCE_TABLES = ("alembic_version", "pool_categories", "pool_fail_reasons")


_pg_engines: dict[str, object] = {}


def _truncate_pg(url: str) -> None:
    """Empty what the previous test wrote. Only the tables it touched — rows present, or an id
    sequence advanced (an insert rolled back leaves no row but moves the sequence) — are
    truncated: TRUNCATE of all ~30 tables costs ~180 ms a test, of the few touched ones far less."""
    engine = _pg_engines.get(url)
    if engine is None:
        engine = _pg_engines[url] = create_engine(url)
    with engine.begin() as conn:
        tables = [
            t
            for t in conn.execute(
                text("SELECT tablename FROM pg_tables WHERE schemaname='public'")
            ).scalars()
            if t not in REFERENCE_TABLES
        ]
        if not tables:
            return
        with_rows = set(
            conn.execute(
                text(
                    " UNION ALL ".join(
                        f"SELECT '{t}' WHERE EXISTS (SELECT 1 FROM \"{t}\")" for t in tables
                    )
                )
            ).scalars()
        )
        # Tables owning a sequence that has been used (serial 'a' or identity 'i' dependency).
        advanced = set(
            conn.execute(
                text(
                    "SELECT d.refobjid::regclass::text FROM pg_depend d "
                    "JOIN pg_class c ON c.oid = d.objid AND c.relkind = 'S' "
                    "JOIN pg_sequences s ON s.sequencename = c.relname "
                    "AND s.schemaname = 'public' "
                    "WHERE d.deptype IN ('a', 'i') AND s.last_value IS NOT NULL"
                )
            ).scalars()
        )
        touched = [t for t in tables if t in with_rows or t in advanced]
        if touched:
            # TRUNCATE skips row triggers: the append-only guards stay in place for the tests.
            names = ", ".join(f'"{t}"' for t in touched)
            conn.execute(text(f"TRUNCATE {names} RESTART IDENTITY CASCADE"))


def empty_database(request, backend: str, tmp_path: Path) -> str:
    """The URL of a migrated, empty database of `backend`: a copy of the SQLite template in
    `tmp_path`, or the run's PostgreSQL database emptied. (A module-scoped fixture may call it
    too: tests/web/test_office_matrix.py builds its world once per database.)"""
    if backend == "sqlite":
        path = tmp_path / "test.sqlite3"
        shutil.copyfile(request.getfixturevalue("sqlite_template"), path)
        return f"sqlite:///{path}"
    url = request.getfixturevalue("pg_url")
    _truncate_pg(url)
    return url


def build_app(database_url: str, tmp_path: Path, **overrides):
    """The app of a test on `database_url`, its uploads and built PDFs in `tmp_path` (and any
    other setting given, e.g. PAGE_CACHE=True)."""
    app = create_app(
        TestingConfig,
        SQLALCHEMY_DATABASE_URI=database_url,
        UPLOAD_FOLDER=str(tmp_path / "uploads"),
        # Built PDFs (app.built) in the test's own folder, not in the repository's instance/.
        BUILT_FOLDER=str(tmp_path / "built"),
        **overrides,
    )
    app.jinja_env.bytecode_cache = _BYTECODE
    limiter.reset()
    return app


@pytest.fixture(autouse=True)
def _password_hashes(request, monkeypatch):
    """argon2id at its recommended cost takes ~0.15 s a hash, and the pool's factories make ten
    accounts for a test: a tenth of the suite's time went into hashing passwords nobody tests
    there.
    Its cost is kept where it is under test: files marked `real_password_hashes` (sign-in and
    accounts)."""
    if request.node.get_closest_marker("real_password_hashes") is None:
        use_cheap_password_hashes(monkeypatch)


@pytest.fixture(params=BACKENDS)
def database_url(request, tmp_path) -> str:
    return empty_database(request, request.param, tmp_path)


@pytest.fixture
def app(database_url, tmp_path):
    app = build_app(database_url, tmp_path)
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


@pytest.fixture(scope="session")
def moto_s3() -> Iterator[str]:
    """A real S3 API on a free loopback port (moto's server mode), for the whole run: its URL.
    Each test that uses it makes a bucket of its own (`s3_settings`)."""
    from moto.server import ThreadedMotoServer

    url = closed_port()  # free now; the server takes it
    server = ThreadedMotoServer(
        ip_address="127.0.0.1", port=int(url.rsplit(":", 1)[1]), verbose=False
    )
    server.start()
    yield url
    server.stop()


def closed_port() -> str:
    """The address of a loopback port nothing listens on (a store that cannot be reached)."""
    import socket

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return f"http://127.0.0.1:{probe.getsockname()[1]}"


def s3_settings(endpoint: str, *, bucket: str | None = None, create: bool = True) -> dict:
    """Settings for the `s3` storage backend at `endpoint`, in a new bucket (made unless
    `create` is false)."""
    from app.s3storage import s3_client

    settings = {
        "STORAGE_BACKEND": "s3",
        "S3_ENDPOINT_URL": endpoint,
        "S3_REGION": "us-east-1",
        "S3_ACCESS_KEY_ID": "testing",
        "S3_SECRET_ACCESS_KEY": "testing",
        "S3_BUCKET": bucket or f"sw-{secrets.token_hex(6)}",
        "S3_PREFIX": "uploads/",
        "S3_CONNECT_TIMEOUT": 1,
    }
    if create:
        s3_client(settings).create_bucket(Bucket=settings["S3_BUCKET"])
    return settings


@pytest.fixture(params=["local", "s3"])
def storage_app(request, database_url, tmp_path):
    """The app with uploads in a local folder, then in an S3 bucket (moto's server)."""
    extra = s3_settings(request.getfixturevalue("moto_s3")) if request.param == "s3" else {}
    app = build_app(database_url, tmp_path, **extra)
    with app.app_context():
        yield app
        db.session.remove()
        db.engine.dispose()
