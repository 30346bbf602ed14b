"""Failed logins are counted atomically: twenty simultaneous wrong passwords count twenty, and
the failure that starts an address's delay is audited exactly once."""

from __future__ import annotations

import threading

from sqlalchemy import select

from app.audit import AuditEntry, verify_chain
from app.auth.errors import LoginRefused, LoginThrottled
from app.auth.models import LoginThrottle, User
from app.auth.services import authenticate
from app.extensions import db
from tests.factories import make_user, use_cheap_password_hashes

THREADS = 20


def run_together(app, attempt) -> list[str]:
    """Run attempt(i) in THREADS threads released at once; return each one's outcome."""
    barrier = threading.Barrier(THREADS)
    outcomes: list[str] = []
    lock = threading.Lock()

    def run(i: int) -> None:
        with app.app_context():  # its own session and connection
            try:
                barrier.wait(timeout=30)
                attempt(i)
                outcome = "signed in"
            except LoginThrottled:
                outcome = "delayed"
            except LoginRefused:
                outcome = "refused"
            except Exception as e:  # anything else is a failure of the count
                outcome = repr(e)
            finally:
                db.session.remove()
            with lock:
                outcomes.append(outcome)

    threads = [threading.Thread(target=run, args=(i,)) for i in range(THREADS)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=120)
    return outcomes


def test_twenty_simultaneous_wrong_passwords_count_twenty(app, monkeypatch):
    use_cheap_password_hashes(monkeypatch)
    user = make_user("staff")
    username, user_id = user.username, user.id

    outcomes = run_together(
        app, lambda i: authenticate(username, "wrong password", f"198.51.100.{i}")
    )

    assert outcomes == ["refused"] * THREADS
    db.session.rollback()
    assert db.session.get(User, user_id).failed_logins == THREADS
    assert sorted(db.session.scalars(select(LoginThrottle.failures))) == [1] * THREADS


def test_simultaneous_failures_from_one_address_are_all_counted_and_audited_once(app, monkeypatch):
    use_cheap_password_hashes(monkeypatch)
    user = make_user("staff")
    username, user_id = user.username, user.id

    outcomes = run_together(app, lambda i: authenticate(username, "wrong password", "203.0.113.5"))

    assert sorted(set(outcomes)) <= ["delayed", "refused"], outcomes
    refused = outcomes.count("refused")
    assert refused >= 5  # an attempt is delayed only after five failures were counted
    db.session.rollback()
    assert db.session.get(LoginThrottle, ("203.0.113.5", username)).failures == refused
    assert db.session.get(User, user_id).failed_logins == refused
    audited = db.session.scalars(
        select(AuditEntry).where(AuditEntry.action == "user:login_throttled")
    ).all()
    assert len(audited) == 1
    assert verify_chain().ok
