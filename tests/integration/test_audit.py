"""The audit chain: one entry per change, hash-linked, append-only, and tampering is found."""

from __future__ import annotations

import itertools
import threading

import pytest
from sqlalchemy import select, text
from sqlalchemy.exc import DatabaseError

from app import audit
from app.audit import Action, AuditEntry, verify_chain
from app.extensions import db
from tests.factories import make_notice, make_user


def _entries():
    return db.session.scalars(select(AuditEntry).order_by(AuditEntry.seq)).all()


def test_each_entry_links_to_the_hash_of_the_one_before(app, now):
    now(2026, 11, 2, 9, 0)
    staff = make_user("staff")
    make_notice(staff)
    entries = _entries()
    assert [e.seq for e in entries] == list(range(1, len(entries) + 1))
    assert entries[0].prev_hash == audit.GENESIS
    for before, after in itertools.pairwise(entries):
        assert after.prev_hash == before.hash
    assert verify_chain().ok


def test_the_database_refuses_to_update_or_delete_an_audit_entry(app, now):
    now(2026, 11, 2, 9, 0)
    make_user("staff")
    for statement in ("UPDATE audit_entries SET action = 'x'", "DELETE FROM audit_entries"):
        with pytest.raises(DatabaseError):
            db.session.execute(text(statement))
            db.session.flush()
        db.session.rollback()
    assert verify_chain().ok


def _bypass_guard_and_run(statement: str) -> None:
    """Tamper as an attacker with direct database access would, past the append-only trigger."""
    if db.engine.dialect.name == "postgresql":
        db.session.execute(
            text("ALTER TABLE audit_entries DISABLE TRIGGER audit_entries_append_only")
        )
        db.session.execute(text(statement))
        db.session.execute(
            text("ALTER TABLE audit_entries ENABLE TRIGGER audit_entries_append_only")
        )
    else:
        for name in ("audit_entries_no_update", "audit_entries_no_delete"):
            db.session.execute(text(f"DROP TRIGGER {name}"))
        db.session.execute(text(statement))
    db.session.commit()
    db.session.expire_all()


@pytest.mark.parametrize(
    ("statement", "broken", "reason"),
    [
        ("UPDATE audit_entries SET actor_label = 'someone else' WHERE seq = 2", 2, "content"),
        ("DELETE FROM audit_entries WHERE seq = 2", 2, "missing"),
        ("UPDATE audit_entries SET after = NULL WHERE seq = 3", 3, "content"),
    ],
)
def test_verify_reports_the_first_broken_link(app, now, statement, broken, reason):
    now(2026, 11, 2, 9, 0)
    staff = make_user("staff")  # its district is made first: entry 1
    make_notice(staff)
    assert len(_entries()) == 4  # office, user, draft, publication
    _bypass_guard_and_run(statement)
    report = verify_chain()
    assert not report.ok
    assert report.broken_seq == broken
    assert reason in report.reason


def test_rewriting_an_entry_and_its_hash_still_breaks_the_next_link(app, now):
    now(2026, 11, 2, 9, 0)
    make_notice(make_user("staff"))
    target = _entries()[1]
    target.actor_label = "forged"
    forged = target.compute_hash()
    db.session.rollback()
    _bypass_guard_and_run(
        f"UPDATE audit_entries SET actor_label = 'forged', hash = '{forged}' WHERE seq = 2"
    )
    report = verify_chain()
    assert (report.ok, report.broken_seq) == (False, 3)


def test_the_cli_says_intact_or_names_the_broken_entry(app, now):
    now(2026, 11, 2, 9, 0)
    make_notice(make_user("staff"))
    runner = app.test_cli_runner()
    ok = runner.invoke(args=["audit", "verify"])
    assert ok.exit_code == 0 and "intact" in ok.output
    _bypass_guard_and_run("UPDATE audit_entries SET subject_id = '999' WHERE seq = 3")
    bad = runner.invoke(args=["audit", "verify"])
    assert bad.exit_code == 1 and "entry 3" in bad.output


def test_a_failed_change_leaves_no_audit_entry(app, now):
    now(2026, 11, 2, 9, 0)
    staff = make_user("staff")
    count = len(_entries())
    with pytest.raises(Exception):  # noqa: B017 — any refusal will do: nothing may remain
        make_notice(staff, type="pool_call", min_working_days=2)
    assert len(_entries()) == count


def test_concurrent_writers_never_fork_the_chain(app, database_url):
    """Writers in separate sessions: every entry gets a distinct place in one linear chain."""
    if db.engine.dialect.name != "postgresql":
        pytest.skip("SQLite serialises writers in one file; the advisory lock is PostgreSQL's")
    errors: list[Exception] = []

    def writer(n: int) -> None:
        with app.app_context():
            try:
                for i in range(5):
                    audit.record(Action.USER_UPDATED, "user", f"{n}-{i}", actor="test")
                    db.session.commit()
            except Exception as e:  # pragma: no cover - reported below
                errors.append(e)
            finally:
                db.session.remove()

    threads = [threading.Thread(target=writer, args=(n,)) for n in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    assert len(_entries()) == 40
    assert verify_chain().ok
