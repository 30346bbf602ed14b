"""The staff dashboard's to-do counts (issue 13, item 11): projects waiting for filing, award
meetings due today or overdue, objections and complaints to answer, SMS to re-send — each of the
account's offices only, and each equal to the list it links to."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from sqlalchemy import update

from app import clock
from app.deadlines import Deadline, Unit, register_deadline_source
from app.extensions import db
from app.supervision import queries as oversight
from contracts import services
from contracts.queries import todo
from notices import queries as notice_queries
from notices.sms.models import SmsMessage
from tests.factories import make_office, make_user, two_platforms
from tests.pool_factories import at
from tests.trading_factories import active_pool, announced, hold_meeting, project_input, respond_all


@pytest.fixture
def offices(app):
    return two_platforms()


def submit(office, name: str):
    return services.submit_project(
        project_input(name=name), actor=make_user("owner", office=office)
    )


def test_projects_waiting_for_filing_are_counted_per_office(app, offices):
    clock.set_now(at(2026, 11, 26, 9, 0))
    a = submit(offices.a, "甲街道某村排水沟工程")
    submit(offices.b, "乙镇某村道路硬化工程")
    submit(offices.district, "区级某道路工程")
    staff = make_user("staff")
    clerk_a, clerk_b = make_user("staff", office=offices.a), make_user("staff", office=offices.b)

    assert todo.todo_of(staff).to_file == 3  # the district: itself and its platforms
    assert todo.todo_of(clerk_a).to_file == 1
    assert todo.todo_of(clerk_b).to_file == 1

    services.file_project(a.code, reviewed=services.fingerprint(a), actor=clerk_a)
    assert todo.todo_of(clerk_a).to_file == 0
    assert todo.todo_of(staff).to_file == 2


def test_an_award_meeting_is_due_on_its_day_and_after_until_it_is_held(app):
    phase = active_pool()
    owner = make_user("owner")
    project, _t = announced(phase, owner)  # meeting 2026-12-03 09:30
    respond_all(project, [])
    platform_clerk = make_user("staff", office=make_office("zh-bing", "丙街道"))

    for moment, due in (
        (at(2026, 12, 2, 23, 0), 0),  # responses still open
        (at(2026, 12, 3, 0, 5), 1),  # the meeting's day
        (at(2026, 12, 4, 9, 0), 1),  # overdue
    ):
        clock.set_now(moment)
        assert todo.todo_of(phase.staff).meetings_due == due, moment
        assert todo.meeting_due_codes(phase.staff) == ({project.code} if due else set())
        assert todo.todo_of(platform_clerk).meetings_due == 0  # another office's project

    clock.set_now(at(2026, 12, 4, 9, 30))
    hold_meeting(project.code, ["37"], actor=phase.staff)
    assert todo.todo_of(phase.staff).meetings_due == 0


def test_sms_that_did_not_reach_the_phone_are_counted_until_re_sent(app):
    phase = active_pool()
    _project, t = announced(phase, make_user("owner"))
    other = make_user("staff", office=make_office("zh-ding", "丁街道"))
    assert todo.todo_of(phase.staff).sms_failed == 0
    queued = db.session.scalars(
        db.select(SmsMessage.id).where(SmsMessage.notice_id == t.notice_id)
    ).all()
    assert queued, "the trading notice is sent to the pool's members"
    db.session.execute(
        update(SmsMessage).where(SmsMessage.id.in_(queued[:2])).values(status="failed")
    )
    db.session.commit()

    assert todo.todo_of(phase.staff).sms_failed == len(queued[:2])
    assert todo.todo_of(other).sms_failed == 0
    listed = notice_queries.staff_list(1, actor=phase.staff, sms_failed=True).items
    assert [n.id for n in listed] == [t.notice_id]
    assert notice_queries.staff_list(1, actor=other, sms_failed=True).items == []


def _deadline(kind: str, office_id: int, done: bool = False) -> Deadline:
    return Deadline(
        kind=kind,
        label="答复",
        label_en="answer",
        subject=f"{kind}-{office_id}",
        url="/",
        due_at=datetime(2026, 12, 10, 16, tzinfo=UTC),
        unit=Unit.WORKING_DAYS,
        length=3,
        basis="—",
        done_at=datetime(2026, 12, 1, 2, tzinfo=UTC) if done else None,
        office_id=office_id,
    )


def test_objections_and_complaints_to_answer_are_the_pending_deadlines_of_the_offices(app, offices):
    clock.set_now(at(2026, 11, 26, 9, 0))
    district, a, b = offices.district.id, offices.a.id, offices.b.id
    rows = [
        _deadline("objection.answer", a),
        _deadline("objection.answer", b),
        _deadline("objection.answer", a, done=True),  # answered: not to do
        _deadline("pool_objection.answer", district),
        _deadline("complaint.accept", a),
        _deadline("complaint.decide", district),
        _deadline("case.statement", district),  # neither an objection nor a complaint
    ]
    register_deadline_source(app, "test", lambda: rows)
    staff, clerk_a = make_user("staff"), make_user("staff", office=offices.a)

    mine = todo.todo_of(staff)
    assert (mine.objections, mine.pool_objections, mine.complaints) == (2, 1, 2)
    theirs = todo.todo_of(clerk_a)
    assert (theirs.objections, theirs.pool_objections, theirs.complaints) == (1, 0, 1)

    # The counts are the oversight list's `status=pending` rows of each kind.
    everything = oversight.deadline_rows(staff).rows
    for kind, n in (("objection", 2), ("pool_objection", 1), ("complaint", 2)):
        assert len(oversight.filtered(everything, kind=kind, status=oversight.PENDING)) == n
