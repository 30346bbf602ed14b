"""What a sanction does, derived from the clock: a suspended company gets no project SMS, cannot
respond, is never a candidate and is active again the day after `until`; a removal brings the
category's first reserve in, once; publication within 20 工作日 over holidays; shown 6 months or
as long as the suspension; the change table and corrections (arts. 10–13)."""

from __future__ import annotations

from datetime import date, datetime

import pytest
from sqlalchemy import func, select, update

from app import clock
from app.audit import AuditEntry
from app.extensions import db
from contractors import queries as pool
from contractors.models import PoolSelection
from contractors.sanctions import queries, rules, services
from contractors.sanctions.errors import SanctionError, SanctionForbidden
from contractors.sanctions.models import ReserveEntry, SanctionCorrection
from contracts import queries as trading_queries
from contracts import services as trading
from contracts.errors import TradingForbidden
from notices.models import Notice
from notices.sms.models import SmsMessage
from tests.factories import make_user, use_cheap_password_hashes
from tests.pool_factories import at, user_of
from tests.sanction_factories import confirm_2027, decision, jz_members
from tests.trading_factories import active_pool, announced, member_user


@pytest.fixture(autouse=True)
def _setup(app, monkeypatch):
    use_cheap_password_hashes(monkeypatch)
    confirm_2027()


def _sanctioned(phase, company, *, published=True, **overrides):
    """A case opened 11-02 on `company`, decided 11-10 (after its 5 工作日), published 11-11."""
    clock.set_now(at(2026, 11, 2, 10, 0))
    case = services.open_case(company.id, "incident", "质量事故", actor=phase.staff)
    clock.set_now(at(2026, 11, 10, 10, 0))
    values = {"starts_on": date(2026, 11, 10), "months": 1, **overrides}
    services.decide(case.id, decision(**values), actor=phase.staff)
    s = case.sanction
    if published and s is not None:
        clock.set_now(at(2026, 11, 11, 10, 0))
        services.publish(s.id, actor=phase.staff)
    return s


def _active(code: str, on: date) -> set[int]:
    return {m.contractor_id for m in pool.active_members(code, on)}


def test_a_suspended_company_is_out_of_the_pool_until_the_day_after_its_last_day():
    phase = active_pool()
    c = jz_members(phase)[0]
    s = _sanctioned(phase, c)
    assert (s.starts_on, s.until) == (date(2026, 11, 10), date(2026, 12, 10))
    assert c.id in _active("JZ", date(2026, 11, 9))
    assert c.id not in _active("JZ", date(2026, 11, 10))
    assert c.id not in _active("JZ", date(2026, 12, 9))
    assert c.id in _active("JZ", date(2026, 12, 10))  # nobody touched anything
    assert queries.restriction_on(c.id, date(2026, 11, 20)) == "suspension"
    assert queries.restriction_on(c.id, date(2026, 12, 10)) is None


def test_a_suspended_company_gets_no_project_sms_cannot_respond_and_is_never_a_candidate():
    phase = active_pool()
    c = jz_members(phase)[0]
    _sanctioned(phase, c, starts_on=date(2026, 11, 20), months=2)
    owner = make_user("owner")
    project, t = announced(phase, owner)  # 11-27: the suspension runs
    told = set(
        db.session.scalars(
            select(SmsMessage.contractor_id).where(SmsMessage.notice_id == t.notice_id)
        )
    )
    assert c.id not in told and told
    clock.set_now(at(2026, 11, 30, 9, 0))
    text = trading.commitment_text(project.code)
    with pytest.raises(TradingForbidden):
        trading.respond(project.code, text, actor=user_of(c))
    for m in pool.active_members("JZ", date(2026, 11, 30)):
        trading.respond(project.code, text, actor=member_user(m.contractor_id))
    clock.set_now(at(2026, 12, 3, 9, 30))
    candidates = trading_queries.trading_candidates(t.code)
    assert c.uscc not in candidates.ids and len(candidates.ids) == 2


def test_a_warning_restricts_nothing():
    phase = active_pool()
    c = jz_members(phase)[0]
    s = _sanctioned(phase, c, outcome="warning", months=None)
    assert s.until is None and c.id in _active("JZ", date(2026, 11, 20))


