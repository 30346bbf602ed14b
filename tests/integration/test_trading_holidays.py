"""Per-project trading over the real 2026 holidays (国务院办公厅 2026 arrangement, as chinese-calendar
has it): the response deadline lands after the holiday and counts the make-up working days (调休),
responses before it are accepted and none at its instant, the meeting waits for it, and the
notice-to-letter figure counts working days across the holiday.

2026: National Day 10-01…10-07 off, Saturday 10-10 worked; Spring Festival 02-15…02-23 off,
Saturdays 02-14 and 02-28 worked; Qingming 04-04…04-06; May Day 05-01…05-05, Saturday 05-09
worked; Mid-Autumn 09-25…09-27, Sunday 09-20 worked."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from sqlalchemy import func, select

from app import clock
from app.api import time_iso
from app.audit import AuditEntry, verify_chain
from app.calendar.services import current_calendar
from app.extensions import db
from contractors.queries import active_members
from contracts import queries, rules, services
from contracts.errors import ResponsesClosed, TooEarly, TradingError
from contracts.models import Project, Trading, TradingResponse
from contracts.rules import ProjectState
from lottery import rules as draw_rules
from lottery import services as draws
from lottery.models import Draw
from lottery.verify import verify_record
from notices.models import Notice
from notices.sms.models import SmsMessage
from tests.factories import make_user, use_cheap_password_hashes
from tests.pool_factories import Phase, at, user_of
from tests.trading_factories import hold_meeting, refuse

PLACE = "区公共资源交易中心一楼开标室"
#: The pool round of tests.pool_factories run 40 weeks earlier: from December 2025 to January
#: 2026, members active from 2026-01-25 — before the Spring Festival and all of 2026's holidays.
EARLY = timedelta(weeks=-40)


@pytest.fixture(autouse=True)
def _setup(app, monkeypatch):
    use_cheap_password_hashes(monkeypatch)


def _pool() -> Phase:
    return Phase(offset=EARLY).through_roster()


def _input(**overrides) -> services.ProjectInput:
    values = {
        "name": "洪塘街道某村文化礼堂修缮工程",
        "owner_name": "洪塘街道某村股份经济合作社",
        "town": "洪塘街道",
        "village": "某村",
        "category_code": "JZ",
        "funding": "collective",
        "estimate": "620000",
        "control_price": "586400.00",
        "non_competitive_part": "18200.00",
        "duration_days": 60,
        "contact_person": "陈国庆",
        "contact_phone": "0574-87561234",
        **overrides,
    }
    return services.ProjectInput(**values)


def _counts() -> tuple:
    db.session.expire_all()
    models = (Project, Trading, TradingResponse, Notice, Draw, AuditEntry, SmsMessage)
    return tuple(db.session.scalar(select(func.count()).select_from(m)) for m in models)


def _user(member):
    from contractors.models import Contractor

    return user_of(db.session.get(Contractor, member.contractor_id))


def _respond(code: str, member, *when) -> TradingResponse:
    clock.set_now(at(*when))
    return services.respond(code, services.commitment_text(code), actor=_user(member))


def _filed(phase: Phase, owner, submitted: tuple, filed: tuple, **overrides) -> Project:
    clock.set_now(at(*submitted))
    project = services.submit_project(_input(**overrides), actor=owner)
    clock.set_now(at(*filed))
    services.file_project(project.code, reviewed=services.fingerprint(project), actor=phase.staff)
    return project


def _verify(draw_id: str) -> None:
    verdict = verify_record(draw_rules.published_record(draws.get(draw_id), time_iso))
    assert verdict.ok, verdict.lines()


def _letter_days(t: Trading) -> int:
    notice = db.session.get(Notice, t.notice_id)
    return rules.notice_to_letter_days(
        current_calendar(),
        clock.local(notice.published_at).date(),
        clock.local(t.letter_issued_at).date(),
    )


def test_a_notice_published_the_day_before_national_day_runs_to_the_make_up_saturday(app):
    phase = _pool()
    owner = make_user("owner")
    members = active_members("JZ", date(2026, 9, 30))
    assert len(members) == 3
    project = _filed(phase, owner, (2026, 9, 28, 9, 0), (2026, 9, 29, 10, 0))

    # Wednesday 09-30: day 1 is Thursday 10-08, day 2 Friday 10-09, day 3 the make-up Saturday
    # 10-10, so the publicity and the responses end at 00:00 on Sunday 10-11.
    clock.set_now(at(2026, 9, 30, 10, 0))
    before = _counts()
    with pytest.raises(TradingError, match="公示期结束后"):
        services.announce(
            project.code,
            services.TradingInput(at(2026, 10, 10, 23, 59), PLACE, ["3.00", "5.00"]),
            reviewed=services.fingerprint(project),
            actor=phase.staff,
        )
    assert _counts() == before
    t = services.announce(
        project.code,
        services.TradingInput(at(2026, 10, 12, 9, 30), PLACE, ["3.00", "4.00", "5.00"]),
        reviewed=services.fingerprint(project),
        actor=phase.staff,
    )
    notice = db.session.get(Notice, t.notice_id)
    assert notice.publicity_ends_at == t.responses_close_at == at(2026, 10, 11, 0, 0)
    assert "2026年10月11日0时前" in notice.body
    assert db.session.scalar(select(func.count()).select_from(SmsMessage)) == 3

    # Responses on the holiday, on the make-up Saturday, and in its last second are accepted.
    _respond(project.code, members[0], 2026, 10, 1, 20, 0)
    _respond(project.code, members[2], 2026, 10, 8, 9, 0)
    _respond(project.code, members[1], 2026, 10, 10, 9, 0)
    clock.set_now(at(2026, 10, 10, 16, 0))
    services.withdraw_response(project.code, actor=_user(members[2]))
    _respond(project.code, members[2], 2026, 10, 10, 23, 59, 59)
    assert queries.state_of(project) is ProjectState.ANNOUNCED

    # The meeting waits for the end of the publicity: not in its last second.
    clock.set_now(at(2026, 10, 10, 23, 59, 59))
    before = _counts()
    with pytest.raises(TooEarly):
        hold_meeting(project.code, ["37"], actor=phase.staff)
    assert _counts() == before

    # At the deadline's instant no response or withdrawal is taken any more.
    clock.set_now(at(2026, 10, 11, 0, 0))
    assert queries.state_of(project) is ProjectState.AWAITING_MEETING
    with pytest.raises(ResponsesClosed):
        services.respond(
            project.code, services.commitment_text(project.code), actor=_user(members[2])
        )
    with pytest.raises(ResponsesClosed):
        services.withdraw_response(project.code, actor=_user(members[0]))
    assert _counts() == before

    clock.set_now(at(2026, 10, 12, 9, 30))
    t = hold_meeting(project.code, ["37", "8812", "506"], actor=phase.staff)
    assert t.outcome == "drawn" and sorted(queries.respondents(t)) == sorted(
        m.uscc for m in members
    )
    _verify(t.award_draw_id)
    _verify(t.rate_draw_id)
    # Notice Wednesday 09-30, letter Monday 10-12: 10-08, 10-09, 10-10 (worked) and 10-12 —
    # 4 working days, within the 5-day target, though 12 calendar days passed.
    assert clock.local(t.letter_issued_at).date() == date(2026, 10, 12)
    assert _letter_days(t) == 4 <= rules.LETTER_TARGET_WORKING_DAYS

    clock.set_now(at(2026, 10, 14, 15, 0))
    services.record_contract(project.code, date(2026, 10, 14), t.contract_price, actor=owner)
    assert queries.state_of(project) is ProjectState.SIGNED
    assert verify_chain().ok


def test_a_notice_published_before_the_spring_festival_counts_the_make_up_saturday(app):
    phase = _pool()
    owner = make_user("owner")
    members = active_members("JZ", date(2026, 2, 13))
    assert len(members) == 3
    project = _filed(phase, owner, (2026, 2, 10, 9, 0), (2026, 2, 11, 10, 0))

    # Friday 02-13: day 1 is the make-up Saturday 02-14, then the Festival (02-15…02-23), day 2
    # Tuesday 02-24, day 3 Wednesday 02-25: the responses close at 00:00 on Thursday 02-26.
    clock.set_now(at(2026, 2, 13, 10, 0))
    t = services.announce(
        project.code,
        services.TradingInput(at(2026, 2, 26, 9, 30), PLACE, ["3.00", "3.50", "4.00"]),
        reviewed=services.fingerprint(project),
        actor=phase.staff,
    )
    assert t.responses_close_at == at(2026, 2, 26, 0, 0)
    assert db.session.get(Notice, t.notice_id).publicity_ends_at == t.responses_close_at

    _respond(project.code, members[0], 2026, 2, 14, 10, 0)  # the make-up Saturday
    _respond(project.code, members[1], 2026, 2, 17, 21, 0)  # 初一, a holiday
    _respond(project.code, members[2], 2026, 2, 25, 23, 59, 59)  # the last second

    clock.set_now(at(2026, 2, 25, 17, 0))
    before = _counts()
    with pytest.raises(TooEarly):
        hold_meeting(project.code, ["5"], actor=phase.staff)
    clock.set_now(at(2026, 2, 26, 0, 0))
    with pytest.raises(ResponsesClosed):
        services.withdraw_response(project.code, actor=_user(members[1]))
    assert _counts() == before

    clock.set_now(at(2026, 2, 26, 9, 30))
    t = hold_meeting(project.code, ["19", "640"], actor=phase.staff)
    assert t.outcome == "drawn"
    _verify(t.award_draw_id)
    _verify(t.rate_draw_id)
    # 02-14 (worked), 02-24, 02-25, 02-26: 4 working days over 13 calendar days.
    assert _letter_days(t) == 4

    # The winner refuses on Saturday 02-28, itself a make-up working day: the award passes to
    # rank 2 at the same rate, and rank 2 signs.
    ranking = draws.get(t.award_draw_id).result
    price = t.contract_price
    clock.set_now(at(2026, 2, 28, 10, 0))
    refusal = refuse(project.code, "无正当理由拒绝签订合同", actor=owner)
    assert refusal.passed_to_uscc == ranking[1]
    clock.set_now(at(2026, 3, 2, 14, 0))
    services.record_contract(project.code, date(2026, 3, 2), price, actor=owner)
    contract = queries.contract_of(db.session.get(Trading, t.id))
    assert contract.amount == price
    assert queries.state_of(project) is ProjectState.SIGNED


@pytest.mark.parametrize(
    ("published", "ends"),
    [
        # Qingming: Thursday 04-02 → 04-03, 04-07, 04-08.
        ((2026, 4, 2, 10, 0), (2026, 4, 9)),
        # May Day: Thursday 04-30 → 05-06, 05-07, 05-08.
        ((2026, 4, 30, 10, 0), (2026, 5, 9)),
        # …and Friday 05-08 → the make-up Saturday 05-09, 05-11, 05-12.
        ((2026, 5, 8, 10, 0), (2026, 5, 13)),
        # Dragon Boat: Thursday 06-18 → 06-22, 06-23, 06-24.
        ((2026, 6, 18, 10, 0), (2026, 6, 25)),
        # Saturday 09-19 → the make-up Sunday 09-20, 09-21, 09-22.
        ((2026, 9, 19, 10, 0), (2026, 9, 23)),
        # Mid-Autumn then National Day: Thursday 09-24 → 09-28, 09-29, 09-30.
        ((2026, 9, 24, 10, 0), (2026, 10, 1)),
    ],
)
def test_the_response_deadline_follows_the_2026_arrangement(app, published, ends):
    staff = make_user("staff")
    owner = make_user("owner")
    clock.set_now(at(*published) - timedelta(days=2))
    project = services.submit_project(_input(), actor=owner)
    services.file_project(project.code, reviewed=services.fingerprint(project), actor=staff)
    clock.set_now(at(*published))
    close = at(*ends, 0, 0)
    before = _counts()
    with pytest.raises(TradingError, match="公示期结束后"):
        services.announce(
            project.code,
            services.TradingInput(close - timedelta(seconds=1), PLACE, ["3.00"]),
            reviewed=services.fingerprint(project),
            actor=staff,
        )
    assert _counts() == before
    t = services.announce(
        project.code,
        services.TradingInput(close, PLACE, ["3.00"]),
        reviewed=services.fingerprint(project),
        actor=staff,
    )
    assert t.responses_close_at == close
    clock.set_now(close - timedelta(seconds=1))
    assert queries.state_of(project) is ProjectState.ANNOUNCED
    clock.set_now(close)
    assert queries.state_of(project) is ProjectState.AWAITING_MEETING
