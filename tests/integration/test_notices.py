"""Notice services against a real database: drafting, publishing, publicity, corrections, attachments."""

from __future__ import annotations

import re
from datetime import datetime

import pytest
from sqlalchemy import select, text
from sqlalchemy.exc import DatabaseError, IntegrityError

from app import clock
from app.audit import AuditEntry, verify_chain
from app.calendar.services import build_arrangement, confirm_year
from app.extensions import db
from app.offices.models import Office
from notices import rules, services
from notices.errors import NoticeError, UnconfirmedPublicity
from notices.models import Notice
from tests.factories import (
    HOLIDAYS_2027,
    NOTICE_2027,
    at_once,
    default_district,
    make_notice,
    make_user,
    plain_actor,
)

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def test_publishing_fixes_the_time_and_the_end_of_publicity_in_working_days(app, now):
    now(2026, 9, 24, 10, 0)
    staff = make_user("staff")
    notice = make_notice(staff, min_working_days=5)
    assert notice.status == "published"
    assert clock.local(notice.published_at) == datetime(2026, 9, 24, 10, 0, tzinfo=clock.TZ)
    # 09-25 is the Mid-Autumn holiday, 10-01..10-07 National Day: 09-28/29/30, 10-08, 10-09.
    assert notice.publicity_ends_at == datetime(2026, 10, 10, 0, 0, tzinfo=clock.TZ)


def test_a_type_minimum_applies_when_staff_leave_the_period_empty(app, now):
    now(2026, 2, 10, 9, 0)
    notice = make_notice(make_user("staff"), type="pool_call", title="征集公告")
    assert notice.min_working_days == 10
    # 02-14 and 02-28 (Saturdays) are make-up working days of Spring Festival 2026.
    assert notice.publicity_ends_at == datetime(2026, 3, 3, 0, 0, tzinfo=clock.TZ)


def test_a_publicity_shorter_than_the_type_minimum_is_refused_and_nothing_is_saved(app, now):
    now(2026, 11, 2, 9, 0)
    staff = make_user("staff")
    before = db.session.scalar(select(db.func.count(Notice.id)))
    with pytest.raises(NoticeError) as e:
        make_notice(staff, type="pool_call", min_working_days=9)
    assert "不得少于10个工作日" in e.value.message
    assert db.session.scalar(select(db.func.count(Notice.id))) == before


def test_staff_may_set_a_longer_publicity_than_the_minimum(app, now):
    now(2026, 11, 2, 9, 0)
    notice = make_notice(make_user("staff"), min_working_days=7)
    assert notice.min_working_days == 7
    assert notice.publicity_ends_at == datetime(2026, 11, 12, 0, 0, tzinfo=clock.TZ)


def test_a_notice_dated_2026_12_24_is_refused_until_2027_is_confirmed_and_accepted_after(app, now):
    now(2026, 12, 24, 9, 0)
    staff = make_user("staff")
    draft = make_notice(staff, publish=False, min_working_days=10)
    with pytest.raises(UnconfirmedPublicity) as e:
        services.publish(draft.id, actor=staff)
    assert e.value.year == 2027 and "2027" in e.value.message
    assert db.session.get(Notice, draft.id).status == "draft"

    confirm_year(build_arrangement(2027, NOTICE_2027, HOLIDAYS_2027, ""), actor=staff)
    published = services.publish(draft.id, actor=staff)
    # 12-25, 28, 29, 30, 31, then 2027-01-04..08 (01-01 is New Year's Day).
    assert published.publicity_ends_at == datetime(2027, 1, 9, 0, 0, tzinfo=clock.TZ)