def test_a_removal_brings_in_the_first_reserve_from_the_next_day_once():
    phase = active_pool()
    jz = next(cc for cc in phase.call.categories if cc.category.code == "JZ")
    member = next(s for s in pool.selections(jz.id) if s.is_selected)
    reserve = next(s for s in pool.selections(jz.id) if not s.is_selected)
    corrections = db.session.scalar(select(func.count()).where(Notice.type == "correction"))
    s = _sanctioned(phase, member.contractor, outcome="removal", months=None, published=False)
    assert s.until is None
    assert member.contractor_id not in _active("JZ", date(2026, 11, 10))
    assert reserve.contractor_id not in _active("JZ", date(2026, 11, 10))
    assert reserve.contractor_id in _active("JZ", date(2026, 11, 11))
    (entry,) = db.session.scalars(select(ReserveEntry)).all()
    assert (entry.selection_id, entry.enters_on) == (reserve.id, date(2026, 11, 11))
    notice = db.session.get(Notice, entry.notice_id)
    assert notice.type == "correction" and notice.corrects_id == phase.call.roster_notice_id
    assert reserve.contractor.name in notice.body
    assert (
        db.session.scalar(select(func.count()).where(Notice.type == "correction"))
        == corrections + 1
    )
    # Once: the reserve list is used up, a second removal in JZ brings nobody, and never twice.
    other = next(
        x
        for x in pool.selections(jz.id)
        if x.is_selected and x.contractor_id != member.contractor_id
    )
    _sanctioned(phase, other.contractor, outcome="removal", months=None, published=False)
    assert db.session.scalar(select(func.count()).select_from(ReserveEntry)) == 1
    assert db.session.get(PoolSelection, reserve.id).is_selected


def test_the_publication_deadline_counts_20_working_days_over_the_holidays(app):
    phase = active_pool()
    clock.set_now(at(2026, 12, 7, 10, 0))
    case = services.open_case(jz_members(phase)[0].id, "by_hand", "转包", actor=phase.staff)
    clock.set_now(at(2026, 12, 18, 10, 0))
    services.decide(case.id, decision(starts_on=date(2026, 12, 18)), actor=phase.staff)
    # Decided Friday 12-18: 12-21..12-31 are 9 working days, 2027-01-01..03 New Year's holiday,
    # then 01-04..08 and 01-11..15 make 19: the 20th is Monday 01-18, so it ends 01-19 00:00.
    assert case.sanction.publish_due_at == datetime(2027, 1, 19, 0, 0, tzinfo=clock.TZ)
    with app.test_request_context():
        (d,) = [x for x in queries.deadlines() if x.kind == "sanction.publish"]
    assert d.due_at == case.sanction.publish_due_at and d.length == 20


def test_shown_for_six_months_or_as_long_as_the_suspension():
    phase = active_pool()
    short = _sanctioned(phase, jz_members(phase)[0], months=1)
    long = _sanctioned(phase, jz_members(phase)[1], months=12)
    # Published 11-11: six months end on 2027-05-11, so it leaves the list on 05-12.
    assert short.shown_until == date(2027, 5, 12)
    assert long.shown_until == long.until == date(2027, 11, 10)
    assert queries.sanction_state(short, date(2027, 5, 11)) is rules.SanctionState.CURRENT
    assert queries.sanction_state(short, date(2027, 5, 12)) is rules.SanctionState.ARCHIVED
    clock.set_now(at(2027, 5, 12, 9, 0))
    assert [x.id for x in queries.published(archived=False)] == [long.id]
    assert [x.id for x in queries.published(archived=True)] == [short.id]


def test_a_change_is_recorded_with_reason_and_approver_and_published_as_a_correction():
    phase = active_pool()
    s = _sanctioned(phase, jz_members(phase)[0], months=1)
    clock.set_now(at(2026, 11, 20, 10, 0))
    with pytest.raises(SanctionError, match="请填写批准人"):
        services.change(
            s.id, services.ChangeInput(reason="复议决定变更", approver=""), actor=phase.staff
        )
    change = services.change(
        s.id,
        services.ChangeInput(reason="复议决定变更", approver="张局长", until=date(2026, 11, 25)),
        actor=phase.staff,
    )
    assert change.after == {"until": "2026-11-25"} and change.approver == "张局长"
    assert db.session.get(Notice, change.notice_id).corrects_id == s.notice_id
    assert jz_members(phase)[0].id in _active("JZ", date(2026, 11, 25))
    # Art. 9 counts from publication: still shown six months.
    assert s.shown_until == date(2027, 5, 12)


