"""Backups and their restore: `flask backup create DIR` and `flask backup restore DIR`.

A backup is a folder: the database (PostgreSQL: `pg_dump --format=custom`; SQLite: the online
backup API), every uploaded file a row refers to, and `manifest.json` listing the files with
their SHA-256, the schema revision and the row counts that matter (notices, draws, audit
entries). The database and the list of files are taken from one snapshot — PostgreSQL exports
its snapshot to pg_dump and reads the referenced keys in the same transaction; SQLite's copy is
read back — so the backup never names a file it does not hold.

`restore` refuses a database that already has tables and an upload store that already holds a
file it would overwrite, checks every file against its hash, and ends by walking the audit
chain on the restored database (as `flask audit verify` does). Seeds and keys are not in a
backup: DRAW_SEED_KEY and SECRET_KEY live in the secrets store (docs/deploy.md).
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import sqlite3
import subprocess
from datetime import UTC, datetime
from pathlib import Path

import click
from flask import current_app
from flask.cli import AppGroup
from sqlalchemy import create_engine, func, inspect, make_url, select, text

from app.extensions import db
from app.storage import get_storage, stored_file_columns

backup_cli = AppGroup("backup", help="Take a backup (database + uploads) or restore one.")

FORMAT = 1
MANIFEST = "manifest.json"
COUNTED = ("notices", "draws", "audit_entries", "projects")


class BackupError(click.ClickException):
    """A backup that cannot be taken or restored: the command stops with this message (exit 1)."""


def _libpq(url) -> tuple[str, dict]:
    """A libpq connection string without its password, and the environment that carries it."""
    env = dict(os.environ)
    if url.password:
        env["PGPASSWORD"] = url.password
    plain = url.set(drivername="postgresql", password=None)
    return plain.render_as_string(hide_password=False), env


def _program(name: str) -> str:
    """PostgreSQL's client program `name` (same major version as the server, or newer)."""
    found = shutil.which(name)
    if found is None:
        raise BackupError(f"{name} is not installed (Debian: apt-get install postgresql-client)")
    return found


def _referenced(conn) -> set[str]:
    keys: set[str] = set()
    for column in stored_file_columns():
        keys.update(conn.scalars(select(column).where(column.is_not(None)).distinct()))
    return keys


def _facts(conn) -> dict:
    revision = conn.execute(text("SELECT version_num FROM alembic_version")).scalar()
    tables = db.metadata.tables
    counts = {t: conn.scalar(select(func.count()).select_from(tables[t])) for t in COUNTED}
    return {"schema_revision": revision, "counts": counts}


def _dump_postgresql(url, target: Path) -> tuple[set[str], dict]:
    engine = create_engine(url, isolation_level="REPEATABLE READ")
    try:
        with engine.connect() as conn:
            snapshot = conn.execute(text("SELECT pg_export_snapshot()")).scalar()
            dsn, env = _libpq(url)
            done = subprocess.run(  # noqa: S603 - fixed program, our own arguments
                [
                    _program("pg_dump"),
                    "--format=custom",
                    "--no-owner",
                    "--no-privileges",
                    f"--snapshot={snapshot}",
                    f"--file={target}",
                    f"--dbname={dsn}",
                ],
                env=env,
                capture_output=True,
                text=True,
            )
            if done.returncode != 0:
                raise BackupError(f"pg_dump failed: {done.stderr.strip()}")
            return _referenced(conn), _facts(conn)
    finally:
        engine.dispose()


def _dump_sqlite(url, target: Path) -> tuple[set[str], dict]:
    source = sqlite3.connect(url.database)
    copy = sqlite3.connect(target)
    try:
        source.backup(copy)
    finally:
        source.close()
        copy.close()
    engine = create_engine(f"sqlite:///{target}")
    try:
        with engine.connect() as conn:
            return _referenced(conn), _facts(conn)
    finally:
        engine.dispose()


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def create(folder: Path) -> dict:
    """Write a backup into `folder` (created; must not exist yet). Returns the manifest."""
    url = make_url(current_app.config["SQLALCHEMY_DATABASE_URI"])
    try:
        folder.mkdir(parents=True)
    except FileExistsError:
        raise BackupError(f"{folder} exists already: give a new folder for each backup") from None
    if url.get_backend_name() == "postgresql":
        database = folder / "database.dump"
        keys, facts = _dump_postgresql(url, database)
    else:
        database = folder / "database.sqlite3"
        keys, facts = _dump_sqlite(url, database)
    storage, files = get_storage(), []
    (folder / "uploads").mkdir()
    for key in sorted(keys):
        target = folder / "uploads" / key
        try:
            with storage.open(key) as src, target.open("wb") as out:
                shutil.copyfileobj(src, out)
        except FileNotFoundError:
            raise BackupError(
                f"upload {key} is named by the database but missing from the store "
                "(deleted since the snapshot, or lost): run the backup again, then investigate"
            ) from None
        files.append({"key": key, "bytes": target.stat().st_size, "sha256": _sha256(target)})
    manifest = {
        "format": FORMAT,
        "created_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "database": url.get_backend_name(),
        "database_file": database.name,
        "database_sha256": _sha256(database),
        **facts,
        "files": files,
    }
    (folder / MANIFEST).write_text(json.dumps(manifest, indent=2), encoding="utf-8")
    return manifest


