"""Per-project trading (DESIGN.md, procedure B) against a real database: a project from entry to
contract, failed tradings, refusals passed down the ranking, and every bad input refused with
nothing changed."""

from __future__ import annotations

import re
from datetime import date
from decimal import Decimal

import pytest
from sqlalchemy import func, select

from app import clock
from app.api import time_iso
from app.audit import verify_chain
from app.errors import DomainError
from app.extensions import db
from contractors.queries import active_members
from contracts import queries, services
from contracts.errors import OutOfScope, ResponsesClosed, TooEarly, TradingForbidden
from contracts.models import Project, Trading
from lottery import rules as draw_rules
from lottery import services as draws
from lottery.verify import verify_record
from notices.models import Notice
from notices.sms.models import SmsMessage
from tests.factories import make_user, use_cheap_password_hashes
from tests.pool_factories import at, register, user_of
from tests.trading_factories import active_pool as _pool
from tests.trading_factories import announced as _announced
from tests.trading_factories import hold_meeting, refuse, screen_all
from tests.trading_factories import member_user as _user
from tests.trading_factories import project_input as _input
from tests.trading_factories import respond_all as _respond_all
from tests.trading_factories import trading_counts as _counts


@pytest.fixture(autouse=True)
def _setup(app, monkeypatch):
    use_cheap_password_hashes(monkeypatch)


def _verify(draw_id: str) -> None:
    record = draw_rules.published_record(draws.get(draw_id), time_iso)
    assert verify_record(record).ok


def test_a_project_walks_from_entry_to_contract_with_a_refusal_on_the_way(app, client):
    phase = _pool()
    owner = make_user("owner")
    members = active_members("JZ", date(2026, 11, 27))
    assert len(members) == 3
    project, t = _announced(phase, owner)
    notice = db.session.get(Notice, t.notice_id)
    # Published Friday 11-27: 11-30, 12-01, 12-02 → ends 2026-12-03 00:00 (+08:00).
    assert notice.publicity_ends_at == at(2026, 12, 3, 0, 0) == t.responses_close_at
    award, rate = draws.get(t.award_draw_id), draws.get(t.rate_draw_id)
    assert award.seed_commitment in notice.body and rate.seed_commitment in notice.body
    assert "| 8.50% | 1,129,629.62 |" in notice.body
    # One format of amounts (issue 13): grouped by thousands, never "1234567.89元".
    assert "控制价：1,234,567.89元" in notice.body
    assert not re.search(r"[0-9]{4}\.[0-9]{2}", notice.body)
    assert db.session.scalar(select(func.count()).select_from(SmsMessage)) == 3

    _respond_all(project, members)
    # One withdraws and confirms again before the deadline.
    services.withdraw_response(project.code, actor=_user(members[0].contractor_id))
    services.respond(
        project.code,
        services.commitment_text(project.code),
        actor=_user(members[0].contractor_id),
    )
    clock.set_now(at(2026, 12, 3, 9, 30))
    t = hold_meeting(project.code, ["37", "8812"], actor=phase.staff)
    assert t.outcome == "drawn" and t.winner_uscc == draws.get(t.award_draw_id).result[0]
    price = Decimal("1234567.89") * (1 - t.discount_rate / 100)
    assert t.contract_price == price.quantize(Decimal("0.01"), rounding="ROUND_HALF_UP")
    _verify(t.award_draw_id)
    _verify(t.rate_draw_id)
    body = client.get(f"/api/v1/projects/{project.code}").get_json()
    assert body["status"] == "drawn" and body["winner"] == t.winner_uscc
    assert body["draw_ids"] == {"award": t.award_draw_id, "rate": t.rate_draw_id}
    assert body["control_price"] == "1234567.89" and body["contract_price"] == str(t.contract_price)
    for key in ("published", "responses_closed", "drawn", "letter_issued"):
        assert body["timeline"][key]
    with pytest.raises(DomainError, match="不能再次摇号"):
        hold_meeting(project.code, ["1"], actor=phase.staff)

    # The winner refuses: the award passes to the second, same rate and price.
    first, second = draws.get(t.award_draw_id).result[:2]
    rate_before, price_before = t.discount_rate, t.contract_price
    clock.set_now(at(2026, 12, 7, 10, 0))
    refusal = refuse(project.code, "无正当理由拒签", actor=owner)
    t = db.session.get(Trading, t.id)
    assert refusal.passed_to_uscc == second == t.winner_uscc
    assert (t.discount_rate, t.contract_price) == (rate_before, price_before)
    correction = db.session.get(Notice, refusal.correction_notice_id)
    assert correction.corrects_id == t.result_notice_id and first in correction.body

    services.record_contract(project.code, date(2026, 12, 7), t.contract_price, actor=owner)
    body = client.get("/api/v1/projects").get_json()["items"][0]
    assert body["status"] == "signed" and body["winner"] == second
    assert verify_chain().ok


