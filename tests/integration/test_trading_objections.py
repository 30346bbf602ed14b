"""Objections to a trading: received only in their period and from interested companies, one per
form posted twice, answered within 3 日 (民法典 art. 203 over a weekend), and while one to the
result waits for its answer the contract cannot be recorded (art. 54)."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import func, select

from app import clock
from app.extensions import db
from contractors.queries import active_members
from contracts import services
from contracts.errors import TradingError
from contracts.objections import queries as objections
from contracts.objections import services as objection_services
from contracts.objections.errors import ObjectionError, ObjectionForbidden
from contracts.objections.models import TradingObjection
from contracts.objections.rules import ObjectionState
from tests.factories import make_user, use_cheap_password_hashes
from tests.pool_factories import at, register, user_of
from tests.trading_factories import active_pool, announced, drawn, member_user

file_objection = objection_services.file_objection
answer_objection = objection_services.answer_objection


@pytest.fixture(autouse=True)
def _setup(app, monkeypatch):
    use_cheap_password_hashes(monkeypatch)


def _member(n: int = 0):
    m = active_members("JZ", date(2026, 11, 27))[n]
    return m.contractor_id, member_user(m.contractor_id)


def test_an_objection_to_the_notice_is_received_only_while_its_publicity_runs():
    phase = active_pool()
    _project, t = announced(phase, make_user("owner"))
    cid, user = _member()
    clock.set_now(at(2026, 11, 30, 9, 0))
    o = file_objection(t.code, "notice", "控制价计算有误，请求更正", actor=user)
    assert o.matter == "notice" and o.contractor_id == cid
    # Received Monday 11-30: 3 日 end on Thursday 12-03, so the answer is due by 12-04 00:00.
    assert o.answer_by == at(2026, 12, 4)
    clock.set_now(at(2026, 12, 3, 0, 0))  # the publicity (and the responses) ended
    with pytest.raises(ObjectionError, match="异议期已于"):
        file_objection(t.code, "notice", "另一项异议", actor=user)
    with pytest.raises(ObjectionError, match="交易结果尚未公布"):
        file_objection(t.code, "result", "对结果的异议", actor=user)


def test_the_same_objection_posted_twice_is_one_objection():
    phase = active_pool()
    _project, t = announced(phase, make_user("owner"))
    _cid, user = _member()
    clock.set_now(at(2026, 11, 30, 9, 0))
    first = file_objection(t.code, "notice", "控制价计算有误", actor=user)
    again = file_objection(t.code, "notice", "  控制价计算有误  ", actor=user)
    assert again.id == first.id
    assert db.session.scalar(select(func.count()).select_from(TradingObjection)) == 1


def test_a_company_neither_member_nor_respondent_cannot_object():
    phase = active_pool()
    _project, t = announced(phase, make_user("owner"))
    stranger = register(6, name="无关企业")
    clock.set_now(at(2026, 11, 30, 9, 0))
    with pytest.raises(ObjectionForbidden):
        file_objection(t.code, "notice", "异议", actor=user_of(stranger))
    with pytest.raises(ObjectionForbidden):
        file_objection(t.code, "notice", "异议", actor=make_user("owner"))


def test_an_open_objection_to_the_result_holds_the_contract_until_answered():
    phase = active_pool()
    owner = make_user("owner")
    project, t = drawn(phase, owner)  # result published Thursday 12-03
    cid, user = _member(1)
    clock.set_now(at(2026, 12, 5, 10, 0))  # Saturday
    o = file_objection(t.code, "result", "摇号过程有误，请求复核", actor=user)
    # 3 日 after Saturday 12-05 end on Tuesday 12-08 (a working day): due by 12-09 00:00.
    assert o.answer_by == at(2026, 12, 9)
    assert objections.objection_waits(t.id, cid) == [("result", o.filed_at, None)]
    clock.set_now(at(2026, 12, 7, 10, 0))
    with pytest.raises(TradingError, match="异议尚有1件未答复"):
        services.record_contract(project.code, date(2026, 12, 7), t.contract_price, actor=owner)

    answered = answer_objection(o.id, False, "经复核，摇号过程符合规定", actor=phase.staff)
    assert objections.state_of(answered) is ObjectionState.NOT_UPHELD
    assert answered.answering_body
    assert objections.objection_waits(t.id, cid) == [("result", o.filed_at, answered.answered_at)]
    assert services.record_contract(project.code, date(2026, 12, 7), t.contract_price, actor=owner)
    with pytest.raises(ObjectionError, match="已答复"):
        answer_objection(o.id, True, "再答复", actor=phase.staff)


def test_the_result_objection_period_is_3_days_ending_on_a_working_day():
    phase = active_pool()
    _project, t = drawn(phase, make_user("owner"))  # result Thursday 12-03
    _cid, user = _member(1)
    # 3 日 after 12-03 end on Sunday 12-06: the period runs to the end of Monday 12-07.
    clock.set_now(at(2026, 12, 7, 23, 59))
    file_objection(t.code, "result", "异议", actor=user)
    clock.set_now(at(2026, 12, 8, 0, 0))
    with pytest.raises(ObjectionError, match="异议期已于2026-12-08 00:00结束"):
        file_objection(t.code, "result", "又一异议", actor=user)


def test_only_a_respondent_objects_to_the_result_and_only_staff_answer():
    phase = active_pool()
    _project, t = drawn(phase, make_user("owner"))
    outsider = register(7, name="未响应企业")
    clock.set_now(at(2026, 12, 4, 10, 0))
    with pytest.raises(ObjectionForbidden):
        file_objection(t.code, "result", "异议", actor=user_of(outsider))
    _cid, user = _member(0)
    o = file_objection(t.code, "result", "异议", actor=user)
    for actor in (user, make_user("supervisor"), make_user("owner")):
        with pytest.raises(TradingError.__mro__[1]):
            answer_objection(o.id, True, "成立", actor=actor)
    assert objections.state_of(o) is ObjectionState.AWAITING_ANSWER


def test_an_objection_to_the_meeting_is_raised_by_a_respondent_on_the_meeting_day():
    # 《招标投标法实施条例》第四十四条: raised at the meeting (here, from its appointed time to the
    # end of its day), by those it decides about; answered like the others within 3 日.
    phase = active_pool()
    _project, t = drawn(phase, make_user("owner"))  # meeting Thursday 12-03 09:30
    cid, user = _member(0)
    clock.set_now(at(2026, 12, 3, 9, 29))
    assert "meeting" not in objections.open_matters(t)
    with pytest.raises(ObjectionError, match="定标会议尚未开始"):
        file_objection(t.code, "meeting", "摇号前未宣读规则", actor=user)
    outsider = register(7, name="未响应企业")
    clock.set_now(at(2026, 12, 3, 10, 0))
    with pytest.raises(ObjectionForbidden, match="定标会议和交易结果"):
        file_objection(t.code, "meeting", "异议", actor=user_of(outsider))
    o = file_objection(t.code, "meeting", "摇号前未宣读规则", actor=user)
    # 3 日 after Thursday 12-03 end on Sunday 12-06 → Monday 12-07 (art. 203): due 12-08 00:00.
    assert o.matter == "meeting" and o.answer_by == at(2026, 12, 8)
    assert objections.objection_waits(t.id, cid) == [("meeting", o.filed_at, None)]
    clock.set_now(at(2026, 12, 4, 0, 0))
    with pytest.raises(ObjectionError, match="异议期已于2026-12-04 00:00结束"):
        file_objection(t.code, "meeting", "又一异议", actor=user)
