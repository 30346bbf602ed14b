"""Offices in the oversight services, on both databases: a street clerk's call for another
street's notice, SMS, draw or complaint is refused by the service with nothing changed; the
district handles complaints and confirms the calendar; an administrator opens accounts in its
own offices only; staff lists keep the offices an account covers."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from app import clock
from app.audit import AuditEntry
from app.auth.errors import AccountForbidden
from app.auth.models import User
from app.auth.services import NewUser, all_accounts, create_user
from app.calendar.errors import CalendarForbidden
from app.calendar.models import CalendarYear
from app.calendar.services import build_arrangement, confirm_year
from app.extensions import db
from contracts.complaints import services as complaints
from contracts.complaints.errors import ComplaintForbidden
from contracts.complaints.models import Complaint
from contracts.models import Project
from lottery import services as draws
from lottery.errors import DrawForbidden
from lottery.models import Draw
from notices import queries as notice_queries
from notices import services as notices
from notices.errors import NoticeForbidden
from notices.models import Notice
from notices.sms import services as sms
from notices.sms.errors import SmsForbidden
from notices.sms.models import SmsMessage
from tests.factories import (
    HOLIDAYS_2027,
    NOTICE_2027,
    PASSWORD,
    PDF,
    default_district,
    make_notice,
    make_office,
    make_user,
    use_cheap_password_hashes,
)
from tests.integration.test_complaints import complaint_input
from tests.integration.test_complaints import world as world  # the fixture, re-exported


@pytest.fixture(autouse=True)
def _cheap(app, monkeypatch):
    use_cheap_password_hashes(monkeypatch)


@pytest.fixture
def offices(app):
    """The default district with two street platforms, and a second district."""
    district = default_district()
    a = make_office("jd-a", "甲街道平台")
    b = make_office("jd-b", "乙街道平台")
    other = make_office("qu-b", "乙区公共资源交易管理办公室", kind="district")
    return {
        "district": district,
        "a": a,
        "b": b,
        "other": other,
        "staff": make_user("staff"),
        "clerk_a": make_user("staff", office=a),
        "clerk_b": make_user("staff", office=b),
        "other_staff": make_user("staff", office=other),
    }


def _policy(**overrides) -> notices.NoticeInput:
    return notices.NoticeInput(
        type="policy",
        title=overrides.pop("title", "关于小型工程交易的通知"),
        issuing_body=overrides.pop("issuing_body", ""),
        legal_basis="《中华人民共和国政府信息公开条例》第二十条",
        body="正文",
        **overrides,
    )


def _audit_count() -> int:
    return db.session.scalar(select(func.count(AuditEntry.id)))


# ---- notices ---------------------------------------------------------------------------------


def test_a_clerk_s_notice_is_its_platform_s_issued_under_its_name(offices):
    draft = notices.create_draft(_policy(), actor=offices["clerk_a"])
    assert draft.office_id == offices["a"].id
    assert draft.issuing_body == "甲街道平台"


def test_district_staff_may_issue_a_notice_for_one_of_its_platforms(offices):
    draft = notices.create_draft(_policy(office_id=offices["b"].id), actor=offices["staff"])
    assert draft.office_id == offices["b"].id and draft.issuing_body == "乙街道平台"
    assert notices.publish(draft.id, actor=offices["staff"]).is_published


@pytest.mark.parametrize("who", ["clerk_b", "other_staff"])
def test_a_clerk_cannot_write_a_notice_for_another_office(offices, who):
    before = db.session.scalar(select(func.count(Notice.id)))
    with pytest.raises(NoticeForbidden):
        notices.create_draft(_policy(office_id=offices["a"].id), actor=offices[who])
    assert db.session.scalar(select(func.count(Notice.id))) == before


@pytest.mark.parametrize("who", ["clerk_b", "other_staff"])
def test_another_office_s_clerk_cannot_edit_publish_attach_or_delete_a_draft(offices, who):
    draft = notices.create_draft(_policy(), actor=offices["clerk_a"])
    draft_id, audits = draft.id, _audit_count()
    actor = offices[who]
    attempts = [
        lambda: notices.update_draft(
            draft_id, _policy(title="改", office_id=actor.office_id), actor=actor
        ),
        lambda: notices.publish(draft_id, actor=actor),
        lambda: notices.add_attachment(draft_id, "a.pdf", PDF, actor=actor),
        lambda: notices.delete_draft(draft_id, actor=actor),
    ]
    for attempt in attempts:
        with pytest.raises(NoticeForbidden):
            attempt()
    db.session.expire_all()
    kept = db.session.get(Notice, draft_id)
    assert kept.status == "draft" and kept.title == "关于小型工程交易的通知"
    assert kept.office_id == offices["a"].id and not kept.attachments
    assert _audit_count() == audits


def test_a_clerk_cannot_move_its_draft_to_another_office(offices):
    draft = notices.create_draft(_policy(), actor=offices["clerk_a"])
    with pytest.raises(NoticeForbidden):
        notices.update_draft(draft.id, _policy(office_id=offices["b"].id), actor=offices["clerk_a"])
    db.session.expire_all()
    assert db.session.get(Notice, draft.id).office_id == offices["a"].id


def test_the_staff_notice_list_keeps_the_offices_an_account_covers(offices):
    of_a = notices.create_draft(_policy(title="甲"), actor=offices["clerk_a"])
    of_b = notices.create_draft(_policy(title="乙"), actor=offices["clerk_b"])
    of_other = notices.create_draft(_policy(title="他区"), actor=offices["other_staff"])

    def ids(who):
        return {n.id for n in notice_queries.staff_list(1, actor=offices[who]).items}

    assert ids("clerk_a") == {of_a.id}
    assert ids("staff") == {of_a.id, of_b.id}
    assert ids("other_staff") == {of_other.id}


# ---- SMS -------------------------------------------------------------------------------------


def _failed_message(notice: Notice) -> SmsMessage:
    now = clock.now()
    m = SmsMessage(
        subject_type="notice",
        subject_id=str(notice.id),
        recipient="测试企业",
        purpose="trading_notice",
        notice_id=notice.id,
        office_id=notice.office_id,
        to_number="+8613800000000",
        template="trading_notice",
        body="测试",
        segments=1,
        status="failed",
        next_attempt_at=now,
        queued_at=now,
        updated_at=now,
    )
    db.session.add(m)
    db.session.commit()
    return m


def test_a_clerk_cannot_resend_another_platform_s_messages(offices):
    notice = make_notice(offices["clerk_a"], office_id=offices["a"].id)
    m = _failed_message(notice)
    with pytest.raises(SmsForbidden):
        sms.resend_failed(notice.id, actor=offices["clerk_b"])
    db.session.expire_all()
    assert db.session.get(SmsMessage, m.id).status == "failed"
    assert sms.resend_failed(notice.id, actor=offices["clerk_a"]) == 1


# ---- draws -----------------------------------------------------------------------------------


def _committed(office) -> Draw:
    return draws.commit_pick(
        f"PRJ-2026-0001-rate-{office.code}",
        "下浮率摇号",
        draws.Subject("project", "PRJ-2026-0001", "某工程", office_id=office.id),
        ["3.00", "3.50", "4.00"],
    )


@pytest.mark.parametrize("who", ["clerk_b", "other_staff"])
def test_another_office_s_clerk_cannot_show_draw_or_abandon_a_platform_s_draw(offices, who):
    d = _committed(offices["a"])
    actor, audits = offices[who], _audit_count()
    with pytest.raises(DrawForbidden):
        draws.show_pending_entropy(d.draw_id, ["12"], actor=actor)
    with pytest.raises(DrawForbidden):
        draws.draw(d.draw_id, ["12"], actor=actor)
    with pytest.raises(DrawForbidden):
        draws.abandon(d.draw_id, "会议取消", actor=actor)
    db.session.expire_all()
    kept = db.session.get(Draw, d.id)
    assert kept.status == "committed" and kept.pending_entropy is None
    assert _audit_count() == audits


@pytest.mark.parametrize("who", ["clerk_a", "staff"])
def test_the_platform_and_its_district_run_the_platform_s_draw(offices, who):
    d = _committed(offices["a"])
    draws.show_pending_entropy(d.draw_id, ["12"], actor=offices[who])
    drawn = draws.draw(d.draw_id, ["12"], actor=offices[who])
    assert drawn.status == "drawn"
    entry = db.session.scalar(select(AuditEntry).where(AuditEntry.action == "draw:drawn"))
    assert entry.office_id == offices["a"].id


def test_a_pool_draw_of_the_district_is_not_a_platform_clerk_s(offices):
    d = _committed(offices["district"])
    with pytest.raises(DrawForbidden):
        draws.show_pending_entropy(d.draw_id, ["12"], actor=offices["clerk_a"])


def test_a_clerk_cannot_commit_a_draw_for_another_office(offices):
    with pytest.raises(DrawForbidden):
        draws.commit_pick(
            "PRJ-2026-0002-rate",
            "下浮率摇号",
            draws.Subject("project", "PRJ-2026-0002", "某工程", office_id=offices["a"].id),
            ["3.00", "3.50"],
            actor=offices["clerk_b"],
        )
    assert db.session.scalar(select(func.count(Draw.id))) == 0


def test_the_draw_record_keeps_its_format_without_an_office(offices, app):
    d = _committed(offices["a"])
    record = app.test_client().get(f"/api/v1/draws/{d.draw_id}").get_json()
    assert "office" not in record and "office_id" not in record
    assert "office" not in str(sorted(record))


# ---- complaints ------------------------------------------------------------------------------


@pytest.fixture
def placed(world, offices):
    """The world's project traded by platform A, and a complaint about it filed by a member."""
    phase, project, t, complainant = world
    db.session.get(Project, project.id).office_id = offices["a"].id
    db.session.commit()
    c = complaints.file_complaint(complaint_input(t.code), actor=complainant)
    return c, phase