def test_fewer_than_three_respondents_fail_the_trading_and_it_may_be_announced_again(app):
    phase = _pool()
    owner = make_user("owner")
    members = active_members("JZ", date(2026, 11, 27))
    project, t = _announced(phase, owner)
    _respond_all(project, members[:2])
    clock.set_now(at(2026, 12, 3, 9, 30))
    t = hold_meeting(project.code, ["5"], actor=phase.staff)
    assert t.outcome == "failed"
    assert db.session.get(Notice, t.result_notice_id).type == "trading_failed"
    for draw_id in (t.award_draw_id, t.rate_draw_id):
        d = draws.get(draw_id)
        assert d.status == "abandoned" and "少于" in d.abandon_reason
        _verify(draw_id)
    t2 = services.announce(
        project.code,
        services.TradingInput(at(2026, 12, 9, 9, 30), "区公共资源交易中心二楼", ["4.00"]),
        reviewed=services.fingerprint(project),
        actor=phase.staff,
    )
    assert t2.round == 2 and t2.award_draw_id == f"{project.code}-2-award"
    # The two rounds' notices are told apart by their titles.
    first, second = (db.session.get(Notice, x.notice_id).title for x in (t, t2))
    assert first == f"{project.name}交易公告"
    assert second == f"{project.name}（第2次）交易公告"
    assert db.session.get(Notice, t.result_notice_id).title == f"{project.name}流标公告"


def test_every_bad_input_is_refused_with_nothing_changed(app):
    phase = _pool()
    owner = make_user("owner")
    members = active_members("JZ", date(2026, 11, 27))
    member_ids = {m.contractor_id for m in members}
    clock.set_now(at(2026, 11, 26, 9, 0))
    for bad in (
        {"control_price": "1234567.891"},
        {"estimate": "4000000"},
        {"estimate": "99999"},
        {"kind": "supervision", "estimate": "1000000"},
    ):
        before = _counts()
        with pytest.raises(DomainError):
            services.submit_project(_input(**bad), actor=owner)
        assert _counts() == before
    with pytest.raises(OutOfScope):
        services.submit_project(_input(estimate="5000000"), actor=owner)

    project = services.submit_project(_input(), actor=owner)
    services.file_project(project.code, reviewed=services.fingerprint(project), actor=phase.staff)
    clock.set_now(at(2026, 11, 27, 10, 0))
    for rates in (["3.00", "3.00"], ["0"], ["100"], ["-2"]):
        before = _counts()
        with pytest.raises(DomainError):
            services.announce(
                project.code,
                services.TradingInput(at(2026, 12, 3, 9, 30), "二楼", rates),
                reviewed=services.fingerprint(project),
                actor=phase.staff,
            )
        assert _counts() == before
    before = _counts()
    with pytest.raises(DomainError, match="公示期结束后"):
        services.announce(
            project.code,
            services.TradingInput(at(2026, 12, 2, 9, 30), "二楼", ["3.00"]),
            reviewed=services.fingerprint(project),
            actor=phase.staff,
        )
    assert _counts() == before
    services.announce(
        project.code,
        services.TradingInput(at(2026, 12, 3, 9, 30), "二楼", ["3.00", "8.50"]),
        reviewed=services.fingerprint(project),
        actor=phase.staff,
    )
    text = services.commitment_text(project.code)
    clock.set_now(at(2026, 11, 30, 9, 0))
    # A company that is not an active JZ member: the failed applicant and a newcomer.
    outsiders = [c for c in phase.contractors if c.id not in member_ids]
    outsiders.append(register(6))
    for c in outsiders:
        before = _counts()
        with pytest.raises(TradingForbidden):
            services.respond(project.code, text, actor=user_of(c))
        assert _counts() == before
    _respond_all(project, members)
    clock.set_now(at(2026, 12, 2, 23, 0))
    before = _counts()
    with pytest.raises(TooEarly):
        hold_meeting(project.code, ["1"], actor=phase.staff)
    assert _counts() == before
    clock.set_now(at(2026, 12, 3, 0, 0))
    for m in members:
        with pytest.raises(ResponsesClosed):
            services.withdraw_response(project.code, actor=_user(m.contractor_id))
    with pytest.raises(ResponsesClosed):
        services.respond(project.code, text, actor=_user(members[0].contractor_id))
    assert _counts() == before


