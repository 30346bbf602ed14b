"""Backups restore completely: the demo's database and uploads, restored into an empty database
and upload store, give the same rows, the same files and an intact audit chain ([Production]
item 6)."""

from __future__ import annotations

import json
import secrets
import shutil
from contextlib import ExitStack
from dataclasses import dataclass
from pathlib import Path

import pytest
from sqlalchemy import create_engine, make_url, select, text

from app.extensions import db
from app.storage import get_storage, referenced_keys
from config import _normalise_db_url
from tests.conftest import PG_URL, build_app, empty_database, own_pg_database
from tests.factories import use_cheap_password_hashes

# One demo backup per database for the module (`flask demo` took ~12 s a test on PostgreSQL):
# the tests restore it, damage a copy of it or refuse to write over it. In ONE_WORKER_MODULES.


@dataclass(frozen=True)
class DemoBackup:
    folder: Path  # what `flask backup create` wrote of the demo; never written to by a test
    before: dict  # the demo's rows and files (_snapshot) when it was backed up


def _demo_backup(backend: str, tmp: Path, stack: ExitStack, request) -> DemoBackup:
    """`flask demo`, then `flask backup create`, on a database of `backend` of its own."""
    if backend == "sqlite":
        url = empty_database(request, "sqlite", tmp)
    else:
        url = stack.enter_context(own_pg_database(tmp))
    app = build_app(url, tmp)
    app.config["SMS_RATE_PER_SECOND"] = 1000
    with app.app_context():
        runner = app.test_cli_runner()
        assert runner.invoke(args=["demo"]).exit_code == 0
        folder = tmp / "backup"
        result = runner.invoke(args=["backup", "create", str(folder)])
        assert result.exit_code == 0, result.output
        before = _snapshot()
        db.session.remove()
        db.engine.dispose()
    return DemoBackup(folder, before)


@pytest.fixture(scope="module")
def demos(request, tmp_path_factory):
    """backend → its DemoBackup, made when a test first asks for it, kept for the module."""
    made: dict[str, DemoBackup] = {}
    with ExitStack() as stack:
        use_cheap_password_hashes(stack.enter_context(pytest.MonkeyPatch.context()))

        def of(backend: str) -> DemoBackup:
            if backend not in made:
                tmp = tmp_path_factory.mktemp(f"backup-demo-{backend}")
                made[backend] = _demo_backup(backend, tmp, stack, request)
            return made[backend]

        yield of


@pytest.fixture
def demo(demos, database_url) -> DemoBackup:
    """The demo's backup on the test's kind of database."""
    return demos("sqlite" if database_url.startswith("sqlite") else "postgresql")


@pytest.fixture
def demo_backup(demo, tmp_path) -> Path:
    """A copy of the demo's backup, the test's own to damage."""
    return Path(shutil.copytree(demo.folder, tmp_path / "backup"))


@pytest.fixture
def empty_target(database_url, tmp_path):
    """A new, empty database of the same kind, dropped afterwards."""
    if database_url.startswith("sqlite"):
        yield f"sqlite:///{tmp_path / 'restored.sqlite3'}"
        return
    admin_url = make_url(_normalise_db_url(PG_URL))
    name = f"smallworks_restore_{secrets.token_hex(4)}"
    admin = create_engine(admin_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        yield admin_url.set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


def _snapshot() -> dict:
    from lottery.models import Draw
    from notices.models import Notice

    storage = get_storage()
    files = {}
    for key in referenced_keys():
        with storage.open(key) as f:
            files[key] = f.read()
    return {
        "notices": sorted(db.session.scalars(select(Notice.id))),
        "draws": sorted(db.session.scalars(select(Draw.id))),
        "audit": db.session.scalar(text("SELECT count(*) FROM audit_entries")),
        "files": files,
    }


def test_a_restored_backup_has_every_notice_draw_upload_and_an_intact_audit_chain(
    demo, demo_backup, empty_target, tmp_path
):
    before = demo.before
    assert before["files"], "the demo should hold uploads for this test to mean something"
    manifest = json.loads((demo_backup / "manifest.json").read_text())
    assert {f["key"] for f in manifest["files"]} == set(before["files"])

    restored = build_app(empty_target, tmp_path / "restored")
    with restored.app_context():
        result = restored.test_cli_runner().invoke(args=["backup", "restore", str(demo_backup)])
        assert result.exit_code == 0, result.output
        assert "audit chain intact" in result.output
        assert _snapshot() == before
        verify = restored.test_cli_runner().invoke(args=["audit", "verify"])
        assert verify.exit_code == 0, verify.output
        db.session.remove()
        db.engine.dispose()


def test_a_backup_is_not_restored_over_a_database_that_has_tables(app, demo_backup):
    """The test's database is migrated and empty: its tables are enough to refuse."""
    result = app.test_cli_runner().invoke(args=["backup", "restore", str(demo_backup)])
    assert result.exit_code != 0
    assert "not empty" in result.output


def test_a_damaged_backup_is_refused_before_anything_is_written(
    demo_backup, empty_target, tmp_path
):
    manifest = json.loads((demo_backup / "manifest.json").read_text())
    damaged = demo_backup / "uploads" / manifest["files"][0]["key"]
    damaged.write_bytes(damaged.read_bytes() + b"x")

    restored = build_app(empty_target, tmp_path / "restored")
    with restored.app_context():
        result = restored.test_cli_runner().invoke(args=["backup", "restore", str(demo_backup)])
        assert result.exit_code != 0
        assert manifest["files"][0]["key"] in result.output
        from sqlalchemy import inspect

        assert inspect(db.engine).get_table_names() == []
        assert not list(get_storage().entries())
        db.engine.dispose()


def test_a_backup_needs_a_new_folder(app, demo_backup):
    result = app.test_cli_runner().invoke(args=["backup", "create", str(demo_backup)])
    assert result.exit_code != 0
    assert "exists already" in result.output


@pytest.mark.sqlite_only  # the object store is under test here, not the database
def test_a_backup_of_uploads_in_s3_restores_into_a_new_bucket(
    database_url, empty_target, moto_s3, tmp_path
):
    from tests.conftest import s3_settings

    source = build_app(database_url, tmp_path, **s3_settings(moto_s3))
    folder = tmp_path / "backup"
    with source.app_context():
        runner = source.test_cli_runner()
        assert runner.invoke(args=["demo"]).exit_code == 0
        result = runner.invoke(args=["backup", "create", str(folder)])
        assert result.exit_code == 0, result.output
        before = _snapshot()
        assert before["files"]
        db.session.remove()
        db.engine.dispose()

    restored = build_app(empty_target, tmp_path / "restored", **s3_settings(moto_s3))
    with restored.app_context():
        result = restored.test_cli_runner().invoke(args=["backup", "restore", str(folder)])
        assert result.exit_code == 0, result.output
        assert _snapshot() == before
        assert {e.name for e in get_storage().entries()} == set(before["files"])
        db.session.remove()
        db.engine.dispose()
