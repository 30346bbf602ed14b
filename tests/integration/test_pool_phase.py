"""The whole pool formation (DESIGN.md, procedure A) against a real database, with the clock moved
over the real 2026 holidays: call, applications, review, objection and correction, the draws,
roster publicity, roster, active members and `GET /api/v1/pool`."""

from __future__ import annotations

from datetime import date, datetime

import pytest

from app import clock
from app.api import time_iso
from app.audit import verify_chain
from app.extensions import db
from contractors import queries, rules, services
from contractors.errors import TooEarly
from lottery import rules as draw_rules
from lottery import services as draws
from lottery.verify import verify_record
from notices.models import Notice
from tests.factories import default_district, use_cheap_password_hashes
from tests.integration.test_lottery_services import secret_seed
from tests.pool_factories import (
    Phase,
    at,
    call_input,
    company,
    register,
    user_of,
)


@pytest.fixture(autouse=True)
def _setup(app, monkeypatch):
    use_cheap_password_hashes(monkeypatch)


def test_the_whole_phase_from_call_to_roster_over_the_2026_autumn_holidays(app, client):
    p = Phase()
    p.draft_and_consult()
    assert queries.state_of(p.call) is rules.CallState.DRAFT

    call_notice = p.publish_call()  # Monday 2026-09-21
    assert call_notice.type == "pool_call" and call_notice.min_working_days == 10
    # 09-22..24, 09-28..30, 10-08, 10-09, 10-10 (调休 Saturday), 10-12: Mid-Autumn (09-25..27)
    # and National Day (10-01..07) do not count.
    assert call_notice.publicity_ends_at == at(2026, 10, 13, 0, 0)
    assert "建筑工程 | 3" in call_notice.body

    p.applicants()
    assert queries.state_of(p.call) is rules.CallState.OPEN
    # Company 1 amends (drops 市政) and restores it; company 3 withdraws and applies again.
    c1, c3 = p.contractors[1], p.contractors[3]
    a1 = queries.applications_of(user_of(c1))[0]
    services.amend_application(a1.id, ["JZ"], actor=user_of(c1))
    services.amend_application(a1.id, ["JZ", "SZ"], actor=user_of(c1))
    a3 = queries.applications_of(user_of(c3))[0]
    services.withdraw_application(a3.id, actor=user_of(c3))
    services.apply(p.call.id, ["JZ"], actor=user_of(c3))

    # The last day of the window is 10-12; on 10-13 the call is under review.
    clock.set_now(at(2026, 10, 12, 23, 59))
    assert queries.state_of(p.call) is rules.CallState.OPEN
    p.review()
    assert queries.state_of(p.call) is rules.CallState.REVIEW
    steps = {s.key: s for s in queries.timeline(p.call.id)}
    assert steps["review"].state == "done" and steps["review_result"].state == "now"
    # Review published today: 10-14..16, so 10-17 at the earliest; the meeting is set for 10-19.
    assert steps["meeting"].earliest == date(2026, 10, 19)  # meeting set for Monday 10-19

    review = p.publish_review()
    assert review.type == "review_result" and review.publicity_ends_at == at(2026, 10, 17, 0, 0)
    # Passes and fails with reasons, the meeting, and each category's draw commitment.
    assert "不合格 | 资质等级不足：资质等级为三级，要求二级" in review.body
    assert review.body.count("| 合格 |") == 6
    assert "2026-10-19 09:30" in review.body and "区公共资源交易中心一楼开标室" in review.body
    for cc in p.call.categories:
        d = draws.get(cc.draw_id)
        assert d.status == "committed" and d.winners == cc.quota
        assert cc.draw_id in review.body and d.seed_commitment in review.body
        assert d.seed is None and secret_seed(d) not in review.body
    assert queries.meeting_of(p.call.id).place == "区公共资源交易中心一楼开标室"

    # A step before its publicity ended is refused with the earliest date.
    clock.set_now(at(2026, 10, 16, 15, 0))
    with pytest.raises(TooEarly) as e:
        services.settle_category(p.call.id, "JZ", ["1"], actor=p.staff)
    assert "资格审查结果公示期至2026-10-16结束" in e.value.message
    assert e.value.earliest == date(2026, 10, 17)

    # An objection during the publicity, upheld: a correction notice, the fail becomes a pass.
    objector = register(6)
    failed = p.failed_entry()
    o = services.file_objection(
        failed.id, "本企业资质等级已于9月升级为二级，证书已上传。", actor=user_of(objector)
    )
    clock.set_now(at(2026, 10, 17, 10, 0))
    assert queries.open_objections(p.call.id) == 1
    steps = {s.key: s for s in queries.timeline(p.call.id)}
    assert steps["meeting"].state == "blocked" and "异议" in steps["meeting"].note
    o = services.answer_objection(o.id, "经核实，资质等级符合要求，异议成立。", True, actor=p.staff)
    correction = db.session.get(Notice, o.correction_notice_id)
    assert correction.type == "correction" and correction.corrects_id == review.id
    assert "由“不合格”更正为“合格”" in correction.body
    assert len(queries.qualified(p.call.categories[0])) == 5

    # The meeting: 建筑工程 has 5 qualified for 3 places → drawn; 市政 has 2 for 3 → all enter.
    p.meeting()
    jz, sz = p.call.categories
    assert jz.outcome == "drawn" and sz.outcome == "all_enter"
    jz_draw, sz_draw = draws.get(jz.draw_id), draws.get(sz.draw_id)
    assert jz_draw.candidates == sorted(company(n) for n in range(5))
    assert sz_draw.status == "abandoned" and "全部入围" in sz_draw.abandon_reason
    for d in (jz_draw, sz_draw):
        verdict = verify_record(draw_rules.published_record(d, time_iso))
        assert verdict.ok, verdict
    selected = [s.contractor.uscc for s in queries.selections(jz.id) if s.status == "selected"]
    reserve = [s.contractor.uscc for s in queries.selections(jz.id) if s.status == "reserve"]
    assert selected == draws.winners_of(jz.draw_id) and reserve == draws.alternates_of(jz.draw_id)
    assert len(selected) == 3 and len(reserve) == 2

    publicity = p.roster_publicity()
    assert publicity.publicity_ends_at == at(2026, 10, 27, 0, 0)
    assert "候补" in publicity.body and "全部入围" in publicity.body
    # Nobody is a member before the roster.
    assert queries.active_members("JZ", date(2026, 10, 26)) == []
    clock.set_now(at(2026, 10, 26, 16, 0))
    with pytest.raises(TooEarly, match="入围企业名录公示期至2026-10-26结束"):
        services.publish_roster(p.call.id, actor=p.staff)

    roster = p.roster()
    assert roster.type == "roster"
    assert queries.state_of(p.call) is rules.CallState.ACTIVE
    # Active from the pool's validity (11-01; the roster came earlier) to 2028-10-31 inclusive.
    assert queries.active_members("JZ", date(2026, 10, 31)) == []
    members = queries.active_members("JZ", date(2026, 11, 1))
    assert [m.uscc for m in members] == sorted(selected)
    assert queries.active_members("JZ", date(2028, 10, 31))
    assert queries.active_members("JZ", date(2028, 11, 1)) == []
    assert {m.uscc for m in queries.active_members("SZ", date(2027, 1, 4))} == {
        company(0),
        company(1),
    }

    clock.set_now(at(2026, 11, 2, 9, 0))
    body = client.get("/api/v1/pool?category=JZ").get_json()
    assert body["next"] is None
    assert body["items"][0] == {
        "uscc": sorted(selected)[0],
        "name": next(m.name for m in members if m.uscc == sorted(selected)[0]),
        "category": "JZ",
        "since": "2026-11-01",
        "until": "2028-11-01",
        "office": {"code": default_district().code, "name": default_district().name},
    }
    assert len(client.get("/api/v1/pool").get_json()["items"]) == 5
    assert client.get("/api/v1/pool?category=XX").get_json()["items"] == []

    steps = queries.timeline(p.call.id)
    assert all(s.state == "done" for s in steps[:-1]) and steps[-1].key == "valid"
    assert verify_chain().ok