def test_the_award_meeting_is_not_held_before_the_time_the_notice_published(app):
    # Responses close 12-03 00:00; the notice called the meeting for 12-03 09:30, when
    # respondents and the public come to watch the draws. Until then neither step is taken.
    phase, owner = _pool(), make_user("owner")
    project, t = _announced(phase, owner)
    _respond_all(project, active_members("JZ", date(2026, 11, 27)))
    for moment in (at(2026, 12, 3, 0, 0), at(2026, 12, 3, 9, 29, 59)):
        clock.set_now(moment)
        before = _counts()
        with pytest.raises(TooEarly) as refused:
            services.show_meeting_entropy(project.code, ["37"], actor=phase.staff)
        assert "2026-12-03 09:30" in refused.value.message
        with pytest.raises(TooEarly):
            services.hold_meeting(project.code, ["37"], actor=phase.staff)
        assert _counts() == before
        assert draws.get(t.award_draw_id).pending_entropy is None
    clock.set_now(at(2026, 12, 3, 9, 30))
    screen_all(project.code, actor=phase.staff)
    before = _counts()
    services.show_meeting_entropy(project.code, ["37"], actor=phase.staff)
    with pytest.raises(DomainError, match="响应企业名单在核对之后发生了变化"):
        services.hold_meeting(project.code, ["37"], reviewed="0" * 64, actor=phase.staff)
    assert _counts() == before
    reviewed = draw_rules.candidates_digest(sorted(queries.respondents(t)))
    held = services.hold_meeting(project.code, ["37"], reviewed=reviewed, actor=phase.staff)
    assert held.outcome == "drawn"


def test_a_member_of_another_category_cannot_respond(app):
    phase = _pool()
    owner = make_user("owner")
    jz = {m.contractor_id for m in active_members("JZ", date(2026, 11, 27))}
    sz = {m.contractor_id for m in active_members("SZ", date(2026, 11, 27))}
    only_jz = sorted(jz - sz)
    assert only_jz
    project, _t = _announced(phase, owner, category_code="SZ")
    clock.set_now(at(2026, 11, 30, 9, 0))
    before = _counts()
    with pytest.raises(TradingForbidden):
        services.respond(
            project.code, services.commitment_text(project.code), actor=_user(only_jz[0])
        )
    assert _counts() == before


def _drawn(phase, owner):
    members = active_members("JZ", date(2026, 11, 27))
    project, _t = _announced(phase, owner)
    _respond_all(project, members)
    clock.set_now(at(2026, 12, 3, 9, 30))
    return project, hold_meeting(project.code, ["7"], actor=phase.staff)


def test_a_contract_dated_before_the_letter_or_in_the_future_is_refused(app):
    phase = _pool()
    owner = make_user("owner")
    project, t = _drawn(phase, owner)
    clock.set_now(at(2026, 12, 4, 10, 0))
    for day, message in (
        (date(2026, 12, 2), "早于承包单位收到交易结果通知"),
        (date(2026, 12, 5), "晚于今天"),
    ):
        before = _counts()
        with pytest.raises(DomainError, match=message):
            services.record_contract(project.code, day, t.contract_price, actor=owner)
        assert _counts() == before
    services.record_contract(project.code, date(2026, 12, 3), t.contract_price, actor=owner)


def test_when_every_ranked_company_refuses_the_trading_fails_and_may_be_announced_again(app):
    phase = _pool()
    owner = make_user("owner")
    project, t = _drawn(phase, owner)
    clock.set_now(at(2026, 12, 4, 10, 0))
    refusals = [refuse(project.code, "拒签", actor=owner) for _ in range(3)]
    assert [r.passed_to_uscc is None for r in refusals] == [False, False, True]
    t = db.session.get(Trading, t.id)
    assert t.outcome == "failed" and t.winner_uscc is None and t.contract_price is None
    assert queries.state_of(db.session.get(Project, project.id)) == "failed"
    # The last refusal posted again names a company whose refusal is recorded: refused.
    last = draws.get(t.award_draw_id).result[2]
    with pytest.raises(DomainError, match="拒签已经记录"):
        services.record_refusal(project.code, "拒签", uscc=last, position=3, actor=owner)
    t2 = services.announce(
        project.code,
        services.TradingInput(at(2026, 12, 10, 9, 30), "区公共资源交易中心二楼", ["4.00"]),
        reviewed=services.fingerprint(project),
        actor=phase.staff,
    )
    assert t2.round == 2
