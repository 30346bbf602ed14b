"""Objections during the roster publicity (入围企业名录公示): received while it runs, one per
form posted twice, answered within 3 日 with reasons, and the roster (入围企业名单) is not
published while one waits for its answer."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from app import clock
from app.extensions import db
from contractors import queries, services
from contractors.errors import PoolError, PoolNotFound
from contractors.models import Objection
from tests.factories import PASSWORD, Browser, signed_in, use_cheap_password_hashes
from tests.pool_factories import Phase, at, user_of


@pytest.fixture(autouse=True)
def _setup(app, monkeypatch):
    use_cheap_password_hashes(monkeypatch)


def _in_roster_publicity() -> Phase:
    phase = Phase()
    phase.draft_and_consult()
    phase.publish_call()
    phase.applicants()
    phase.review()
    phase.publish_review()
    phase.meeting()
    phase.roster_publicity()  # Monday 10-19 11:00: 5 working days, ends 10-27 00:00
    return phase


def _jz(phase: Phase):
    return next(cc for cc in phase.call.categories if cc.category.code == "JZ")


def test_the_roster_waits_for_the_answer_to_an_objection_made_in_its_publicity():
    phase = _in_roster_publicity()
    objector = user_of(phase.contractors[4])  # the failed applicant
    clock.set_now(at(2026, 10, 23, 15, 0))  # Friday
    o = services.file_roster_objection(_jz(phase).id, "摇号结果有误", actor=objector)
    assert o.stage == "roster" and o.entry_id is None
    # 3 日 after Friday 10-23 end on Monday 10-26: due by 10-27 00:00.
    assert o.answer_by == at(2026, 10, 27)
    again = services.file_roster_objection(_jz(phase).id, " 摇号结果有误 ", actor=objector)
    assert again.id == o.id
    # The review objections' pages and counts do not mix it in.
    assert queries.objections_of(phase.call.id) == []
    assert queries.open_objections(phase.call.id) == 0

    clock.set_now(at(2026, 10, 27, 9, 0))
    with pytest.raises(PoolError, match="异议尚有1件未答复"):
        services.publish_roster(phase.call.id, actor=phase.staff)
    with pytest.raises(PoolError, match="公示期已于2026-10-26结束"):
        services.file_roster_objection(_jz(phase).id, "另一异议", actor=objector)
    with pytest.raises(PoolNotFound):
        services.answer_objection(o.id, "答复", False, actor=phase.staff)
    answered = services.answer_roster_objection(o.id, False, "摇号依法进行", actor=phase.staff)
    assert answered.answered_at is not None and not answered.upheld
    with pytest.raises(PoolError, match="已答复"):
        services.answer_roster_objection(o.id, True, "再答", actor=phase.staff)
    assert services.publish_roster(phase.call.id, actor=phase.staff).type == "roster"


def test_a_roster_objection_before_the_publicity_or_without_text_is_refused():
    phase = Phase()
    phase.draft_and_consult()
    phase.publish_call()
    phase.applicants()
    phase.review()
    phase.publish_review()
    phase.meeting()
    objector = user_of(phase.contractors[4])
    with pytest.raises(PoolError, match="尚未公示"):
        services.file_roster_objection(_jz(phase).id, "异议", actor=objector)
    phase.roster_publicity()
    with pytest.raises(PoolError):
        services.file_roster_objection(_jz(phase).id, "  ", actor=objector)
    assert db.session.scalar(select(func.count()).select_from(Objection)) == 0


def test_the_call_page_takes_a_roster_objection_and_shows_the_answer(app):
    phase = _in_roster_publicity()
    clock.set_now(at(2026, 10, 21, 9, 0))
    company = Browser(app)
    assert company.login(user_of(phase.contractors[4]).username, PASSWORD).status_code == 302
    page = f"/pool/calls/{phase.call.id}"
    assert "入围企业名录公示期间的异议" in company.html(page)
    data = {"call_category_id": str(_jz(phase).id), "call_id": str(phase.call.id), "text": "有误"}
    assert company.submit("/contractor/roster-objections", data, form_page=page).status_code == 302
    o = db.session.scalar(select(Objection).where(Objection.stage == "roster"))
    staff = signed_in(app, "staff")
    staff_page = f"/staff/pool/calls/{phase.call.id}/objections"
    assert "有误" in staff.html(staff_page)
    answer = {
        "call_id": str(phase.call.id),
        f"r{o.id}-answer": "经核查无误",
        f"r{o.id}-upheld": "no",
    }
    response = staff.submit(
        f"/staff/pool/objections/{o.id}/roster-answer", answer, form_page=staff_page
    )
    assert response.status_code == 302, response.get_data(as_text=True)[:3000]
    public = Browser(app).html(page)
    assert "经核查无误" in public and "异议不成立" in public
