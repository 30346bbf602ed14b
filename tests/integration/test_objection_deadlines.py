"""The answers' deadlines of objections reach the deadline pages' registry (app.deadlines): 3 日,
open while unanswered, met once answered in time."""

from __future__ import annotations

from datetime import date

import pytest

from app import clock
from app.calendar.services import current_calendar
from app.deadlines import DeadlineStatus, Unit, all_deadlines, status_of
from contractors.queries import active_members
from contracts.objections import services as objections
from tests.factories import make_user, use_cheap_password_hashes
from tests.pool_factories import at
from tests.trading_factories import active_pool, drawn, member_user


@pytest.fixture(autouse=True)
def _setup(app, monkeypatch):
    use_cheap_password_hashes(monkeypatch)


def test_an_objection_answer_deadline_is_listed_due_soon_then_met(app):
    phase = active_pool()
    _project, t = drawn(phase, make_user("owner"))
    member = member_user(active_members("JZ", date(2026, 11, 27))[0].contractor_id)
    clock.set_now(at(2026, 12, 4, 10, 0))
    o = objections.file_objection(t.code, "result", "异议", actor=member)
    with app.test_request_context():
        (d,) = [d for d in all_deadlines() if d.kind == "objection.answer"]
    assert d.unit is Unit.DAYS and d.length == 3 and d.due_at == o.answer_by
    assert "第五十四条" in d.basis and d.url.endswith(f"/staff/objections/{o.id}")
    assert status_of(d, clock.now(), current_calendar()) is DeadlineStatus.DUE_SOON
    objections.answer_objection(o.id, False, "不成立", actor=phase.staff)
    with app.test_request_context():
        (d,) = [d for d in all_deadlines() if d.kind == "objection.answer"]
    assert status_of(d, clock.now(), current_calendar()) is DeadlineStatus.MET
