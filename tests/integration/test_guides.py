"""Policies and guides against a real database: each step one transaction with its audit row,
the office scope, and bad input refused with nothing written."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import func, select

from app.audit import AuditEntry, verify_chain
from app.extensions import db
from app.search.models import SearchEntry
from notices.guides import queries, services
from notices.guides.errors import GuideError, GuideForbidden, GuideNotFound
from notices.guides.models import Guide, GuideAttachment
from notices.guides.services import GuideInput
from tests.factories import PDF, at_once, default_district, make_office, make_user, plain_actor

EXE = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff\x00\x00" + b"\x00" * 48


def policy(**overrides) -> GuideInput:
    values = {
        "kind": "policy",
        "title": "小型建设工程预选承包商名录库管理办法",
        "body": "**第一条** 为规范小型建设工程交易活动，制定本办法。",
        "issuing_body": "区人民政府办公室",
        "doc_number": "北区政办发〔2026〕8号",
    } | overrides
    return GuideInput(**values)


def actions(guide_id: int) -> list[str]:
    return list(
        db.session.scalars(
            select(AuditEntry.action)
            .where(AuditEntry.subject_type == "guide", AuditEntry.subject_id == str(guide_id))
            .order_by(AuditEntry.seq)
        )
    )


def stored_files(app) -> list[Path]:
    return [p for p in Path(app.config["UPLOAD_FOLDER"]).rglob("*") if p.is_file()]


def test_staff_draft_publish_edit_and_repeal_a_policy_each_step_audited(app, now):
    staff = make_user("staff")
    now(2026, 11, 25, 10, 0)
    g = services.create_draft(policy(), actor=staff)
    assert g.office_id == staff.office_id  # the author's own office by default
    with pytest.raises(GuideNotFound):
        queries.get_public(g.id)  # a draft is nobody's business but the office's
    services.publish(g.id, actor=staff)
    now(2026, 11, 26, 9, 0)
    services.update(g.id, policy(title="小型建设工程预选承包商名录库管理办法（修订）"), actor=staff)
    assert queries.get_public(g.id).revised_at is not None
    services.withdraw(g.id, "已被新办法替代", actor=staff)
    g = queries.get_public(g.id)  # its page stays, marked
    assert (g.state, g.withdrawn_reason) == ("withdrawn", "已被新办法替代")
    assert actions(g.id) == ["guide:drafted", "guide:published", "guide:edited", "guide:withdrawn"]
    assert verify_chain().ok
    assert queries.published_page("policy", 1, 20, None).items == []


def test_a_withdrawn_document_can_no_longer_change_nor_be_withdrawn_again(app):
    staff = make_user("staff")
    g = services.create_draft(policy(), actor=staff)
    with pytest.raises(GuideError):
        services.withdraw(g.id, "原因", actor=staff)  # a draft is deleted, not withdrawn
    services.publish(g.id, actor=staff)
    with pytest.raises(GuideError):
        services.publish(g.id, actor=staff)
    with pytest.raises(GuideError):
        services.delete_draft(g.id, actor=staff)
    services.withdraw(g.id, "原因", actor=staff)
    for step in (
        lambda: services.update(g.id, policy(), actor=staff),
        lambda: services.withdraw(g.id, "再次", actor=staff),
        lambda: services.add_attachment(g.id, "a.pdf", PDF, actor=staff),
    ):
        with pytest.raises(GuideError):
            step()
    assert actions(g.id)[-1] == "guide:withdrawn"


def test_a_platform_clerk_writes_its_own_guides_and_not_the_districts(app):
    platform = make_office("zh-jia", "甲街道")
    clerk = make_user("staff", office=platform)
    district_staff = make_user("staff")
    own = services.create_draft(policy(kind="guide", doc_number="", issuing_body=""), actor=clerk)
    assert own.office_id == platform.id
    theirs = services.create_draft(policy(), actor=district_staff)
    with pytest.raises(GuideForbidden):
        services.publish(theirs.id, actor=clerk)
    with pytest.raises(GuideForbidden):
        services.create_draft(policy(office_id=default_district().id), actor=clerk)
    # The district covers its platforms.
    services.publish(own.id, actor=district_staff)


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"title": "办法\x00"}, "title"),
        ({"title": "长" * 10_000}, "title"),
        ({"body": "\x00"}, "body"),
        ({"kind": "<script>"}, "kind"),
        ({"office_id": 2**40}, "office_id"),
    ],
)
def test_bad_input_is_refused_and_nothing_is_written(app, overrides, field):
    staff = make_user("staff")
    with pytest.raises(GuideError) as refused:
        services.create_draft(policy(**overrides), actor=staff)
    assert refused.value.field == field
    assert db.session.scalar(select(func.count(Guide.id))) == 0


def test_a_pdf_is_attached_and_an_exe_or_an_oversized_file_is_refused_without_a_trace(app):
    staff = make_user("staff")
    g = services.create_draft(
        policy(kind="model_text", doc_number="", issuing_body=""), actor=staff
    )
    att = services.add_attachment(g.id, r"C:\文件\交易文件示范文本.pdf", PDF, actor=staff)
    assert (att.original_name, att.content_type, att.size) == (
        "交易文件示范文本.pdf",
        "application/pdf",
        len(PDF),
    )
    with pytest.raises(GuideError) as refused:
        services.add_attachment(g.id, "setup.pdf", EXE, actor=staff)
    assert refused.value.field == "file"
    app.config["MAX_ATTACHMENT_BYTES"] = 1024
    with pytest.raises(GuideError):
        services.add_attachment(g.id, "big.pdf", PDF + b"0" * 2048, actor=staff)
    assert db.session.scalar(select(func.count(GuideAttachment.id))) == 1
    assert len(stored_files(app)) == 1  # the refused uploads left no file behind
    assert actions(g.id) == ["guide:drafted", "guide:attachment_added"]


def test_deleting_a_draft_removes_its_files_once_committed(app):
    staff = make_user("staff")
    g = services.create_draft(policy(), actor=staff)
    services.add_attachment(g.id, "附件.pdf", PDF, actor=staff)
    services.delete_draft(g.id, actor=staff)
    assert db.session.get(Guide, g.id) is None
    assert stored_files(app) == []
    assert actions(g.id)[-1] == "guide:draft_deleted"


def test_a_page_loaded_before_the_document_was_withdrawn_cannot_edit_it_nor_list_it_again(app):
    # The edit page loads the document, then the service locks it — and the lock did not
    # refresh the page's copy: a document withdrawn in between read as published, the edit went
    # through and put the withdrawn document back in the site search.
    staff = make_user("staff")
    g = services.create_draft(policy(), actor=staff)
    services.publish(g.id, actor=staff)
    guide_id, actor = g.id, plain_actor(staff)
    held = db.session.get(Guide, guide_id)  # the edit page's copy, published
    assert held.state == "published"
    withdraw = lambda i: services.withdraw(guide_id, "已被新办法替代", actor=actor)  # noqa: E731
    assert at_once(app, withdraw, 1) == [("done", "")]
    with pytest.raises(GuideError):
        services.update(guide_id, policy(title="撤回后修改"), actor=staff)
    db.session.rollback()
    assert actions(guide_id)[-1] == "guide:withdrawn"
    listed = select(func.count()).where(
        SearchEntry.key == str(guide_id), SearchEntry.kind == "guide"
    )
    assert db.session.scalar(listed) == 0