def test_a_calendar_change_lengthens_a_running_publicity_and_never_shortens_it(app, now):
    staff = make_user("staff")
    confirm_year(build_arrangement(2027, NOTICE_2027, HOLIDAYS_2027, ""), actor=staff)
    now(2026, 12, 24, 9, 0)
    notice = make_notice(staff, type="pool_call")
    first_end = notice.publicity_ends_at
    assert first_end == datetime(2027, 1, 9, 0, 0, tzinfo=clock.TZ)

    # More holidays: the running period grows, and the change is audited.
    more = HOLIDAYS_2027 + "\n2027-01-04~2027-01-05"
    confirm_year(build_arrangement(2027, "国办发明电〔2026〕13号", more, ""), actor=staff)
    db.session.expire_all()
    assert db.session.get(Notice, notice.id).publicity_ends_at == datetime(
        2027, 1, 13, 0, 0, tzinfo=clock.TZ
    )
    assert db.session.scalar(
        select(AuditEntry).where(AuditEntry.action == "notice:publicity_extended")
    )

    # Fewer holidays than at publication: the stored end stays.
    confirm_year(build_arrangement(2027, "国办发明电〔2026〕14号", HOLIDAYS_2027, ""), actor=staff)
    db.session.expire_all()
    assert db.session.get(Notice, notice.id).publicity_ends_at == datetime(
        2027, 1, 13, 0, 0, tzinfo=clock.TZ
    )
    assert verify_chain().ok


def test_a_published_notice_cannot_be_edited_deleted_or_republished(app, now):
    now(2026, 11, 2, 9, 0)
    staff = make_user("staff")
    notice = make_notice(staff)
    data = services.NoticeInput("trading_notice", "改过的标题", "区公管办", "依据")
    for attempt in (
        lambda: services.update_draft(notice.id, data, actor=staff),
        lambda: services.delete_draft(notice.id, actor=staff),
        lambda: services.publish(notice.id, actor=staff),
        lambda: services.add_attachment(notice.id, "a.pdf", PDF, actor=staff),
    ):
        with pytest.raises(NoticeError, match="已发布"):
            attempt()
    db.session.expire_all()
    assert db.session.get(Notice, notice.id).title == "甬江街道某村道路硬化工程交易公告"


def test_the_database_itself_refuses_to_rewrite_a_published_notice(app, now):
    now(2026, 11, 2, 9, 0)
    notice = make_notice(make_user("staff"))
    with pytest.raises((IntegrityError, DatabaseError)):
        db.session.execute(text("UPDATE notices SET title = 'x' WHERE id = :id"), {"id": notice.id})
        db.session.flush()
    db.session.rollback()
    with pytest.raises((IntegrityError, DatabaseError)):
        db.session.execute(text("DELETE FROM notices WHERE id = :id"), {"id": notice.id})
    db.session.rollback()
    assert db.session.get(Notice, notice.id).title == "甬江街道某村道路硬化工程交易公告"


def test_a_correction_is_a_new_notice_linked_both_ways(app, now):
    now(2026, 11, 2, 9, 0)
    staff = make_user("staff")
    original = make_notice(staff)
    now(2026, 11, 3, 9, 0)
    correction = make_notice(staff, type="correction", title="更正公告", corrects_id=original.id)
    db.session.expire_all()
    original = db.session.get(Notice, original.id)
    assert correction.corrects_id == original.id
    assert [c.id for c in original.corrections] == [correction.id]


@pytest.mark.parametrize(
    ("type_", "corrects"),
    [("correction", None), ("policy", "original")],
)
def test_only_a_correction_names_a_corrected_notice_and_it_must_name_one(app, now, type_, corrects):
    now(2026, 11, 2, 9, 0)
    staff = make_user("staff")
    original = make_notice(staff)
    with pytest.raises(NoticeError):
        make_notice(staff, type=type_, corrects_id=original.id if corrects else None)


def test_a_correction_of_a_draft_is_refused(app, now):
    now(2026, 11, 2, 9, 0)
    staff = make_user("staff")
    draft = make_notice(staff, publish=False)
    with pytest.raises(NoticeError, match="尚未发布"):
        make_notice(staff, type="correction", corrects_id=draft.id)


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("title", "  ", "请填写标题"),
        ("title", "长" * 201, "200"),
        ("legal_basis", "", "公开依据"),
        ("type", "tender", "未知的公告类型"),
    ],
)
def test_a_draft_with_a_bad_field_is_refused_with_a_message_naming_it(
    app, now, field, value, message
):
    now(2026, 11, 2, 9, 0)
    with pytest.raises(NoticeError, match=message):
        make_notice(make_user("staff"), publish=False, **{field: value})
    assert db.session.scalar(select(db.func.count(Notice.id))) == 0


