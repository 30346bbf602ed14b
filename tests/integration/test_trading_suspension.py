"""Suspending a trading (art. 62) refuses responses, the award meeting and the contract until it
resumes; resuming replaces the times that passed meanwhile; each period is kept with its notices."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import func, select

from app import clock
from app.audit import AuditEntry
from app.extensions import db
from contractors.queries import active_members
from contracts import queries, services
from contracts.errors import TradingError, TradingForbidden
from contracts.models import Trading, TradingSuspension
from contracts.rules import ProjectState
from notices.models import Notice
from tests.factories import make_user, use_cheap_password_hashes
from tests.pool_factories import at
from tests.trading_factories import (
    active_pool,
    announced,
    drawn,
    hold_meeting,
    member_user,
    respond_all,
)


@pytest.fixture(autouse=True)
def _setup(app, monkeypatch):
    use_cheap_password_hashes(monkeypatch)


def _state(code: str) -> ProjectState:
    db.session.expire_all()
    return queries.state_of(queries.get_project(code))


def _suspend(code, staff, **kw):
    return services.suspend_trading(code, "收到投诉，依法暂停交易", actor=staff, **kw)


def test_a_suspended_trading_refuses_responses_and_publishes_a_correction_citing_art_62():
    phase = active_pool()
    project, t = announced(phase, make_user("owner"))
    clock.set_now(at(2026, 11, 30, 9, 0))
    period = _suspend(project.code, phase.staff, complaint_id=12)
    assert _state(project.code) is ProjectState.SUSPENDED
    assert period.complaint_id == 12 and period.is_open
    notice = db.session.get(Notice, period.suspend_notice_id)
    assert notice.type == "correction" and notice.corrects_id == t.notice_id
    assert "第六十二条" in notice.legal_basis and "收到投诉，依法暂停交易" in notice.body

    member = active_members("JZ", date(2026, 11, 27))[0]
    with pytest.raises(TradingError, match="交易已暂停"):
        services.respond(
            project.code,
            services.commitment_text(project.code),
            actor=member_user(member.contractor_id),
        )
    with pytest.raises(TradingError, match="交易已经暂停"):
        _suspend(project.code, phase.staff)


def test_a_suspended_trading_refuses_the_award_meeting_and_resumes_with_new_times():
    phase = active_pool()
    project, _t = announced(phase, make_user("owner"))
    respond_all(project, active_members("JZ", date(2026, 11, 27)))
    clock.set_now(at(2026, 12, 1, 9, 0))  # responses still open until 12-03 00:00
    _suspend(project.code, phase.staff)
    clock.set_now(at(2026, 12, 3, 9, 30))
    with pytest.raises(TradingError, match="交易已暂停"):
        hold_meeting(project.code, ["1"], actor=phase.staff)

    clock.set_now(at(2026, 12, 7, 10, 0))
    # The response deadline and the meeting passed during the suspension: both must be replaced.
    with pytest.raises(TradingError) as e:
        services.resume_trading(project.code, "投诉不成立", actor=phase.staff)
    assert e.value.field == "new_responses_close_at"
    with pytest.raises(TradingError) as e:
        services.resume_trading(
            project.code, "投诉不成立", new_responses_close_at=at(2026, 12, 10), actor=phase.staff
        )
    assert e.value.field == "new_meeting_at"
    assert _state(project.code) is ProjectState.SUSPENDED

    period = services.resume_trading(
        project.code,
        "投诉不成立",
        new_responses_close_at=at(2026, 12, 10),
        new_meeting_at=at(2026, 12, 10, 9, 30),
        actor=phase.staff,
    )
    assert _state(project.code) is ProjectState.ANNOUNCED
    t = db.session.scalar(select(Trading).where(Trading.project_id == project.id))
    assert t.responses_close_at == at(2026, 12, 10) and t.suspended_at is None
    assert period.resumed_at == clock.now() and period.resume_notice_id is not None
    assert "2026年12月10日 09:30" in db.session.get(Notice, period.resume_notice_id).body
    clock.set_now(at(2026, 12, 10, 9, 30))
    assert hold_meeting(project.code, ["1"], actor=phase.staff).is_drawn


def test_a_suspended_award_refuses_the_contract_until_resumed():
    phase = active_pool()
    owner = make_user("owner")
    project, t = drawn(phase, owner)
    clock.set_now(at(2026, 12, 8, 10, 0))
    _suspend(project.code, phase.staff)
    with pytest.raises(TradingError, match="交易已暂停"):
        services.record_contract(project.code, date(2026, 12, 8), t.contract_price, actor=owner)
    with pytest.raises(TradingError, match="定标会议已经举行"):
        services.resume_trading(
            project.code, "处理完毕", new_meeting_at=at(2026, 12, 20), actor=phase.staff
        )
    services.resume_trading(project.code, "处理完毕", actor=phase.staff)
    assert services.record_contract(project.code, date(2026, 12, 8), t.contract_price, actor=owner)


def test_only_staff_suspend_and_a_refused_suspension_changes_nothing():
    phase = active_pool()
    owner = make_user("owner")
    project, _t = announced(phase, owner)
    supervisor = make_user("supervisor")
    before = db.session.scalar(select(func.count()).select_from(AuditEntry))
    for actor in (owner, supervisor):
        with pytest.raises(TradingForbidden):
            _suspend(project.code, actor)
    for bad in ("", "  ", "理由\x00"):
        with pytest.raises(TradingError):
            services.suspend_trading(project.code, bad, actor=phase.staff)
    with pytest.raises(TradingError):
        _suspend(project.code, phase.staff, complaint_id=2**40)
    assert db.session.scalar(select(func.count()).select_from(AuditEntry)) == before
    assert db.session.scalar(select(func.count()).select_from(TradingSuspension)) == 0
    assert _state(project.code) is ProjectState.ANNOUNCED