def test_a_complaint_is_its_trading_s_platform_s(placed, offices):
    c, _phase = placed
    assert c.office_id == offices["a"].id
    assert complaints.handles(offices["staff"], c)
    assert not complaints.handles(offices["clerk_a"], c)


@pytest.mark.parametrize("who", ["clerk_a", "clerk_b", "other_staff"])
def test_only_the_district_handles_a_complaint_not_even_the_traded_platform(placed, offices, who):
    c, _phase = placed
    actor, audits = offices[who], _audit_count()
    attempts = [
        lambda: complaints.accept(c.id, actor=actor),
        lambda: complaints.refuse(c.id, "late", "理由", actor=actor),
        lambda: complaints.pause(c.id, "expert_review", "专家评审", actor=actor),
        lambda: complaints.withdraw(c.id, "撤回", actor=actor),
        lambda: complaints.suspend_trading(c.id, "暂停", actor=actor),
    ]
    for attempt in attempts:
        with pytest.raises(ComplaintForbidden):
            attempt()
    db.session.expire_all()
    kept = db.session.get(Complaint, c.id)
    assert kept.accepted_at is None and kept.refused_at is None and kept.withdrawn_at is None
    assert kept.suspended_at is None and not kept.pauses
    assert _audit_count() == audits


def test_the_district_decides_and_issues_the_decision_under_its_own_name(placed, offices):
    c, _phase = placed
    complaints.accept(c.id, actor=offices["staff"])
    with pytest.raises(ComplaintForbidden):
        complaints.decide(
            c.id,
            complaints.DecisionInput("dismissed", "事实", "依据", "决定"),
            actor=offices["clerk_a"],
        )
    decided = complaints.decide(
        c.id,
        complaints.DecisionInput(
            "dismissed", "经查，交易公告符合规定。", "办法第六十二条", "驳回投诉。"
        ),
        actor=offices["staff"],
    )
    notice = db.session.get(Notice, decided.decision_notice_id)
    assert notice.office_id == offices["district"].id
    assert notice.issuing_body == offices["district"].name


