"""SMS after the award meeting (contracts.services.sms): the winner is told its rate, price and
signing period, every alternate its rank, every respondent of a failed trading the failure, and
the next in the ranking its award when a refusal passes it on — one message each, queued in the
meeting's (or the refusal's) own transaction, sent by the console backend and by the real twilio
client against the fake server."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import func, select

from app import clock
from app.errors import DomainError
from app.extensions import db
from app.money import yuan
from contractors import queries as pool_queries
from contractors import rules as pool_rules
from contractors.models import Contractor
from contractors.queries import active_members
from contracts import services
from contracts.models import Trading
from lottery import services as draws
from notices.models import Notice
from notices.sms import sender
from notices.sms import services as sms
from notices.sms.models import SmsMessage
from tests.factories import make_user, use_cheap_password_hashes
from tests.pool_factories import at, register
from tests.trading_factories import active_pool as _pool
from tests.trading_factories import announced as _announced
from tests.trading_factories import hold_meeting, refuse, screen_all
from tests.trading_factories import member_user as _user
from tests.trading_factories import respond_all as _respond_all
from tests.trading_factories import trading_counts as _counts

SIGNATURE = "【江北区公管办】"
NAME = "甬江街道某村道路硬化工程"


@pytest.fixture(autouse=True)
def _cheap_hashes(monkeypatch):
    use_cheap_password_hashes(monkeypatch)


def _messages(notice_id: int) -> list[SmsMessage]:
    db.session.expire_all()
    return list(
        db.session.scalars(
            select(SmsMessage).where(SmsMessage.notice_id == notice_id).order_by(SmsMessage.id)
        )
    )


def _all() -> int:
    return db.session.scalar(select(func.count()).select_from(SmsMessage))


def _by_company(notice_id: int) -> dict[str, SmsMessage]:
    rows = _messages(notice_id)
    usccs = {c.id: c.uscc for c in db.session.scalars(select(Contractor))}
    found = {usccs[m.contractor_id]: m for m in rows}
    assert len(found) == len(rows), "one message per company"
    return found


def _award_text(code: str, rate, price, deadline: str) -> str:
    price = yuan(price)  # "1,197,530.85": one format of amounts (issue 13)
    return (
        f"{SIGNATURE}贵单位被确定为{NAME}（{code}）的承包单位：下浮率{rate}%，合同价{price}元。"
        f"请自交易结果通知书发出之日起30日内（至{deadline}）与业主签订合同，"
        "无正当理由拒签的取消承包资格。详见小型建设工程公开交易平台。本短信无需回复。"
    )


def _alternate_text(code: str, rank: int) -> str:
    return (
        f"{SIGNATURE}{NAME}（{code}）交易结果已公布，贵单位排序第{rank}名（候补）。"
        "承包单位无正当理由拒签的，依排序顺延确定。详见小型建设工程公开交易平台。本短信无需回复。"
    )


def _drawn():
    """A JZ project whose three active members all responded, drawn on 2026-12-03."""
    phase = _pool()
    owner = make_user("owner")
    members = active_members("JZ", date(2026, 11, 27))
    project, t = _announced(phase, owner)
    _respond_all(project, members)
    clock.set_now(at(2026, 12, 3, 9, 30))
    t = hold_meeting(project.code, ["37", "8812"], actor=phase.staff)
    assert t.outcome == "drawn"
    return phase, owner, members, project, t


def test_after_the_draw_each_respondent_gets_one_message_and_the_winner_is_told_its_price(app):
    _phase, _owner, members, project, t = _drawn()
    ranking = draws.get(t.award_draw_id).result
    got = _by_company(t.result_notice_id)
    assert sorted(got) == sorted(m.uscc for m in members) == sorted(ranking)
    winner = got[ranking[0]]
    # The letter is dated 12-03; its day does not count: 30 days end on 2027-01-02.
    assert winner.body == _award_text(t.code, t.discount_rate, t.contract_price, "2027年1月2日")
    assert f"下浮率{t.discount_rate}%，合同价{yuan(t.contract_price)}元" in winner.body
    assert "," in yuan(t.contract_price)  # over a thousand: grouped, as on every page
    assert (winner.purpose, winner.template) == ("trading_award", "trading_award")
    for rank, uscc in enumerate(ranking[1:], 2):
        assert got[uscc].body == _alternate_text(t.code, rank)
        assert got[uscc].purpose == "trading_result"
        assert yuan(t.contract_price) not in got[uscc].body
    mobiles = {m.uscc: m.mobile for m in members}
    for uscc, m in got.items():
        assert m.to_number == mobiles[uscc] and m.status == "queued"
        assert m.subject_type == "notice" and m.subject_id == str(t.result_notice_id)
    # The trading notice's three and the result's three: nothing else, nobody twice.
    assert _all() == 6
    with pytest.raises(DomainError, match="不能再次摇号"):
        hold_meeting(project.code, ["1"], actor=_phase.staff)
    assert _all() == 6


def test_a_company_that_withdrew_its_response_hears_nothing_of_the_result(app):
    app.config["TRADING_MIN_RESPONDENTS"] = 2
    phase = _pool()
    members = active_members("JZ", date(2026, 11, 27))
    project, t = _announced(phase, make_user("owner"))
    _respond_all(project, members)
    services.withdraw_response(project.code, actor=_user(members[0].contractor_id))
    clock.set_now(at(2026, 12, 3, 9, 30))
    t = hold_meeting(project.code, ["5"], actor=phase.staff)
    got = _by_company(t.result_notice_id)
    assert sorted(got) == sorted(m.uscc for m in members[1:])
    assert sorted(m.purpose for m in got.values()) == ["trading_award", "trading_result"]


def test_a_failed_meeting_tells_each_respondent_and_nobody_else(app):
    phase = _pool()
    members = active_members("JZ", date(2026, 11, 27))
    project, t = _announced(phase, make_user("owner"))
    _respond_all(project, members[:2])
    clock.set_now(at(2026, 12, 3, 9, 30))
    t = hold_meeting(project.code, ["5"], actor=phase.staff)
    assert t.outcome == "failed"
    assert db.session.get(Notice, t.result_notice_id).type == "trading_failed"
    got = _by_company(t.result_notice_id)
    assert sorted(got) == sorted(m.uscc for m in members[:2])
    for m in got.values():
        assert m.purpose == "trading_failed"
        assert m.body == (
            f"{SIGNATURE}{NAME}（{t.code}）响应企业2家，少于规定的3家，本次交易失败（流标），"
            "项目可重新发布交易公告。详见小型建设工程公开交易平台。本短信无需回复。"
        )
    assert _all() == 3 + 2


def test_a_refusal_sends_the_award_message_to_the_next_in_the_ranking_counted_from_the_correction(
    app,
):
    _phase, owner, _members, project, t = _drawn()
    _first, second, third = draws.get(t.award_draw_id).result
    clock.set_now(at(2026, 12, 7, 10, 0))
    refusal = refuse(project.code, "无正当理由拒签", actor=owner)
    (passed,) = _messages(refusal.correction_notice_id)
    assert passed.contractor_id == db.session.scalar(
        select(Contractor.id).where(Contractor.uscc == second)
    )
    # The correction of 12-07 starts the new contract unit's 30 days: to 2027-01-06.
    t = db.session.get(Trading, t.id)
    assert passed.body == _award_text(t.code, t.discount_rate, t.contract_price, "2027年1月6日")
    assert passed.purpose == "trading_award"
    # 6 of the meeting, the award passed on, and the refusing company told of its case.
    assert _all() == 8

    clock.set_now(at(2026, 12, 8, 10, 0))
    refusal = refuse(project.code, "无正当理由拒签", actor=owner)
    (passed,) = _messages(refusal.correction_notice_id)
    assert passed.to_number == pool_queries.contractor_by_uscc(third).contact_mobile
    assert "至2027年1月7日" in passed.body
    # The last one refuses too: the ranking is exhausted and nobody is left to tell of an award;
    # each of the three refusing companies was told of its misconduct case (8 + 1 + 2).
    refuse(project.code, "无正当理由拒签", actor=owner)
    assert _all() == 11


def test_a_respondent_suspended_after_responding_is_still_told_its_place_in_the_ranking(app):
    phase = _pool()
    members = active_members("JZ", date(2026, 11, 27))
    project, t = _announced(phase, make_user("owner"))
    _respond_all(project, members)
    suspended = members[0].contractor_id
    # A sanction from 12-01 (a later issue feeds these): no longer an active member, but it
    # responded while it was one, so it stands in the draw and is told its result like the rest.
    pool_queries.register_suspension_source(  # in this test's app only
        app,
        "sanctions",
        lambda ids, on, district: {suspended: [pool_rules.Period(date(2026, 12, 1), None)]},
    )
    assert suspended not in {m.contractor_id for m in active_members("JZ", date(2026, 12, 3))}
    clock.set_now(at(2026, 12, 3, 9, 30))
    t = hold_meeting(project.code, ["5"], actor=phase.staff)
    got = _by_company(t.result_notice_id)
    assert members[0].uscc in got and len(got) == 3


def test_a_meeting_whose_messages_cannot_be_written_changes_nothing(app):
    phase = _pool()
    members = active_members("JZ", date(2026, 11, 27))
    project, t = _announced(phase, make_user("owner"))
    _respond_all(project, members)
    clock.set_now(at(2026, 12, 3, 9, 30))
    screen_all(project.code, actor=phase.staff)
    app.config["SMS_SIGNATURE"] = "江北区公管办"  # without its 【】: every text is refused
    before = _counts()
    with pytest.raises(DomainError, match="签名"):
        hold_meeting(project.code, ["5"], actor=phase.staff)
    assert _counts() == before
    assert db.session.get(Trading, t.id).outcome is None
    assert draws.get(t.award_draw_id).status == "committed"
    app.config["SMS_SIGNATURE"] = SIGNATURE
    t = hold_meeting(project.code, ["5"], actor=phase.staff)
    assert len(_messages(t.result_notice_id)) == 3


def test_the_console_backend_sends_them_and_the_result_notice_shows_the_proof(app, client):
    _phase, _owner, _members, _project, t = _drawn()
    report = sender.drain()
    assert report.sent == 6
    assert {m.status for m in _messages(t.result_notice_id)} == {"sent"}
    page = client.html(f"/notices/{t.result_notice_id}")
    assert "已短信通知 3 家入围企业" in page


def test_the_real_twilio_client_sends_each_result_once_to_the_registered_mobile(twilio_app, fake):
    _phase, _owner, members, _project, t = _drawn()
    report = sender.drain()
    assert report.sent == 6 and not report.errors
    notice_texts = {m.body for m in _messages(t.notice_id)}
    sent = {m["to"]: m["body"] for m in fake.messages if m["body"] not in notice_texts}
    results = _messages(t.result_notice_id)
    assert {m.to_number: m.body for m in results} == sent
    for m in results:
        assert m.status == "sent" and fake.creates_to(m.to_number) == 2  # the notice, the result
        assert fake.by_sid(m.provider_id)["body"].startswith(SIGNATURE)
    assert {m.mobile for m in members} == set(sent)


def test_texts_that_differ_by_recipient_are_all_refused_when_one_is(app):
    """The outbox's `queue_each` (one text per rank) writes nothing unless every text renders."""
    clock.set_now(at(2026, 11, 2, 9, 0))
    a, b = register(0), register(1)
    values = {"name": NAME, "code": "PRJ-2026-0001"}
    with pytest.raises(DomainError, match="rank"):
        sms.queue_each(
            subject_type="notice",
            subject_id="1",
            purpose="trading_result",
            template="trading_result",
            messages=[
                (sms.Recipient(a.id, a.contact_mobile), {**values, "rank": "2"}),
                (sms.Recipient(b.id, b.contact_mobile), {**values, "rank": ""}),
            ],
        )
    assert _all() == 0
