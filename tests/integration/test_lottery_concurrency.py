"""A draw is one-shot under load: twenty simultaneous confirmations give exactly one result, drawn
with the entries the meeting screen shows."""

from __future__ import annotations

import threading
from types import SimpleNamespace

from sqlalchemy import select

from app.audit import AuditEntry, verify_chain
from app.extensions import db
from lottery import services, verify
from lottery.errors import DrawClosed, DrawError
from tests.factories import make_user
from tests.integration.test_lottery_services import CODES, commit_award, record_of

THREADS = 20


SHOWN = ["11", "22", "33"]


def test_twenty_simultaneous_confirmations_give_one_draw_with_the_entries_shown(app):
    """Half the confirmations carry the entries on the screen, half a forged list: exactly one
    draws, with the shown entries; every other is refused (closed, or not what was shown)."""
    staff = make_user("staff")
    d = commit_award(staff)
    draw_id = d.draw_id
    services.show_pending_entropy(draw_id, SHOWN, actor=staff)
    # A plain actor: loading the user in each thread would hold a pooled connection at the barrier.
    actor = SimpleNamespace(
        id=staff.id, role="staff", username=staff.username, office_id=staff.office_id
    )
    barrier = threading.Barrier(THREADS)
    outcomes: list[tuple[str, int, str]] = []
    lock = threading.Lock()

    def attempt(i: int) -> None:
        # Each thread has its own app context, hence its own session and connection.
        entries = SHOWN if i % 2 == 0 else [f"chosen-by-staff-{i}"]
        with app.app_context():
            try:
                barrier.wait(timeout=30)
                services.draw(draw_id, entries, CODES, actor=actor)
                outcome = ("drawn", i, "")
            except DrawClosed as e:
                outcome = ("closed", i, e.message)
            except DrawError as e:
                outcome = ("not shown", i, e.message)
            except Exception as e:  # anything else is a failure of the guard
                outcome = ("error", i, repr(e))
            finally:
                db.session.remove()
            with lock:
                outcomes.append(outcome)

    threads = [threading.Thread(target=attempt, args=(i,)) for i in range(THREADS)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=120)

    kinds = [o[0] for o in outcomes]
    assert kinds.count("error") == 0, [o for o in outcomes if o[0] == "error"]
    assert kinds.count("drawn") == 1
    assert kinds.count("closed") + kinds.count("not shown") == THREADS - 1
    assert all("已经摇号" in o[2] for o in outcomes if o[0] == "closed")
    assert all("大屏上显示的不一致" in o[2] for o in outcomes if o[0] == "not shown")

    winner = next(o[1] for o in outcomes if o[0] == "drawn")
    assert winner % 2 == 0  # a forged list never draws
    record = record_of(draw_id)
    assert record["public_entropy"] == SHOWN
    assert verify.verify_record(record).ok
    drawn_entries = db.session.scalars(
        select(AuditEntry).where(AuditEntry.action == "draw:drawn")
    ).all()
    assert len(drawn_entries) == 1
    assert verify_chain().ok