def test_a_correction_is_asked_by_the_company_and_answered_by_staff():
    phase = active_pool()
    c = jz_members(phase)[0]
    s = _sanctioned(phase, c, months=1)
    clock.set_now(at(2026, 11, 12, 10, 0))
    with pytest.raises(SanctionForbidden):
        services.ask_correction(s.id, "不是我", actor=user_of(jz_members(phase)[1]))
    corr = services.ask_correction(s.id, "处理依据条款引错", actor=user_of(c))
    assert clock.local(corr.answer_due_at).date() == date(2026, 11, 20)
    with pytest.raises(SanctionForbidden):
        services.answer_correction(corr.id, True, "成立", actor=user_of(c))
    services.answer_correction(
        corr.id,
        True,
        "经核对，依据引用有误",
        services.ChangeInput(
            reason="更正申请成立", approver="张局长", basis="《建设工程质量管理条例》第七十八条"
        ),
        actor=phase.staff,
    )
    assert s.basis == "《建设工程质量管理条例》第七十八条"
    assert queries.changes_of(s.id)[0].correction_id == corr.id
    with pytest.raises(SanctionError, match="已经答复"):
        services.answer_correction(corr.id, False, "不成立", actor=phase.staff)


def test_an_archived_sanction_cannot_be_corrected_by_the_company_only_by_staff():
    phase = active_pool()
    c = jz_members(phase)[0]
    s = _sanctioned(phase, c, months=1)
    clock.set_now(at(2027, 6, 1, 10, 0))
    before = db.session.scalar(select(func.count()).select_from(SanctionCorrection))
    with pytest.raises(SanctionError, match="已归档"):
        services.ask_correction(s.id, "请更正", actor=user_of(c))
    assert db.session.scalar(select(func.count()).select_from(SanctionCorrection)) == before
    services.ask_correction(s.id, "书面申请（纸质）", actor=phase.staff)


def test_a_correction_answered_meanwhile_by_another_worker_is_refused_though_the_page_read_it():
    phase = active_pool()
    c = jz_members(phase)[0]
    s = _sanctioned(phase, c, months=1)
    clock.set_now(at(2026, 11, 12, 10, 0))
    corr = services.ask_correction(s.id, "处理依据条款引错", actor=user_of(c))
    assert corr.answered_at is None  # this request's page loaded the open request
    # Another worker answers it meanwhile: a write this session's copy does not see.
    db.session.execute(
        update(SanctionCorrection)
        .where(SanctionCorrection.id == corr.id)
        .values(
            answer="不成立", upheld=False, answered_at=clock.now(), answered_by_id=phase.staff.id
        ),
        execution_options={"synchronize_session": False},
    )
    answered = (
        select(func.count())
        .select_from(AuditEntry)
        .where(AuditEntry.action == "sanction:correction_answered")
    )
    with pytest.raises(SanctionError, match="已经答复"):
        services.answer_correction(corr.id, False, "不成立", actor=phase.staff)
    assert db.session.scalar(answered) == 0


def test_a_correction_request_sent_again_while_one_awaits_its_answer_is_refused():
    phase = active_pool()
    c = jz_members(phase)[0]
    s = _sanctioned(phase, c, months=1)
    clock.set_now(at(2026, 11, 12, 10, 0))
    first = services.ask_correction(s.id, "处理依据条款引错", actor=user_of(c))
    count = select(func.count()).select_from(SanctionCorrection)
    for actor in (user_of(c), phase.staff):
        with pytest.raises(SanctionError, match="尚未答复"):
            services.ask_correction(s.id, "处理依据条款引错", actor=actor)
    assert db.session.scalar(count) == 1
    services.answer_correction(first.id, False, "依据无误", actor=phase.staff)
    services.ask_correction(s.id, "期限计算有误", actor=user_of(c))
    assert db.session.scalar(count) == 2
