"""Seeds encrypted at rest: no seed in clear in the database before the reveal, a wrong key or a
moved ciphertext draws nothing, the key rotates, production needs its key, the migration seals."""

from __future__ import annotations

import base64
import os
import stat
from pathlib import Path

import pytest
from flask_migrate import downgrade, upgrade
from sqlalchemy import create_engine, make_url, select, text

from app import create_app
from app.audit import AuditEntry, verify_chain
from app.extensions import db
from config import ConfigError, TestingConfig, _normalise_db_url
from lottery import engine, seeds, services, verify
from lottery.errors import SeedUnavailable
from tests.conftest import PG_URL, ROOT
from tests.factories import make_user
from tests.integration.test_lottery_services import (
    CODES,
    commit_award,
    commit_rate,
    draw_as_shown,
    record_of,
    secret_seed,
    snapshot,
)

KEY_1, KEY_2 = os.urandom(32), os.urandom(32)


def use_keys(app, current: bytes, *old: bytes) -> None:
    """The keys the running app would have loaded from DRAW_SEED_KEY / DRAW_SEED_OLD_KEYS."""
    app.extensions["draw_seed_keyring"] = seeds.Keyring(current, old)


def raw_row(draw_id: str) -> dict:
    db.session.expire_all()
    row = db.session.execute(
        text("SELECT * FROM draws WHERE draw_id = :id"), {"id": draw_id}
    ).mappings()
    return dict(row.one())


def clear_forms(seed_hex: str) -> list[bytes]:
    """Every way a seed could sit in a row in clear: hex either case, raw bytes, base64."""
    seed = bytes.fromhex(seed_hex)
    return [
        seed_hex.encode(),
        seed_hex.upper().encode(),
        seed,
        base64.b64encode(seed).rstrip(b"="),
        base64.urlsafe_b64encode(seed).rstrip(b"="),
    ]


def _bytes(value) -> bytes:
    if value is None:
        return b""
    if isinstance(value, bytes | bytearray | memoryview):
        return bytes(value)
    return str(value).encode()


def test_a_committed_draw_s_row_holds_its_seed_in_no_readable_form(app):
    staff = make_user("staff")
    for d in (commit_award(staff), commit_rate(staff)):
        seed = secret_seed(d)
        row = raw_row(d.draw_id)
        assert row["seed"] is None and row["sealed_seed"].startswith(
            seeds.key_id(seeds.keyring().current) + ":"
        )
        stored = b"\n".join(_bytes(v) for v in row.values())
        for form in clear_forms(seed):
            assert form not in stored
        # The commitment still holds: what the draw will open is what was committed.
        assert engine.commitment(bytes.fromhex(seed)) == row["seed_commitment"]

    # Once drawn the seed is public, in the row and in the record exactly as before.
    d = commit_award(staff, draw_id="PRJ-2026-0008-award")
    seed = secret_seed(d)
    draw_as_shown(d.draw_id, ["37"], CODES, actor=staff)
    row = raw_row(d.draw_id)
    assert row["seed"] == seed and row["sealed_seed"] is None
    record = record_of(d.draw_id)
    assert record["seed"] == seed and verify.verify_record(record).ok


def test_the_database_refuses_a_committed_draw_with_its_seed_in_clear(app):
    d = commit_rate()
    with pytest.raises(Exception, match=r"(?i)check|constraint"):
        db.session.execute(
            text("UPDATE draws SET seed = :s WHERE draw_id = :id"),
            {"s": "0" * 64, "id": d.draw_id},
        )
        db.session.flush()
    db.session.rollback()


def test_a_seed_sealed_under_a_key_no_longer_configured_draws_nothing(app):
    staff = make_user("staff")
    use_keys(app, KEY_1)
    d = commit_award(staff, candidates=CODES)
    services.show_pending_entropy(d.draw_id, ["37"], actor=staff)
    before = snapshot(d.draw_id)
    use_keys(app, KEY_2)  # KEY_1 lost, or left out of DRAW_SEED_OLD_KEYS
    with pytest.raises(SeedUnavailable) as e:
        services.draw(d.draw_id, ["37"], actor=staff)
    assert seeds.key_id(KEY_1) in e.value.message and "未配置" in e.value.message
    assert "DRAW_SEED_OLD_KEYS" in e.value.message_en
    with pytest.raises(SeedUnavailable):
        services.abandon(d.draw_id, "会议取消", actor=staff)
    assert snapshot(d.draw_id) == before
    # With the old key configured again, the same draw draws.
    use_keys(app, KEY_2, KEY_1)
    assert services.draw(d.draw_id, ["37"], actor=staff).status == "drawn"
    assert verify.verify_record(record_of(d.draw_id)).ok