def test_a_hand_written_notice_with_a_blank_issuing_body_is_issued_by_its_office_s_name(app, now):
    now(2026, 11, 2, 9, 0)
    staff = make_user("staff")
    draft = make_notice(staff, publish=False, issuing_body=" ", office_id=staff.office_id)
    assert draft.office_id == staff.office_id
    assert draft.issuing_body == db.session.get(Office, staff.office_id).name


def test_a_service_notice_without_an_issuing_body_is_refused(app, now):
    now(2026, 11, 2, 9, 0)
    with pytest.raises(NoticeError, match="公开主体"):
        make_notice(make_user("staff"), issuing_body="")
    assert db.session.scalar(select(db.func.count(Notice.id))) == 0


def test_attachments_are_typed_by_content_and_stored_under_generated_names(app, now):
    now(2026, 11, 2, 9, 0)
    staff = make_user("staff")
    draft = make_notice(staff, publish=False)
    att = services.add_attachment(draft.id, "征集文件.pdf", PDF, actor=staff)
    assert att.original_name == "征集文件.pdf" and att.content_type == "application/pdf"
    assert att.storage_key.endswith(".pdf") and "征集" not in att.storage_key
    png = services.add_attachment(draft.id, "现场照片.pdf", PNG, actor=staff)
    assert png.content_type == "image/png"  # the name lies; the content decides


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"MZ\x90\x00 not a pdf", "只接受PDF或图片"),
        (b"", "空的"),
        (b"<html><script>", "只接受PDF或图片"),
    ],
)
def test_an_upload_of_the_wrong_type_is_refused_and_leaves_no_file(
    app, now, data, message, tmp_path
):
    now(2026, 11, 2, 9, 0)
    staff = make_user("staff")
    draft = make_notice(staff, publish=False)
    with pytest.raises(NoticeError, match=message):
        services.add_attachment(draft.id, "x.pdf", data, actor=staff)
    uploads = tmp_path / "uploads"
    assert not uploads.exists() or not any(p.is_file() for p in uploads.rglob("*"))


def test_an_oversized_upload_is_refused(app, now):
    now(2026, 11, 2, 9, 0)
    app.config["MAX_ATTACHMENT_BYTES"] = 1024
    staff = make_user("staff")
    draft = make_notice(staff, publish=False)
    with pytest.raises(NoticeError, match="上限"):
        services.add_attachment(draft.id, "big.pdf", PDF + b"0" * 2048, actor=staff)
    assert db.session.get(Notice, draft.id).attachments == []


def test_deleting_a_draft_removes_its_files(app, now, tmp_path):
    now(2026, 11, 2, 9, 0)
    staff = make_user("staff")
    draft = make_notice(staff, publish=False)
    services.add_attachment(draft.id, "a.pdf", PDF, actor=staff)
    services.delete_draft(draft.id, actor=staff)
    assert not any(p.is_file() for p in (tmp_path / "uploads").rglob("*"))
    assert db.session.get(Notice, draft.id) is None


def test_every_change_to_a_notice_is_in_the_audit_chain(app, now):
    now(2026, 11, 2, 9, 0)
    staff = make_user("staff")
    draft = make_notice(staff, publish=False)
    services.add_attachment(draft.id, "a.pdf", PDF, actor=staff)
    services.publish(draft.id, actor=staff)
    actions = db.session.scalars(
        select(AuditEntry.action)
        .where(AuditEntry.subject_type == "notice")
        .order_by(AuditEntry.seq)
    ).all()
    assert actions == ["notice:drafted", "notice:attachment_added", "notice:published"]
    assert verify_chain().ok


# ---- types only a domain service publishes ------------------------------------------------------

