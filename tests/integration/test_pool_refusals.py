"""Bad input to the pool services: each refused with a clear message (Chinese and English), and
nothing changed — no row, no notice, no draw, no audit entry, and the audit chain intact."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from app import clock
from app.audit import AuditEntry, verify_chain
from app.extensions import db
from contractors import queries, services
from contractors.errors import (
    NotAReviewer,
    NotYours,
    PoolError,
    PoolForbidden,
    RegistrationError,
    TooEarly,
    WindowClosed,
)
from contractors.models import PoolCall
from tests.factories import at_once, make_user, plain_actor, use_cheap_password_hashes
from tests.pool_factories import (
    Phase,
    at,
    call_input,
    company,
    counts,
    register,
    user_of,
)


@pytest.fixture(autouse=True)
def _setup(app, monkeypatch):
    use_cheap_password_hashes(monkeypatch)


def refused(error, call, *, match: str):
    """Assert `call()` raises `error` with a Chinese message containing `match`, an English
    message, and changes nothing."""
    before = counts()
    with pytest.raises(error) as e:
        call()
    assert match in e.value.message, e.value.message
    assert e.value.message_en and e.value.message_en != e.value.message
    assert counts() == before
    assert verify_chain().ok
    return e.value


@pytest.mark.parametrize(
    ("overrides", "field", "match"),
    [
        ({"uscc": "91330205144025768E"}, "uscc", "校验"),
        ({"uscc": "91330205I44025768D"}, "uscc", ""),
        ({"contact_mobile": "0574-87654321"}, "contact_mobile", ""),
        ({"contact_mobile": "+1 415 555 0100"}, "contact_mobile", ""),
    ],
)
def test_an_invalid_credit_code_or_mobile_is_refused(app, overrides, field, match):
    clock.set_now(at(2026, 9, 22, 9, 0))
    user = make_user("contractor")
    error = refused(RegistrationError, lambda: register(0, user=user, **overrides), match=match)
    assert error.field == field


def test_a_duplicate_registration_is_refused(app):
    clock.set_now(at(2026, 9, 22, 9, 0))
    first = register(0)
    # Another account, the same code typed with spaces and lower case.
    spaced = " ".join(company(0).lower()[i : i + 6] for i in range(0, 18, 6))
    other = make_user("contractor")
    refused(RegistrationError, lambda: register(0, user=other, uscc=spaced), match="已登记")
    # The same account a second time.
    refused(RegistrationError, lambda: register(1, user=user_of(first)), match="已登记企业")


def test_only_a_contractor_account_registers_a_company(app):
    clock.set_now(at(2026, 9, 22, 9, 0))
    owner = make_user("owner")
    refused(PoolForbidden, lambda: register(0, user=owner), match="企业账户")


def test_a_call_is_not_published_before_the_departments_agree(app):
    p = Phase()
    clock.set_now(at(2026, 9, 18, 10, 0))
    p.call = services.create_call(call_input(), actor=p.staff)
    refused(PoolError, lambda: services.publish_call(p.call.id, actor=p.staff), match="会商")
    services.record_consultation(p.call.id, "数量偏多，建议调整。", False, actor=p.reviewer)
    refused(PoolError, lambda: services.publish_call(p.call.id, actor=p.staff), match="不同意见")
    # Staff cannot give a department's opinion.
    refused(
        PoolForbidden,
        lambda: services.record_consultation(p.call.id, "同意", True, actor=p.staff),
        match="部门审查人员",
    )
    # The revised call must be consulted again: the old opinion was on revision 1.
    services.update_call(p.call.id, call_input(categories=(("JZ", 2),)), actor=p.staff)
    refused(PoolError, lambda: services.publish_call(p.call.id, actor=p.staff), match="会商")
    services.record_consultation(p.call.id, "同意。", True, actor=p.reviewer)
    assert services.publish_call(p.call.id, actor=p.staff).type == "pool_call"


def test_a_call_with_a_short_publicity_or_bad_dates_is_refused(app):
    p = Phase()
    clock.set_now(at(2026, 9, 18, 10, 0))
    refused(
        PoolError,
        lambda: services.create_call(call_input(publicity_days=9), actor=p.staff),
        match="不得少于10个工作日",
    )
    refused(
        PoolError,
        lambda: services.create_call(
            call_input(valid_from=at(2027, 1, 1).date(), valid_until=at(2026, 12, 31).date()),
            actor=p.staff,
        ),
        match="有效期",
    )
    refused(
        PoolError,
        lambda: services.create_call(call_input(categories=(("JZ", 0),)), actor=p.staff),
        match="入围数量",
    )
    refused(
        PoolForbidden,
        lambda: services.create_call(call_input(), actor=p.reviewer),
        match="工作人员",
    )


def test_an_application_after_the_window_is_refused(app):
    p = Phase()
    p.draft_and_consult()
    p.publish_call()
    p.applicants()
    late = register(6)
    clock.set_now(at(2026, 10, 13, 0, 0))  # the window ended with 10-12
    refused(
        WindowClosed,
        lambda: services.apply(p.call.id, ["JZ"], actor=user_of(late)),
        match="申请期已于2026-10-12结束",
    )
    mine = queries.applications_of(user_of(p.contractors[0]))[0]
    refused(
        WindowClosed,
        lambda: services.withdraw_application(mine.id, actor=user_of(p.contractors[0])),
        match="申请期",
    )
    refused(
        WindowClosed,
        lambda: services.amend_application(mine.id, ["JZ"], actor=user_of(p.contractors[0])),
        match="申请期",
    )


def test_an_application_before_the_call_or_for_another_category_is_refused(app):
    p = Phase()
    p.draft_and_consult()
    c = register(0)
    refused(
        WindowClosed, lambda: services.apply(p.call.id, ["JZ"], actor=user_of(c)), match="尚未发布"
    )
    p.publish_call()
    refused(PoolError, lambda: services.apply(p.call.id, ["YL"], actor=user_of(c)), match="不含")
    refused(PoolError, lambda: services.apply(p.call.id, [], actor=user_of(c)), match="至少")


def test_a_contractor_cannot_touch_another_companys_application(app):
    p = Phase()
    p.draft_and_consult()
    p.publish_call()
    p.applicants()
    theirs = queries.applications_of(user_of(p.contractors[0]))[0]
    intruder = user_of(p.contractors[1])
    refused(
        NotYours, lambda: services.withdraw_application(theirs.id, actor=intruder), match="本企业"
    )
    refused(
        NotYours,
        lambda: services.update_contractor(
            p.contractors[0].id,
            services.ContractorInput(company(0), "改名", "张三", "李四", "13805740000", "地址"),
            actor=intruder,
        ),
        match="本企业",
    )


@pytest.fixture
def closed(app):
    """A call whose window has closed, with its applications waiting for review."""
    p = Phase()
    p.draft_and_consult()
    p.publish_call()
    p.applicants()
    clock.set_now(at(2026, 10, 13, 9, 0))
    return p


def test_a_fail_without_a_reason_is_refused(closed):
    entry = queries.entries_of(closed.call.id)[0]
    record = services.record_decision
    r = closed.reviewer
    refused(PoolError, lambda: record(entry.id, "fail", actor=r), match="理由")
    refused(PoolError, lambda: record(entry.id, "fail", "", "材料有问题", actor=r), match="理由")
    refused(PoolError, lambda: record(entry.id, "fail", "no_such", actor=r), match="未知")
    refused(PoolError, lambda: record(entry.id, "fail", "other", "  ", actor=r), match="具体说明")
    refused(PoolError, lambda: record(entry.id, "maybe", actor=r), match="合格")


@pytest.mark.parametrize("role", ["contractor", "owner"])
def test_a_non_reviewer_recording_a_review_is_refused(closed, role):
    entry = queries.entries_of(closed.call.id)[0]
    outsider = make_user(role)
    refused(
        NotAReviewer,
        lambda: services.record_decision(entry.id, "pass", actor=outsider),
        match="资格审查小组",
    )


def test_a_review_before_the_window_closed_is_refused(app):
    p = Phase()
    p.draft_and_consult()
    p.publish_call()
    p.applicants()
    entry = queries.entries_of(p.call.id)[0]
    error = refused(
        TooEarly,
        lambda: services.record_decision(entry.id, "pass", actor=p.reviewer),
        match="征集公告公示期至2026-10-12结束",
    )
    assert error.earliest == at(2026, 10, 13).date()
    refused(
        TooEarly,
        lambda: services.publish_review_results(p.call.id, actor=p.staff),
        match="之后才能发布资格审查结果",
    )


def test_the_review_result_waits_for_every_decision_and_a_meeting_after_its_publicity(closed):
    entries = queries.entries_of(closed.call.id)
    services.record_decision(entries[0].id, "pass", actor=closed.reviewer)
    publish = services.publish_review_results
    refused(PoolError, lambda: publish(closed.call.id, actor=closed.staff), match="未审查")
    for e in entries[1:]:
        services.record_decision(e.id, "pass", actor=closed.staff)
    refused(PoolError, lambda: publish(closed.call.id, actor=closed.staff), match="摇号会议")
    # 10-13 + 3 working days: the meeting can be 10-17 at the earliest; 10-16 is refused.
    services.schedule_meeting(closed.call.id, at(2026, 10, 16, 9, 0), "开标室", actor=closed.staff)
    refused(PoolError, lambda: publish(closed.call.id, actor=closed.staff), match="最早2026-10-17")


def test_the_meeting_set_again_as_it_is_is_recorded_once(closed):
    # Found against gunicorn: the form posted twenty times wrote twenty "meeting scheduled"
    # entries, each "moving" the meeting from 02:00 UTC to 10:00+08:00 — the same moment.
    def entries() -> int:
        return db.session.scalar(
            select(func.count(AuditEntry.id)).where(
                AuditEntry.action == "pool_call:meeting_scheduled"
            )
        )

    before = entries()
    for _ in range(3):
        services.schedule_meeting(
            closed.call.id, at(2026, 10, 19, 9, 30), "开标室", actor=closed.staff
        )
    assert entries() == before + 1
    services.schedule_meeting(closed.call.id, at(2026, 10, 19, 9, 30), "二楼", actor=closed.staff)
    assert entries() == before + 2


@pytest.fixture
def in_review_publicity(closed):
    closed.review()
    closed.publish_review()
    return closed


def test_an_objection_after_the_review_publicity_is_refused(in_review_publicity):
    p = in_review_publicity
    objector = register(6)
    clock.set_now(at(2026, 10, 17, 0, 0))
    refused(
        PoolError,
        lambda: services.file_objection(p.failed_entry().id, "异议", actor=user_of(objector)),
        match="不再受理异议",
    )


def test_the_draw_waits_for_every_objection_to_be_answered(in_review_publicity):
    p = in_review_publicity
    objector = register(6)
    services.file_objection(p.failed_entry().id, "理由", actor=user_of(objector))
    clock.set_now(at(2026, 10, 19, 9, 30))
    refused(
        PoolError,
        lambda: services.settle_category(p.call.id, "JZ", ["1"], actor=p.staff),
        match="异议未答复",
    )


def test_a_review_objection_posted_twice_is_one_objection(in_review_publicity):
    p = in_review_publicity
    objector = user_of(register(6))
    first = services.file_objection(p.failed_entry().id, "资质证书有效。", actor=objector)
    again = services.file_objection(p.failed_entry().id, " 资质证书有效。 ", actor=objector)
    assert again.id == first.id
    other = services.file_objection(p.failed_entry().id, "另一理由。", actor=objector)
    assert other.id != first.id  # another text is another objection


def test_an_upheld_objection_against_a_pass_needs_a_reason_for_the_fail(in_review_publicity):
    p = in_review_publicity
    passed = next(e for e in queries.entries_of(p.call.id) if e.decision == "pass")
    o = services.file_objection(
        passed.id, "该企业安全生产许可证已过期。", actor=user_of(register(6))
    )
    refused(
        PoolError,
        lambda: services.answer_objection(o.id, "异议成立。", True, actor=p.staff),
        match="理由",
    )
    o = services.answer_objection(
        o.id, "异议成立。", True, reason_code="safety_licence", reason_text="已过期", actor=p.staff
    )
    assert o.correction_notice_id and passed.decision == "fail"


def test_no_draw_before_the_meeting_and_no_roster_publicity_before_the_draws(in_review_publicity):
    p = in_review_publicity
    clock.set_now(at(2026, 10, 19, 9, 0))
    refused(
        TooEarly,
        lambda: services.settle_category(p.call.id, "JZ", ["1"], actor=p.staff),
        match="摇号会议定于2026-10-19 09:30",
    )
    refused(
        PoolError,
        lambda: services.publish_roster_publicity(p.call.id, actor=p.staff),
        match="尚有类别未摇号",
    )
    clock.set_now(at(2026, 10, 19, 9, 30))
    refused(
        PoolForbidden,
        lambda: services.settle_category(p.call.id, "JZ", ["1"], actor=p.reviewer),
        match="工作人员",
    )
    services.show_category_entropy(p.call.id, "JZ", ["1"], actor=p.staff)
    refused(
        PoolError,
        lambda: services.settle_category(p.call.id, "JZ", ["1"], reviewed="0" * 64, actor=p.staff),
        match="合格申请人名单在核对之后发生了变化",
    )
    services.settle_category(p.call.id, "JZ", ["1"], actor=p.staff)
    refused(
        PoolError,
        lambda: services.settle_category(p.call.id, "JZ", ["2"], actor=p.staff),
        match="已经确定",
    )


def test_a_second_upheld_objection_to_the_same_decision_does_not_turn_it_back(in_review_publicity):
    p = in_review_publicity
    failed = p.failed_entry()
    first = services.file_objection(failed.id, "资质证书有效。", actor=user_of(register(6)))
    second = services.file_objection(failed.id, "同意上一异议。", actor=user_of(register(7)))
    services.answer_objection(first.id, "异议成立。", True, actor=p.staff)
    assert failed.decision == "pass"
    answered = services.answer_objection(
        second.id, "异议成立，已于前一答复更正。", True, actor=p.staff
    )
    assert failed.decision == "pass"  # not flipped back to a fail
    assert answered.upheld and answered.correction_notice_id is None


def test_a_company_cannot_change_its_credit_code_after_registration(app):
    clock.set_now(at(2026, 9, 22, 9, 0))
    c = register(1)
    changed = services.ContractorInput(
        uscc=company(2),
        name=c.name,
        legal_representative=c.legal_representative,
        contact_person=c.contact_person,
        contact_mobile=c.contact_mobile,
        address=c.address,
        safety_licence_number=c.safety_licence_number,
    )
    refused(
        RegistrationError,
        lambda: services.update_contractor(c.id, changed, actor=user_of(c)),
        match="注册后不能修改",
    )


def test_the_district_publishes_the_call_under_its_own_name(app):
    # The call is its district's: the notice's issuing body is the district office's name.
    from tests.factories import default_district

    p = Phase()
    p.draft_and_consult()
    notice = p.publish_call()
    assert notice.issuing_body == default_district().name
    assert notice.office_id == p.call.office_id == default_district().id


def test_a_draft_page_loaded_before_the_call_was_published_cannot_edit_it(app):
    # The edit page loads the call, then the service locks it — and the lock did not refresh
    # the page's copy: a call published by another staff member in between read as a draft, and
    # the edit changed the call after its notice was out.
    phase = Phase()
    phase.draft_and_consult()
    clock.set_now(at(2026, 9, 21, 10, 0))
    call_id, staff = phase.call.id, plain_actor(phase.staff)
    held = queries.get_call(call_id)  # the edit page's copy, a draft
    assert held.call_notice_id is None
    assert at_once(app, lambda i: services.publish_call(call_id, actor=staff), 1) == [("done", "")]
    # Not `refused`: it expires the session first, which would refresh the page's copy.
    with pytest.raises(PoolError, match="征集公告已发布，不能再修改"):
        services.update_call(call_id, call_input(title="发布后修改"), actor=phase.staff)
    db.session.expire_all()
    call = db.session.get(PoolCall, call_id)
    assert (call.title, call.revision) == (call.call_notice.title, 1)


def test_an_apply_page_loaded_while_the_application_was_withdrawn_does_not_reopen_it_twice(app):
    # The apply page loads the company's applications, then the service locks the call and reads
    # the application — without refreshing the page's copy: reopened from another tab in
    # between, it still read as withdrawn and was reopened (and audited) a second time.
    phase = Phase()
    phase.draft_and_consult()
    phase.publish_call()
    phase.applicants()
    clock.set_now(at(2026, 9, 23, 9, 0))
    company = phase.contractors[2]
    user = user_of(company)
    a = queries.applications_of(user)[0]
    services.withdraw_application(a.id, actor=user)
    call_id, actor = phase.call.id, plain_actor(user)
    held = queries.applications_of(user)[0]  # the apply page's copy, withdrawn
    assert held.withdrawn_at is not None
    reopen = lambda i: services.apply(call_id, ["JZ"], actor=actor)  # noqa: E731
    assert at_once(app, reopen, 1) == [("done", "")]
    with pytest.raises(PoolError, match="本企业已提交申请"):
        services.apply(call_id, ["JZ"], actor=user)
    db.session.rollback()
    submitted = db.session.scalar(
        select(func.count())
        .select_from(AuditEntry)
        .where(
            AuditEntry.action == "pool_application:submitted",
            AuditEntry.subject_id == str(held.id),
        )
    )
    assert submitted == 2  # the first application and its one reopening