def test_staff_complaint_lists_keep_their_district_s(placed, offices):
    from contracts.complaints import queries

    c, _phase = placed
    assert [x.id for x in queries.all_complaints(actor=offices["staff"])] == [c.id]
    assert [x.id for x in queries.all_complaints(actor=offices["clerk_a"])] == [c.id]
    assert queries.all_complaints(actor=offices["clerk_b"]) == []
    assert queries.all_complaints(actor=offices["other_staff"]) == []
    supervisor = make_user("supervisor", office=offices["other"])
    assert queries.all_complaints(actor=supervisor) == []


# ---- calendar --------------------------------------------------------------------------------


def test_a_platform_clerk_cannot_confirm_the_calendar_and_nothing_is_stored(offices):
    arrangement = build_arrangement(2027, NOTICE_2027, HOLIDAYS_2027, "")
    with pytest.raises(CalendarForbidden):
        confirm_year(arrangement, actor=offices["clerk_a"])
    assert db.session.get(CalendarYear, 2027) is None
    assert confirm_year(arrangement, actor=offices["other_staff"]).year == 2027
    admin = make_user("admin", office=None)
    assert confirm_year(arrangement, actor=admin).year == 2027


# ---- accounts --------------------------------------------------------------------------------


def _new(username: str, role: str, office) -> NewUser:
    return NewUser(username, "测试", role, PASSWORD, "", office.id if office else None)