def test_a_sealed_seed_copied_onto_another_draw_does_not_open(app):
    staff = make_user("staff")
    first = commit_award(staff, candidates=CODES)
    other = commit_award(staff, draw_id="PRJ-2026-0008-award", candidates=CODES)
    db.session.execute(
        text("UPDATE draws SET sealed_seed = :s WHERE draw_id = :id"),
        {"s": raw_row(first.draw_id)["sealed_seed"], "id": other.draw_id},
    )
    db.session.commit()
    services.show_pending_entropy(other.draw_id, ["37"], actor=staff)
    before = snapshot(other.draw_id)
    with pytest.raises(SeedUnavailable, match="无法解密") as e:
        services.draw(other.draw_id, ["37"], actor=staff)
    assert "belongs to another draw" in e.value.message_en
    assert snapshot(other.draw_id) == before


def test_a_seed_sealed_with_the_key_but_not_the_committed_one_is_refused(app):
    """Whoever holds the key and the database cannot swap the seed after the commitment."""
    staff = make_user("staff")
    d = commit_award(staff, candidates=CODES)
    forged = seeds.keyring().seal(os.urandom(32), d.draw_id)
    db.session.execute(
        text("UPDATE draws SET sealed_seed = :s WHERE draw_id = :id"),
        {"s": forged, "id": d.draw_id},
    )
    db.session.commit()
    services.show_pending_entropy(d.draw_id, ["37"], actor=staff)
    with pytest.raises(SeedUnavailable, match="种子承诺不一致"):
        services.draw(d.draw_id, ["37"], actor=staff)
    assert services.get(d.draw_id).status == "committed"


def test_rotation_seals_every_committed_seed_under_the_new_key_in_one_audited_step(app):
    staff = make_user("staff")
    use_keys(app, KEY_1)
    award, rate = commit_award(staff, candidates=CODES), commit_rate(staff)
    drawn = commit_award(staff, draw_id="PRJ-2026-0001-award", candidates=CODES)
    draw_as_shown(drawn.draw_id, ["1"], actor=staff)
    secret = {d.draw_id: secret_seed(d) for d in (award, rate)}
    drawn_row = raw_row(drawn.draw_id)

    # The operator sets DRAW_SEED_KEY=new, DRAW_SEED_OLD_KEYS=old, restarts, then rotates.
    use_keys(app, KEY_2, KEY_1)
    result = app.test_cli_runner().invoke(args=["draws", "rotate-seed-key"])
    assert result.exit_code == 0, result.output
    assert "2 resealed" in result.output and seeds.key_id(KEY_2) in result.output
    for draw_id, seed in secret.items():
        row = raw_row(draw_id)
        assert row["sealed_seed"].startswith(seeds.key_id(KEY_2) + ":")
        assert seed.encode() not in _bytes(row["sealed_seed"])
    assert raw_row(drawn.draw_id) == drawn_row  # a drawn record is never touched
    entry = db.session.scalar(select(AuditEntry).where(AuditEntry.action == "draw:seeds_resealed"))
    assert entry.after == {"key_id": seeds.key_id(KEY_2), "draws": sorted(secret)}
    assert entry.before == {"key_ids": {seeds.key_id(KEY_1): 2}}
    assert not any(seed in str(entry.after) + str(entry.before) for seed in secret.values())
    assert verify_chain().ok

    # The old key may go: every seed opens under the new one alone, and draws as committed.
    use_keys(app, KEY_2)
    assert services.reseal_seeds().resealed == ()
    for d in (award, rate):
        draw_as_shown(d.draw_id, ["37"], actor=staff)
        record = record_of(d.draw_id)
        assert record["seed"] == secret[d.draw_id] and verify.verify_record(record).ok