def _read_manifest(folder: Path) -> dict:
    try:
        manifest = json.loads((folder / MANIFEST).read_text(encoding="utf-8"))
    except (OSError, ValueError) as e:
        raise BackupError(f"{folder} holds no readable {MANIFEST}: {e}") from None
    if manifest.get("format") != FORMAT:
        raise BackupError(f"unknown backup format {manifest.get('format')!r}")
    database = folder / manifest["database_file"]
    if not database.is_file() or _sha256(database) != manifest["database_sha256"]:
        raise BackupError(f"{database} is missing or does not match the manifest's hash")
    for f in manifest["files"]:
        path = folder / "uploads" / f["key"]
        if not path.is_file() or _sha256(path) != f["sha256"]:
            raise BackupError(f"upload {f['key']} is missing or does not match its hash")
    return manifest


def restore(folder: Path) -> dict:
    """Restore the backup in `folder` into the configured database (which must be empty) and
    upload store. Returns the manifest; raises BackupError, having written nothing, when the
    backup is damaged or the target is not empty."""
    manifest = _read_manifest(folder)
    url = make_url(current_app.config["SQLALCHEMY_DATABASE_URI"])
    if url.get_backend_name() != manifest["database"]:
        raise BackupError(
            f"this backup is of a {manifest['database']} database; the configured one is "
            f"{url.get_backend_name()}"
        )
    tables = inspect(db.engine).get_table_names()
    db.session.remove()
    if tables:
        raise BackupError("the configured database is not empty: restore into a new one")
    storage = get_storage()
    taken = [f["key"] for f in manifest["files"] if _exists(storage, f["key"])]
    if taken:
        raise BackupError(f"the upload store already holds {taken[0]}: restore into an empty one")
    db.engine.dispose()
    database = folder / manifest["database_file"]
    if manifest["database"] == "postgresql":
        dsn, env = _libpq(url)
        done = subprocess.run(  # noqa: S603
            [
                _program("pg_restore"),
                "--no-owner",
                "--no-privileges",
                "--exit-on-error",
                "--single-transaction",
                f"--dbname={dsn}",
                str(database),
            ],
            env=env,
            capture_output=True,
            text=True,
        )
        if done.returncode != 0:
            raise BackupError(f"pg_restore failed: {done.stderr.strip()}")
    else:
        shutil.copyfile(database, url.database)
    for f in manifest["files"]:
        with (folder / "uploads" / f["key"]).open("rb") as src:
            storage.put_at(f["key"], src)
    return manifest


def _exists(storage, key: str) -> bool:
    try:
        storage.open(key).close()
    except FileNotFoundError:
        return False
    return True


@backup_cli.command("create")
@click.argument("folder", type=click.Path(path_type=Path))
def create_command(folder: Path) -> None:
    """Write a backup of the database and its uploads into FOLDER (a new folder)."""
    manifest = create(folder)
    counts = ", ".join(f"{k} {v}" for k, v in manifest["counts"].items())
    click.echo(f"backup written to {folder}: {counts}, {len(manifest['files'])} uploads")


@backup_cli.command("restore")
@click.argument("folder", type=click.Path(exists=True, file_okay=False, path_type=Path))
def restore_command(folder: Path) -> None:
    """Restore the backup in FOLDER into the configured (empty) database and upload store,
    then walk the audit chain."""
    from app.audit import verify_chain

    manifest = restore(folder)
    report = verify_chain()
    with db.engine.connect() as conn:
        counts = _facts(conn)["counts"]
    if counts != manifest["counts"]:
        raise BackupError(f"restored counts {counts} differ from the backup's {manifest['counts']}")
    if not report.ok:
        raise BackupError(f"audit chain BROKEN at entry {report.broken_seq}: {report.reason}")
    click.echo(
        f"restored {folder}: {len(manifest['files'])} uploads; "
        f"audit chain intact: {report.entries} entries"
    )