SERVICE_ONLY = [code for code, t in rules.NOTICE_TYPES.items() if not t.by_hand]


def _result(type_: str, **changes) -> services.NoticeInput:
    return services.NoticeInput(
        type=type_,
        title="甬江街道某村道路硬化工程交易结果公告",
        issuing_body="区公共资源交易管理办公室",
        legal_basis="小型建设工程交易规则",
        body="中标人：某某建筑有限公司",
        min_working_days=rules.NOTICE_TYPES[type_].min_working_days,
        **changes,
    )


@pytest.mark.parametrize("type_", SERVICE_ONLY)
def test_a_service_only_type_cannot_be_drafted_or_edited_by_hand_whoever_calls(app, now, type_):
    now(2026, 11, 2, 9, 0)
    staff = make_user("staff")
    with pytest.raises(NoticeError, match="只能由平台在办理相应业务时自动发布") as e:
        services.create_draft(_result(type_), actor=staff)
    assert e.value.field == "type" and "by hand" in e.value.message_en
    assert db.session.scalar(select(db.func.count(Notice.id))) == 0

    draft = make_notice(staff, publish=False, title="办事指南")
    with pytest.raises(NoticeError, match="只能由平台在办理相应业务时自动发布"):
        services.update_draft(draft.id, _result(type_), actor=staff)
    db.session.rollback()
    assert db.session.get(Notice, draft.id).type == "policy"


def test_a_stored_draft_of_a_service_only_type_cannot_be_published(app, now):
    # Such a draft may exist from before the rule: it stays unpublished.
    now(2026, 11, 2, 9, 0)
    staff = make_user("staff")
    draft = make_notice(staff, publish=False)
    db.session.execute(
        text("UPDATE notices SET type = 'trading_result' WHERE id = :id"), {"id": draft.id}
    )
    db.session.commit()
    with pytest.raises(NoticeError, match="只能由平台在办理相应业务时自动发布"):
        services.publish(draft.id, actor=staff)
    db.session.rollback()
    assert db.session.get(Notice, draft.id).status == "draft"


def test_the_domain_services_path_still_publishes_a_service_only_type(app, now):
    now(2026, 11, 2, 9, 0)
    notice = services.publish_new(
        _result(
            "trading_result",
            subject_type="project",
            subject_id="1",
            office_id=default_district().id,
        )
    )
    db.session.commit()
    assert notice.status == "published" and notice.type == "trading_result"


def test_the_status_check_admits_exactly_the_notice_statuses():
    # notices.rules.NoticeStatus is the one list: the CHECK constraint must say the same.
    checks = [str(c.sqltext) for c in Notice.__table__.constraints if hasattr(c, "sqltext")]
    listed = next(c for c in checks if c.startswith("status IN"))
    assert set(re.findall(r"'(\w+)'", listed)) == {s.value for s in rules.NoticeStatus}


def test_a_draft_page_loaded_before_the_notice_was_published_cannot_edit_or_delete_it(app, now):
    # The edit page loads the draft, then the service locks it — and the lock did not refresh
    # the page's copy: a draft published by another staff member in between read as a draft,
    # and the edit reached the database's trigger (a 500) instead of the refusal.
    now(2026, 11, 2, 9, 0)
    staff = make_user("staff")
    draft = make_notice(staff, publish=False)
    notice_id, actor = draft.id, plain_actor(staff)
    held = db.session.get(Notice, notice_id)  # the edit page's copy, a draft
    assert not held.is_published
    assert at_once(app, lambda i: services.publish(notice_id, actor=actor), 1) == [("done", "")]
    data = services.NoticeInput("policy", "改过的标题", "区公管办", "依据", body="正文")
    with pytest.raises(NoticeError, match="已发布"):
        services.update_draft(notice_id, data, actor=staff)
    db.session.rollback()
    with pytest.raises(NoticeError, match="已发布"):
        services.delete_draft(notice_id, actor=staff)
    db.session.rollback()
    db.session.expire_all()
    assert db.session.get(Notice, notice_id).title == draft.title
