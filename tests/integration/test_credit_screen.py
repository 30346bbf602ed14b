"""The award meeting's credit screen (信用审查): every respondent is checked before the freeze; a
company on the national list of dishonest judgment debtors, or not active because of this
platform's sanction, is left out of the frozen candidates and named in the minutes and the
result notice; the draw record's format is unchanged."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from flask import current_app
from sqlalchemy import func, select

from app import clock
from app.audit import AuditEntry
from app.extensions import db
from contractors import rules as pool_rules
from contractors.queries import active_members, register_suspension_source
from contracts import queries, services
from contracts.errors import ResponsesClosed, TooEarly, TradingError, TradingForbidden
from contracts.screening import queries as screen_queries
from contracts.screening import services as screening
from contracts.screening.errors import ScreeningError
from contracts.screening.models import CreditCheck
from lottery import services as draws
from lottery.verify import verify_record
from notices.models import Notice
from tests.factories import PDF, Browser, make_user, use_cheap_password_hashes
from tests.pool_factories import at
from tests.trading_factories import (
    active_pool,
    announced,
    hold_meeting,
    respond_all,
    screen_all,
    trading_counts,
)


@pytest.fixture(autouse=True)
def _setup(app, monkeypatch):
    use_cheap_password_hashes(monkeypatch)


def at_meeting(phase):
    """Three members responded; the clock at the meeting, 2026-12-03 09:30."""
    project, t = announced(phase, make_user("owner"))
    members = active_members("JZ", date(2026, 11, 27))
    respond_all(project, members)
    clock.set_now(at(2026, 12, 3, 9, 30))
    return project, t, sorted(queries.respondents(t))


def check(uscc, /, **overrides) -> screening.CheckInput:
    values = {
        "uscc": overrides.pop("uscc", uscc),
        "checked_on": date(2026, 12, 3),
        "source": "zxgk",
        "result": "not_listed",
        "evidence": PDF,
        "evidence_name": "查询结果.pdf",
        "note": "",
        **overrides,
    }
    return screening.CheckInput(**values)


def _files() -> list[str]:
    folder = Path(current_app.config["UPLOAD_FOLDER"])
    return sorted(str(p) for p in folder.rglob("*") if p.is_file()) if folder.exists() else []


def _state():
    return trading_counts(), db.session.scalar(select(func.count(CreditCheck.id))), _files()


def test_a_listed_company_is_left_out_of_the_frozen_candidates_and_named_everywhere(app):
    phase = active_pool()
    project, t, codes = at_meeting(phase)
    found = queries.respondents(t)
    listed = codes[0]
    # Three respondents, one listed: two candidates, enough with a minimum of two.
    current_app.config["TRADING_MIN_RESPONDENTS"] = 2
    held = hold_meeting(project.code, ["37"], actor=phase.staff, listed=(listed,))
    assert held.is_drawn
    award = draws.get(t.award_draw_id)
    assert listed not in award.candidates and len(award.candidates) == len(found) - 1
    assert listed not in award.result
    # The record is the same format as ever and verifies.
    record = app.test_client().get(f"/api/v1/draws/{award.draw_id}").get_json()
    assert set(record) >= {"format", "candidates", "result"} and "excluded" not in record
    assert listed not in record["candidates"] and verify_record(record).ok
    # The result notice prints every check and the exclusion with its reason.
    body = db.session.get(Notice, held.result_notice_id).body
    assert "信用审查" in body and "列入失信被执行人名单，不作为候选人" in body
    assert found[listed] in body.split("不作为候选人，未参加摇号")[1]
    assert body.count("经中国执行信息公开网核查") == 0 and body.count("经信用中国核查") == len(
        found
    )
    # The minutes print the screen after the candidates.
    (section,) = draws.minutes_sections(award)
    assert section.title == "信用审查" and len(section.rows) == len(found)
    assert found[listed] in section.note
    assert draws.minutes_sections(draws.get(t.rate_draw_id)) == []
    pdf = Browser(app).get(f"/draws/{award.draw_id}/minutes.pdf")
    assert pdf.status_code == 200 and pdf.data.startswith(b"%PDF")


def test_the_freeze_is_refused_until_every_respondent_is_screened(app):
    phase = active_pool()
    project, t, codes = at_meeting(phase)
    screening.record_check(project.code, check(codes[0]), actor=phase.staff)
    before = _state()
    with pytest.raises(ScreeningError, match="尚有2家响应企业未完成信用核查"):
        services.show_meeting_entropy(project.code, ["37"], actor=phase.staff)
    with pytest.raises(ScreeningError, match="不能冻结候选名单"):
        services.hold_meeting(project.code, ["37"], actor=phase.staff)
    assert _state() == before
    assert queries.latest_trading(project).outcome is None
    assert draws.get(t.award_draw_id).status == "committed"
    screen_all(project.code, actor=phase.staff)
    assert hold_meeting(project.code, ["37"], actor=phase.staff).is_drawn


def test_a_listed_company_that_leaves_too_few_fails_the_trading_with_the_reason(app):
    phase = active_pool()
    project, _t, codes = at_meeting(phase)
    held = hold_meeting(project.code, ["37"], actor=phase.staff, listed=(codes[1],))
    assert held.is_failed
    assert "经信用审查排除1家" in held.failed_reason and "有效候选2家" in held.failed_reason


def test_a_company_suspended_by_this_platform_is_excluded_automatically(app):
    phase = active_pool()
    project, t, _codes = at_meeting(phase)
    suspended_id = active_members("JZ", date(2026, 12, 3))[0].contractor_id
    register_suspension_source(
        app,
        "test",
        lambda ids, on, district: {
            suspended_id: [pool_rules.Period(date(2026, 12, 1), date(2027, 6, 1))]
        },
    )
    rows = screen_queries.screen_of(t)
    (row,) = [r for r in rows if r.contractor_id == suspended_id]
    assert row.state == "sanctioned" and row.excluded and not row.active
    current_app.config["TRADING_MIN_RESPONDENTS"] = 2
    held = hold_meeting(project.code, ["37"], actor=phase.staff)
    assert row.uscc not in draws.get(t.award_draw_id).candidates
    body = db.session.get(Notice, held.result_notice_id).body
    assert "不在本类别有效名录内" in body


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        ({"checked_on": date(2026, 12, 4)}, "checked_on", "核查日期不能晚于今天"),
        ({"checked_on": date(2026, 11, 26)}, "checked_on", "不能早于交易公告发布日"),
        ({"checked_on": None}, "checked_on", "请填写核查日期"),
        ({"evidence": None}, "evidence", "请上传核查结果的截图或PDF"),
        ({"evidence": b"plain text"}, "evidence", "只接受PDF或图片"),
        ({"result": "maybe"}, "result", "请选择核查结果"),
        ({"source": "baidu"}, "source", "请选择核查渠道"),
        ({"uscc": "91330205000000000X"}, "uscc", "不是本次交易的响应企业"),
        ({"note": "x\x00"}, "note", "备注"),
        ({"note": "长" * 501}, "note", "备注"),
    ],
)
def test_a_bad_credit_check_is_refused_with_nothing_changed(app, overrides, field, message):
    phase = active_pool()
    project, _t, codes = at_meeting(phase)
    before = _state()
    with pytest.raises(ScreeningError, match=message) as refused:
        screening.record_check(project.code, check(codes[0], **overrides), actor=phase.staff)
    assert refused.value.field == field
    assert _state() == before


def test_a_check_is_refused_to_others_before_the_close_and_after_the_freeze(app):
    phase = active_pool()
    project, _t = announced(phase, make_user("owner"))
    respond_all(project, active_members("JZ", date(2026, 11, 27)))
    codes = sorted(queries.respondents(queries.latest_trading(project)))
    clock.set_now(at(2026, 12, 2, 12, 0))
    with pytest.raises((TooEarly, ResponsesClosed, TradingError)):
        screening.record_check(
            project.code, check(codes[0], checked_on=date(2026, 12, 2)), actor=phase.staff
        )
    clock.set_now(at(2026, 12, 3, 9, 30))
    others = [make_user(role) for role in ("owner", "contractor", "supervisor")]
    before = _state()
    for actor in others:
        with pytest.raises(TradingForbidden):
            screening.record_check(project.code, check(codes[0]), actor=actor)
    assert _state() == before
    hold_meeting(project.code, ["37"], actor=phase.staff)
    with pytest.raises(ScreeningError, match="候选名单已冻结"):
        screening.record_check(project.code, check(codes[0], result="listed"), actor=phase.staff)


def test_a_check_is_refused_while_the_trading_is_suspended_and_accepted_once_resumed(app):
    phase = active_pool()
    project, _t, codes = at_meeting(phase)
    clock.set_now(at(2026, 12, 3, 8, 0))  # responses closed, the meeting at 09:30
    services.suspend_trading(project.code, "收到投诉，依法暂停交易", actor=phase.staff)
    before = _state()
    with pytest.raises(TradingError, match="交易已暂停"):
        screening.record_check(project.code, check(codes[0]), actor=phase.staff)
    assert _state() == before
    services.resume_trading(project.code, "投诉不成立", actor=phase.staff)
    assert screening.record_check(project.code, check(codes[0]), actor=phase.staff).id


def test_a_check_recorded_again_before_the_freeze_replaces_the_first(app):
    phase = active_pool()
    project, t, codes = at_meeting(phase)
    screening.record_check(project.code, check(codes[0]), actor=phase.staff)
    screening.record_check(
        project.code, check(codes[0], result="listed", note="复核时发现已列入"), actor=phase.staff
    )
    (row,) = [r for r in screen_queries.screen_of(t) if r.uscc == codes[0]]
    assert row.state == "listed" and row.check.note == "复核时发现已列入"
    assert db.session.scalar(select(func.count(CreditCheck.id))) == 1
    entries = db.session.scalars(
        select(AuditEntry)
        .where(AuditEntry.action == "credit_check:recorded")
        .order_by(AuditEntry.seq)
    ).all()
    assert [e.after["result"] for e in entries] == ["not_listed", "listed"]
    assert entries[1].before["result"] == "not_listed"