def test_a_district_admin_opens_accounts_in_its_district_and_its_platforms_only(offices):
    admin = make_user("admin")  # the default district's
    assert create_user(_new("clerk.a2", "staff", offices["a"]), actor=admin).office_id == (
        offices["a"].id
    )
    before = db.session.scalar(select(func.count(User.id)))
    for data in (
        _new("other.staff", "staff", offices["other"]),
        _new("other.sup", "supervisor", offices["other"]),
        _new("root2", "admin", None),
    ):
        with pytest.raises(AccountForbidden):
            create_user(data, actor=admin)
    assert db.session.scalar(select(func.count(User.id))) == before


def test_a_platform_admin_opens_accounts_of_its_platform_only(offices):
    admin = make_user("admin", office=offices["a"])
    create_user(_new("clerk.a3", "staff", offices["a"]), actor=admin)
    with pytest.raises(AccountForbidden):
        create_user(_new("clerk.b3", "staff", offices["b"]), actor=admin)


def test_the_deployment_admin_opens_accounts_anywhere_and_lists_them_all(offices):
    root = make_user("admin", office=None)
    create_user(_new("other.sup", "supervisor", offices["other"]), actor=root)
    create_user(_new("root2", "admin", None), actor=root)
    assert {"other.sup", "root2", offices["clerk_a"].username} <= {
        u.username for u in all_accounts(root)
    }


def test_an_admin_lists_the_accounts_of_its_offices_only(offices):
    admin = make_user("admin")
    names = {u.username for u in all_accounts(admin)}
    assert offices["clerk_a"].username in names and offices["staff"].username in names
    assert offices["other_staff"].username not in names


# ---- supervision -----------------------------------------------------------------------------


def test_a_supervisor_reads_the_audit_log_of_its_district_and_its_platforms_only(offices):
    from app import audit as audit_log
    from app.supervision import queries as supervision

    a, other = offices["a"], offices["other"]
    audit_log.record("notice:drafted", "notice", 1, actor=offices["clerk_a"])
    audit_log.record("notice:drafted", "notice", 2, actor=offices["other_staff"])
    audit_log.record("notice:drafted", "notice", 3, actor="cli")  # no office
    db.session.commit()

    def subjects(actor):
        page = supervision.audit_page(supervision.AuditFilter(action="notice:"), 1, actor=actor)
        exported = supervision.audit_export(supervision.AuditFilter(action="notice:"), actor=actor)
        assert [e.seq for e in page.items] == [e.seq for e in exported]
        return {e.subject_id for e in page.items}

    here = make_user("supervisor")
    there = make_user("supervisor", office=other)
    root = make_user("admin", office=None)
    assert subjects(here) == {"1"}
    assert subjects(there) == {"2"}
    assert subjects(offices["clerk_b"]) == set()
    assert subjects(root) == {"1", "2", "3"}
    assert a.id != other.id


def test_the_deadlines_of_another_district_s_complaint_are_not_listed(placed, offices, app):
    from app.supervision import queries as supervision

    def complaint_rows(actor):
        with app.test_request_context():
            found = supervision.deadline_rows(actor)
        assert not found.failed
        return [r for r in found.rows if r.deadline.kind.startswith("complaint.")]

    assert complaint_rows(offices["staff"]) and complaint_rows(offices["clerk_a"])
    assert complaint_rows(make_user("supervisor"))
    assert complaint_rows(offices["clerk_b"]) == []
    assert complaint_rows(make_user("supervisor", office=offices["other"])) == []
    with app.test_request_context():
        assert supervision.warning_counts(offices["other_staff"]).due_soon == 0