def test_a_rotation_that_cannot_open_a_seed_changes_nothing(app):
    staff = make_user("staff")
    use_keys(app, KEY_1)
    d = commit_award(staff, candidates=CODES)
    before = raw_row(d.draw_id)
    use_keys(app, KEY_2)  # the old key was not kept in DRAW_SEED_OLD_KEYS
    result = app.test_cli_runner().invoke(args=["draws", "rotate-seed-key"])
    assert result.exit_code != 0 and "DRAW_SEED_OLD_KEYS" in result.output
    assert raw_row(d.draw_id) == before
    assert (
        db.session.scalar(select(AuditEntry.id).where(AuditEntry.action == "draw:seeds_resealed"))
        is None
    )


# ---- start-up ----------------------------------------------------------------------------------


def test_production_refuses_to_start_without_the_seed_key(monkeypatch, tmp_path):
    monkeypatch.setenv("SMALLWORKS_ENV", "production")
    monkeypatch.setenv("SECRET_KEY", "x" * 40)
    monkeypatch.setenv("DATABASE_URL", "postgresql://db/smallworks")
    monkeypatch.delenv("DRAW_SEED_KEY", raising=False)
    with pytest.raises(ConfigError, match="DRAW_SEED_KEY") as e:
        create_app()
    assert "flask draws new-seed-key" in str(e.value)
    assert not (tmp_path / seeds.KEY_FILE_NAME).exists()
    # Nor with the config's check bypassed: no key file is made where none is allowed.
    with pytest.raises(ConfigError, match="DRAW_SEED_KEY is not set"):
        seeds.keyring_from_settings({"DRAW_SEED_KEY_FILE": False}, tmp_path)
    assert not (tmp_path / seeds.KEY_FILE_NAME).exists()


@pytest.mark.parametrize("bad", ["short", "x" * 44, base64.urlsafe_b64encode(b"k" * 16).decode()])
def test_a_malformed_seed_key_stops_start_up_with_a_clear_message(tmp_path, bad):
    with pytest.raises(ConfigError, match="32 random bytes in urlsafe base64"):
        create_app(TestingConfig, DRAW_SEED_KEY=bad, UPLOAD_FOLDER=str(tmp_path / "uploads"))
    with pytest.raises(ConfigError, match="DRAW_SEED_OLD_KEYS"):
        create_app(
            TestingConfig,
            DRAW_SEED_OLD_KEYS=f"{seeds.new_key()},{bad}",
            UPLOAD_FOLDER=str(tmp_path / "uploads"),
        )


def test_the_embedded_default_makes_its_key_once_in_the_instance_folder(tmp_path):
    settings = {"DRAW_SEED_KEY_FILE": True}
    ring = seeds.keyring_from_settings(settings, tmp_path)
    path = tmp_path / seeds.KEY_FILE_NAME
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert seeds.keyring_from_settings(settings, tmp_path).current == ring.current
    # An environment key wins, and the older ones open, never seal.
    old = seeds.new_key()
    env = seeds.keyring_from_settings(
        {"DRAW_SEED_KEY": seeds.new_key(), "DRAW_SEED_OLD_KEYS": f" {old} ,"}, tmp_path
    )
    assert env.current != ring.current and env.old == (seeds.parse_key(old),)
    assert "Keyring" in repr(env) and old not in repr(env)


# ---- the migration -----------------------------------------------------------------------------

SEALING = "aa3670329d4c"  # the migration that seals the seeds


def _previous(migrations: str) -> str:
    """The revision before the sealing one, wherever merges put it."""
    from alembic.script import ScriptDirectory

    return ScriptDirectory(migrations).get_revision(SEALING).down_revision