def test_a_contractor_sees_only_its_own_data_and_applications(app):
    p = Phase()
    p.draft_and_consult()
    p.publish_call()
    p.applicants()
    c0, c1 = p.contractors[:2]
    mine = queries.applications_of(user_of(c0))
    assert [a.contractor_id for a in mine] == [c0.id]
    assert queries.contractor_of(user_of(c1)).id == c1.id
    assert queries.applications_of(p.staff) == []


def test_changes_to_a_members_details_are_logged_with_before_and_after(app):
    from sqlalchemy import select

    from app.audit import AuditEntry

    clock.set_now(at(2026, 9, 22, 9, 0))
    c = register(0)
    data = services.ContractorInput(
        uscc=c.uscc,
        name=c.name,
        legal_representative=c.legal_representative,
        contact_person="王五",
        contact_mobile="+86 138 0574 9999",
        address=c.address,
    )
    services.update_contractor(c.id, data, actor=user_of(c))
    entry = db.session.scalar(select(AuditEntry).where(AuditEntry.action == "contractor:updated"))
    assert entry.before["contact_person"] == "李四" and entry.after["contact_person"] == "王五"
    assert entry.after["contact_mobile"] == "+8613805749999"


def test_a_village_collective_code_is_accepted(app):
    from tests.pool_factories import village_uscc

    clock.set_now(at(2026, 9, 22, 9, 0))
    code = village_uscc()
    c = register(7, uscc=code, name="宁波市江北区洪塘街道鞍山村股份经济合作社")
    assert c.uscc == code and code.startswith("N2")


def test_the_timeline_of_a_draft_projects_every_step_over_the_holidays(app):
    p = Phase()
    clock.set_now(at(2026, 9, 18, 10, 0))
    p.call = services.create_call(call_input(), actor=p.staff)
    steps = {s.key: s for s in queries.timeline(p.call.id)}
    assert steps["consultation"].state == "now"
    # Published today (Friday 09-18): 10 working days end after 10-09 (09-20 is a 调休 Sunday).
    assert steps["review"].earliest == date(2026, 10, 10)
    assert steps["roster"].earliest is not None and steps["roster"].earliest > date(2026, 10, 15)
    assert isinstance(steps["draft"].done_at, datetime)
