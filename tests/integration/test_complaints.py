"""Complaints in the services, on both databases: every state and transition, the window over
National Day, the deadlines with a pause, the published decisions without personal data, and
bad input refused with nothing changed."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, timedelta

import pytest
from sqlalchemy import func, select

from app import clock
from app.audit import AuditEntry, verify_chain
from app.calendar.services import build_arrangement, confirm_year
from app.deadlines import all_deadlines
from app.extensions import db
from contractors.models import Contractor
from contractors.queries import active_members, contractor_of
from contracts import services as trading
from contracts.complaints import queries, services
from contracts.complaints.errors import ComplaintError, ComplaintForbidden
from contracts.complaints.models import Complaint, ComplaintEvidence, ComplaintPause
from notices.models import Notice
from tests.factories import (
    HOLIDAYS_2027,
    NOTICE_2027,
    PDF,
    make_user,
    use_cheap_password_hashes,
)
from tests.pool_factories import Phase, at, user_of
from tests.trading_factories import active_pool, announced, member_user, project_input

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


@pytest.fixture(autouse=True)
def _setup(app, monkeypatch):
    use_cheap_password_hashes(monkeypatch)


def counts() -> tuple:
    db.session.expire_all()
    models = (Complaint, ComplaintEvidence, ComplaintPause, Notice, AuditEntry)
    return tuple(db.session.scalar(select(func.count()).select_from(m)) for m in models)


def complaint_input(code: str, **overrides) -> services.ComplaintInput:
    values = {
        "trading_code": code,
        "matter": "other",
        "knew_on": date(2026, 11, 27),
        "complainant_name": "宁波某建设有限公司",
        "complainant_contact": "张三 13800000000 宁波市江北区某路1号",
        "respondent_name": "甬江街道某村股份经济合作社",
        "respondent_contact": "王五 0574-87654321",
        "facts": "交易公告要求的业绩条件与交易文件示范文本不一致。",
        "requests": "请求责令改正交易公告。",
        "evidence": (services.Upload("公告截图.pdf", PDF),),
        **overrides,
    }
    return services.ComplaintInput(**values)


@pytest.fixture
def world():
    """A trading announced 2026-11-27 and a pool member that complains on Monday 11-30."""
    phase = active_pool()
    owner = make_user("owner")
    project, t = announced(phase, owner)
    confirm_year(build_arrangement(2027, NOTICE_2027, HOLIDAYS_2027, ""), actor=phase.staff)
    complainant = member_user(active_members("JZ", date(2026, 11, 27))[0].contractor_id)
    clock.set_now(at(2026, 11, 30, 10, 0))
    return phase, project, t, complainant


def _filed(world, **overrides) -> Complaint:
    _phase, _p, t, complainant = world
    return services.file_complaint(complaint_input(t.code, **overrides), actor=complainant)


def test_a_complaint_is_received_with_its_acceptance_deadline(world):
    c = _filed(world)
    assert queries.status_of(c) == "received"
    # Received Monday 11-30: the 3rd working day after it is Thursday 12-03.
    assert c.accept_by == at(2026, 12, 4)
    assert c.window_ends_at == at(2026, 12, 8)  # 11-27 + 10 日 = 12-07 (a Monday)
    assert [e.original_name for e in c.evidence] == ["公告截图.pdf"]
    assert c.complainant_contractor_id == contractor_of(world[3]).id
    assert verify_chain().ok


def test_accepted_then_decided_upheld_publishes_the_decision_without_personal_data(world):
    phase = world[0]
    c = _filed(world)
    clock.set_now(at(2026, 12, 1, 9, 0))
    services.accept(c.id, actor=phase.staff)
    # Accepted Tuesday 12-01: 22 working days are left in December; 2027-01-01..03 are holidays
    # (confirmed by the fixture), so the 30th working day is Wednesday 2027-01-13.
    assert queries.status_of(c) == "accepted"
    assert queries.decide_by(c) == at(2027, 1, 14)
    clock.set_now(at(2026, 12, 10, 9, 0))
    services.decide(
        c.id,
        services.DecisionInput(
            "upheld", "业绩条件设置不当。", "《招标投标法实施条例》第三十二条", "责令改正。"
        ),
        actor=phase.staff,
    )
    assert queries.status_of(c) == "decided" and c.outcome == "upheld"
    notice = db.session.get(Notice, c.decision_notice_id)
    assert notice.type == "complaint_decision" and notice.published_at is not None
    assert notice.subject_id == world[2].code
    assert "投诉成立" in notice.body and "责令改正" in notice.body
    # 公开时限: 20 working days from the decision (Thursday 12-10; 2027-01-01..03 are holidays).
    assert notice.publish_due_at == at(2027, 1, 9) and notice.published_at <= notice.publish_due_at
    for personal in ("张三", "13800000000", "宁波某建设有限公司", "王五"):
        assert personal not in notice.body and personal not in notice.title


def test_a_dismissed_decision_is_published_too(world):
    phase = world[0]
    c = _filed(world)
    services.accept(c.id, actor=phase.staff)
    services.decide(
        c.id,
        services.DecisionInput("dismissed", "事实不成立。", "第六十二条", "驳回投诉。"),
        actor=phase.staff,
    )
    assert "投诉不成立" in db.session.get(Notice, c.decision_notice_id).body


def test_a_refusal_names_its_ground_and_article_and_is_published(world):
    phase = world[0]
    c = _filed(world)
    services.refuse(c.id, "in_review_or_litigation", "已申请行政复议。", actor=phase.staff)
    assert queries.status_of(c) == "refused"
    notice = db.session.get(Notice, c.decision_notice_id)
    assert "第十二条第（七）项" in notice.body and "不予受理" in notice.title
    assert notice.publish_due_at > notice.published_at  # counted from the refusal
    # A refused complaint may be filed again (with the missing part, say).
    _filed(world)


def test_a_withdrawal_is_recorded_and_the_same_facts_cannot_come_back(world):
    phase = world[0]
    c = _filed(world)
    services.accept(c.id, actor=phase.staff)
    services.withdraw(c.id, "投诉人书面申请撤回：已与业主协商解决。", actor=phase.staff)
    assert queries.status_of(c) == "withdrawn"
    before = counts()
    with pytest.raises(ComplaintError, match="撤回投诉后"):
        _filed(world)
    assert counts() == before


def test_a_finding_is_recorded_once_and_a_withdrawal_after_it_or_a_decision_is_refused(world):
    phase = world[0]
    c = _filed(world)
    services.accept(c.id, actor=phase.staff)
    found = services.record_finding(c.id, "业主擅自提高资格条件属实。", actor=phase.staff)
    moment, before = found.violation_found_at, counts()
    # Sent again (twice, or twenty times at once): recorded once, its moment never moved.
    with pytest.raises(ComplaintError, match="已经记录"):
        services.record_finding(c.id, "业主擅自提高资格条件属实。", actor=phase.staff)
    assert counts() == before and found.violation_found_at == moment
    with pytest.raises(ComplaintError, match="违法行为已经查实"):
        services.withdraw(c.id, "撤回", actor=phase.staff)
    assert counts() == before
    services.decide(
        c.id, services.DecisionInput("upheld", "属实", "第三十二条", "责令改正"), actor=phase.staff
    )
    with pytest.raises(ComplaintError):
        services.withdraw(c.id, "撤回", actor=phase.staff)
    assert queries.status_of(c) == "decided"


def test_a_pause_for_expert_review_moves_the_decision_deadline(world):
    phase = world[0]
    c = _filed(world)
    services.accept(c.id, actor=phase.staff)  # Monday 11-30
    plain = queries.decide_by(c)
    clock.set_now(at(2026, 12, 7, 9, 0))  # Monday
    services.pause(c.id, "expert_review", "组织专家评审业绩条件。", actor=phase.staff)
    assert queries.row_of(c).paused
    before = counts()
    with pytest.raises(ComplaintError):
        services.decide(c.id, services.DecisionInput("upheld", "f", "b", "t"), actor=phase.staff)
    assert counts() == before
    clock.set_now(at(2026, 12, 10, 9, 0))  # Thursday: Mon, Tue, Wed stopped
    services.end_pause(c.id, actor=phase.staff)
    assert not queries.row_of(c).paused
    assert [(p.started_on, p.ended_on) for p in c.pauses] == [
        (date(2026, 12, 7), date(2026, 12, 10))
    ]
    cal_days = queries.decide_by(c) - plain
    assert cal_days >= timedelta(days=3)


def test_bad_input_is_refused_and_changes_nothing(world):
    _phase, _p, t, complainant = world
    before = counts()
    bad = [
        {"requests": " "},
        {"complainant_contact": ""},
        {"respondent_contact": ""},
        {"evidence": ()},
        {"evidence": (services.Upload("x.txt", b"just text"),)},
        {"matter": "nonsense"},
        {"knew_on": None},
        {"knew_on": date(2026, 11, 1)},  # before the trading notice
        {"matter": "result"},  # needs an objection first
    ]
    for overrides in bad:
        with pytest.raises(ComplaintError):
            services.file_complaint(complaint_input(t.code, **overrides), actor=complainant)
        assert counts() == before, overrides
    clock.set_now(at(2026, 12, 8, 0, 0))  # the window (from 11-27) is over
    with pytest.raises(ComplaintError, match="已超过投诉期限"):
        services.file_complaint(complaint_input(t.code), actor=complainant)
    assert counts() == before


def test_a_decision_without_basis_and_a_second_decision_are_refused(world):
    phase = world[0]
    c = _filed(world)
    services.accept(c.id, actor=phase.staff)
    before = counts()
    with pytest.raises(ComplaintError) as e:
        services.decide(c.id, services.DecisionInput("upheld", "f", " ", "t"), actor=phase.staff)
    assert e.value.field == "basis"
    assert counts() == before
    services.decide(c.id, services.DecisionInput("upheld", "f", "b", "t"), actor=phase.staff)
    before = counts()
    with pytest.raises(ComplaintError):
        services.decide(c.id, services.DecisionInput("dismissed", "f", "b", "t"), actor=phase.staff)
    assert counts() == before


def test_a_complaint_posted_twice_is_filed_once(world):
    _filed(world)
    before = counts()
    with pytest.raises(ComplaintError, match="不能重复投诉"):
        _filed(world)
    assert counts() == before


def test_supervisors_and_strangers_change_nothing(world):
    _phase, _p, t, _complainant = world
    c = _filed(world)
    supervisor, owner = make_user("supervisor"), make_user("owner")
    before = counts()
    for call in (
        lambda: services.accept(c.id, actor=supervisor),
        lambda: services.refuse(c.id, "late", "x", actor=supervisor),
        lambda: services.withdraw(c.id, "x", actor=supervisor),
        lambda: services.file_complaint(complaint_input(t.code), actor=supervisor),
        lambda: services.file_complaint(complaint_input(t.code), actor=owner),
    ):
        with pytest.raises(ComplaintForbidden):
            call()
    assert counts() == before


def test_staff_enter_a_paper_complaint_for_a_named_complainant(world):
    phase, _p, t, _c = world
    c = services.file_complaint(
        complaint_input(
            t.code, complainant_name="李四（村民）", evidence=(services.Upload("a.png", PNG),)
        ),
        actor=phase.staff,
    )
    assert c.on_paper and c.complainant_contractor_id is None
    assert c.evidence[0].content_type == "image/png"


def test_the_deadlines_are_registered_and_marked(world, app):
    phase = world[0]
    c = _filed(world)
    with app.test_request_context():
        kinds = {(d.kind, d.done_at is None) for d in all_deadlines()}
    assert ("complaint.accept", True) in kinds
    services.accept(c.id, actor=phase.staff)
    with app.test_request_context():
        found = {d.kind: d for d in all_deadlines()}
    assert found["complaint.accept"].done_at == c.accepted_at
    assert found["complaint.decide"].unit == "工作日" and found["complaint.decide"].length == 30


# ---- over National Day 2026 ----------------------------------------------------------------------


def _announced_in_september():
    """A pool 8 weeks earlier (active from early September) and a trading announced 09-21."""
    phase = Phase(timedelta(weeks=-8)).through_roster()
    owner = make_user("owner")
    clock.set_now(at(2026, 9, 18, 9, 0))
    p = trading.submit_project(project_input(), actor=owner)
    trading.file_project(p.code, reviewed=trading.fingerprint(p), actor=phase.staff)
    clock.set_now(at(2026, 9, 21, 10, 0))
    t = trading.announce(
        p.code,
        trading.TradingInput(at(2026, 9, 28, 9, 30), "区公共资源交易中心二楼", ["3.00", "8.50"]),
        reviewed=trading.fingerprint(p),
        actor=phase.staff,
    )
    return phase, t


def test_a_window_ending_in_national_day_runs_to_the_next_working_day():
    phase, t = _announced_in_september()
    complainant = user_of(phase.contractors[0])
    data = complaint_input(t.code, knew_on=date(2026, 9, 24))
    # 09-24 + 10 日 = 10-04, a holiday: the window ends with Thursday 10-08 (民法典 art. 203).
    clock.set_now(at(2026, 10, 8, 23, 59))
    c = services.file_complaint(data, actor=complainant)
    assert c.window_ends_at == at(2026, 10, 9)
    # Received on the 8th: 10-09 (Fri), 10-10 (调休 Saturday), 10-12 (Mon) → 10-13 00:00.
    assert c.accept_by == at(2026, 10, 13)
    clock.set_now(at(2026, 10, 9, 0, 0))
    before = counts()
    with pytest.raises(ComplaintError, match="已超过投诉期限"):
        services.file_complaint(replace(data, matter="notice"), actor=complainant)
    assert counts() == before


# ---- with objections (arts. 22/54, art. 60 para. 2) and a suspension (art. 62) --------------------


def test_a_notice_complaint_after_an_objection_counts_the_window_without_the_wait(world):
    from contracts.objections import services as objections

    phase, _p, t, complainant = world
    # Objected on Monday 11-30 (during the notice's publicity), answered Thursday 12-03.
    o = objections.file_objection(
        t.code, "notice", "业绩条件过高，排斥潜在响应人。", actor=complainant
    )
    clock.set_now(at(2026, 12, 3, 9, 0))
    objections.answer_objection(o.id, False, "业绩条件符合示范文本。", actor=phase.staff)
    # Knew 11-27: 10 日 plus the 3 days waited (11-30, 12-01, 12-02) → 12-10 (a Thursday).
    clock.set_now(at(2026, 12, 10, 15, 0))
    c = _filed(world, matter="notice")
    assert c.window_ends_at == at(2026, 12, 11)
    assert queries.status_of(c) == "received"


def test_an_accepted_complaint_suspends_the_trading_and_its_decision_resumes_it(world):
    from contracts import queries as trading_queries

    phase, project, _t, _c = world
    c = _filed(world)
    services.accept(c.id, actor=phase.staff)
    before = counts()
    with pytest.raises(ComplaintError):  # a reason is required
        services.suspend_trading(c.id, " ", actor=phase.staff)
    assert counts() == before
    services.suspend_trading(c.id, "投诉正在处理，暂停交易。", actor=phase.staff)
    assert trading_queries.state_of(project) == "suspended"
    assert c.suspended_at is not None
    clock.set_now(at(2026, 12, 2, 9, 0))  # responses closed 12-03 00:00 not yet passed
    services.decide(
        c.id,
        services.DecisionInput("dismissed", "不成立", "第六十二条", "驳回", resume_trading=True),
        actor=phase.staff,
    )
    assert c.resumed_at is not None
    assert trading_queries.state_of(project) != "suspended"


def test_a_decision_may_open_a_case_against_the_respondent_or_a_false_complainant(world):
    from contractors.sanctions.models import MisconductCase

    phase, _p, t, complainant = world
    members = active_members("JZ", date(2026, 11, 27))
    respondent = members[1]
    uscc = db.session.get(Contractor, respondent.contractor_id).uscc
    upheld = _filed(world, respondent_uscc=uscc)
    services.accept(upheld.id, actor=phase.staff)
    services.decide(
        upheld.id,
        services.DecisionInput(
            "upheld", "串通响应属实。", "第六十七条", "移交立案。", open_case=True
        ),
        actor=phase.staff,
    )
    # A dismissed complaint is false only when staff say so (art. 77).
    liar = member_user(members[2].contractor_id)
    false = services.file_complaint(complaint_input(t.code), actor=liar)
    services.accept(false.id, actor=phase.staff)
    before = counts()
    with pytest.raises(ComplaintError) as e:  # a false complaint is a dismissed one
        services.decide(
            false.id,
            services.DecisionInput("upheld", "不实", "第七十七条", "驳回", false_complaint=True),
            actor=phase.staff,
        )
    assert e.value.field == "false_complaint" and counts() == before
    services.decide(
        false.id,
        services.DecisionInput("dismissed", "伪造材料", "第七十七条", "驳回", false_complaint=True),
        actor=phase.staff,
    )
    cases = db.session.scalars(select(MisconductCase).order_by(MisconductCase.id)).all()
    assert [(c.contractor_id, c.source) for c in cases] == [
        (respondent.contractor_id, "complaint"),
        (members[2].contractor_id, "false_complaint"),
    ]
    assert complainant is not None


def test_every_typed_value_in_a_published_decision_prints_as_text(world):
    from notices.markup import render

    payload = "*[x](javascript:alert(1))*|<b>`y`</b>_z_"
    phase = world[0]
    c = _filed(world)
    services.accept(c.id, actor=phase.staff)
    services.decide(
        c.id,
        services.DecisionInput("upheld", f"事实{payload}\n第二段", f"依据{payload}", payload),
        actor=phase.staff,
    )
    refused = services.file_complaint(
        complaint_input(world[2].code, complainant_name="某人"), actor=phase.staff
    )
    services.refuse(refused.id, "no_clear_request", payload, actor=phase.staff)
    for cid in (c.id, refused.id):
        html = render(
            db.session.get(Notice, db.session.get(Complaint, cid).decision_notice_id).body
        )
        assert "<a" not in html and "<b>" not in html and "<em>" not in html
        assert "javascript:alert(1)" in html  # shown as the text it is


def test_a_complaint_about_the_meeting_follows_an_objection_raised_at_it(world):
    # Art. 60 para. 2: a matter of art. 44 (the meeting) is complained about only after an
    # objection on it — which a respondent can raise on the meeting's day.
    from contracts.objections import services as objections
    from tests.trading_factories import hold_meeting, respond_all

    phase, project, t, complainant = world
    respond_all(project, active_members("JZ", date(2026, 11, 27)))
    clock.set_now(at(2026, 12, 3, 9, 30))
    hold_meeting(project.code, ["37", "8812"], actor=phase.staff)
    clock.set_now(at(2026, 12, 3, 11, 0))
    with pytest.raises(ComplaintError, match="应当先提出异议"):
        _filed(world, matter="meeting", knew_on=date(2026, 12, 3))
    objections.file_objection(t.code, "meeting", "摇号前未公布下浮率选项。", actor=complainant)
    c = _filed(world, matter="meeting", knew_on=date(2026, 12, 3))
    assert queries.status_of(c) == "received"


def test_a_decision_deadline_reaching_an_unconfirmed_year_is_listed_without_a_guess(app):
    # Accepted on 2026-12-03: the 30th working day falls in 2027, which nobody confirmed here.
    # The deadline is listed (nobody loses sight of it) with the year to confirm, never guessed.
    from tests.factories import signed_in

    phase = active_pool()
    _project, t = announced(phase, make_user("owner"))
    complainant = member_user(active_members("JZ", date(2026, 11, 27))[0].contractor_id)
    clock.set_now(at(2026, 12, 1, 10, 0))
    c = services.file_complaint(complaint_input(t.code), actor=complainant)
    clock.set_now(at(2026, 12, 3, 10, 0))
    services.accept(c.id, actor=phase.staff)
    with app.test_request_context():
        decide = [d for d in all_deadlines() if d.kind == "complaint.decide"]
    assert [(d.due_at, d.unconfirmed_year) for d in decide] == [(None, 2027)]
    staff = signed_in(app)
    for page in ("/supervision/", f"/staff/complaints/{c.id}", "/staff/complaints/"):
        html = staff.html(page)
        assert "无法计算（2027年节假日安排未确认）" in html, page