@pytest.fixture(params=["sqlite"] + (["postgresql"] if PG_URL else []))
def empty_database(request, tmp_path):
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'migrate.sqlite3'}"
        return
    admin_url = make_url(_normalise_db_url(PG_URL))
    name = f"smallworks_seeds_{os.getpid()}_{os.urandom(3).hex()}"
    admin = create_engine(admin_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    yield admin_url.set(database=name).render_as_string(hide_password=False)
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    admin.dispose()


def test_the_migration_seals_the_seeds_of_committed_draws_and_leaves_drawn_ones(
    empty_database, tmp_path
):
    app = create_app(
        TestingConfig,
        SQLALCHEMY_DATABASE_URI=empty_database,
        UPLOAD_FOLDER=str(tmp_path / "uploads"),
    )
    migrations = str(Path(ROOT) / "migrations")
    seed_committed, seed_drawn = os.urandom(32), os.urandom(32)
    previous = _previous(migrations)
    with app.app_context():
        upgrade(directory=migrations, revision=previous)
        # The account as that schema had it (the models of today have columns it has not).
        db.session.execute(
            text(
                "INSERT INTO users (username, display_name, role, organisation, password_hash,"
                " is_active_account, failed_logins, session_version, created_at)"
                " VALUES ('staff-old', '测试', 'staff', '', 'x', true, 0, 1, '2026-11-27 01:00:00')"
            )
        )
        staff_id = db.session.scalar(text("SELECT id FROM users WHERE username = 'staff-old'"))
        insert = text(
            "INSERT INTO draws (draw_id, kind, purpose, winners, status, seed, seed_commitment,"
            " committed_at, candidates, candidate_labels, public_entropy, result, drawn_at,"
            " drawn_by_id, subject_type, subject_code, subject_label)"
            " VALUES (:id, 'pick', '测试', 1, :status, :seed, :commitment, '2026-11-27 01:00:00',"
            " '[\"3.00\", \"3.50\"]', '{}', :entropy, :result, :drawn_at, :by, 'demo', 'T', '')"
        )
        db.session.execute(
            insert,
            {
                "id": "OLD-1",
                "status": "committed",
                "seed": seed_committed.hex(),
                "commitment": engine.commitment(seed_committed),
                "entropy": None,
                "result": None,
                "drawn_at": None,
                "by": None,
            },
        )
        db.session.execute(
            insert,
            {
                "id": "OLD-2",
                "status": "drawn",
                "seed": seed_drawn.hex(),
                "commitment": engine.commitment(seed_drawn),
                "entropy": "[]",
                "result": '["3.50"]',
                "drawn_at": "2026-12-03 02:00:00",
                "by": staff_id,
            },
        )
        db.session.commit()

        upgrade(directory=migrations)
        row = raw_row("OLD-1")
        assert row["seed"] is None
        stored = b"\n".join(_bytes(v) for v in row.values())
        assert not any(form in stored for form in clear_forms(seed_committed.hex()))
        assert seeds.keyring().open(row["sealed_seed"], "OLD-1") == seed_committed
        assert raw_row("OLD-2")["seed"] == seed_drawn.hex()
        # The guards are back: a drawn draw is immutable, a commitment frozen.
        with pytest.raises(Exception, match=r"(?i)immutable"):
            db.session.execute(
                text("UPDATE draws SET result = '[\"3.00\"]' WHERE draw_id = 'OLD-2'")
            )
        db.session.rollback()
        with pytest.raises(Exception, match=r"(?i)commitment"):
            db.session.execute(
                text("UPDATE draws SET seed_commitment = :c WHERE draw_id = 'OLD-1'"),
                {"c": "0" * 64},
            )
        db.session.rollback()  # no open read while the migration alters the table

        # And back down: the seed in clear again, as the older code expects.
        downgrade(directory=migrations, revision=previous)
        assert raw_row("OLD-1")["seed"] == seed_committed.hex()
        db.session.rollback()  # no open read while the migration alters the table
        upgrade(directory=migrations)
        assert raw_row("OLD-1")["seed"] is None
        db.session.remove()
        db.engine.dispose()


def test_processes_starting_together_agree_on_one_embedded_key(tmp_path):
    # `flask run` and a CLI command started at once both find no key file: each writes its own
    # key aside and links it into place; the one that loses reads the winner's.
    from concurrent.futures import ThreadPoolExecutor

    settings = {"DRAW_SEED_KEY_FILE": True}
    with ThreadPoolExecutor(8) as pool:
        rings = list(pool.map(lambda _i: seeds.keyring_from_settings(settings, tmp_path), range(8)))
    assert len({ring.current for ring in rings}) == 1
    assert [p.name for p in tmp_path.iterdir()] == [seeds.KEY_FILE_NAME]
