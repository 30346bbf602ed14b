"""Notice use cases: draft, edit, attach, publish, correct. Each public function is one transaction."""

from __future__ import annotations

import dataclasses
import hashlib
from dataclasses import dataclass
from datetime import datetime

from flask import current_app
from sqlalchemy import select

from app import audit, clock, once
from app.audit import Action
from app.calendar.services import current_calendar
from app.extensions import db
from app.offices.scope import get_office, require_scope
from app.storage import Upload, UploadRejected, delete_when_committed, store_upload, upload_name
from app.transactions import transactional
from app.workdays import UnconfirmedYear, WorkCalendar
from notices import categories, rules
from notices.errors import NoticeError, NoticeForbidden, NoticeNotFound, UnconfirmedPublicity
from notices.models import Notice, NoticeAttachment
from notices.rules import NoticeStatus

MAX_BODY = 50_000


@dataclass(frozen=True)
class NoticeInput:
    """What staff write; frozen once the form validated."""

    type: str
    title: str
    issuing_body: str
    legal_basis: str
    body: str = ""
    #: None → the type's minimum (or no publicity for a type without one).
    min_working_days: int | None = None
    publish_due_at: datetime | None = None
    corrects_id: int | None = None
    subject_type: str | None = None
    subject_id: str | None = None
    #: The issuing office (app.offices); `issuer(office_id)` gives it with its name as the
    #: issuing body.
    office_id: int | None = None


def issuer(office_id: int) -> dict:
    """The issuing office of a notice and its name as 公开主体, for NoticeInput:
    `NoticeInput(type=…, **issuer(project.office_id), …)`."""
    return {"office_id": office_id, "issuing_body": get_office(office_id).name}


def _snapshot(n: Notice) -> dict:
    return {
        "type": n.type,
        "title": n.title,
        "status": n.status,
        "issuing_body": n.issuing_body,
        "legal_basis": n.legal_basis,
        "min_working_days": n.min_working_days,
        "publish_due_at": n.publish_due_at,
        "published_at": n.published_at,
        "publicity_ends_at": n.publicity_ends_at,
        "corrects_id": n.corrects_id,
        "body_sha256": hashlib.sha256((n.body or "").encode()).hexdigest(),
        "attachments": [a.sha256 for a in n.attachments],
    }


def _validate(data: NoticeInput, *, by_hand: bool) -> int | None:
    """Check a draft's fields; return the publicity (working days) it will have.

    `by_hand`: written by staff (create_draft, update_draft, publish), who may write only the
    types rules.NoticeType.by_hand allows; the domain services publish the others (publish_new).
    """
    info = rules.NOTICE_TYPES.get(data.type)
    if info is None:
        raise NoticeError(
            f"未知的公告类型：{data.type}", f"Unknown notice type: {data.type}", field="type"
        )
    if by_hand and not info.by_hand:
        raise NoticeError(
            f"“{info.label}”只能由平台在办理相应业务时自动发布，不能手工编写或发布",
            f"A {info.label_en.lower()} is published only by the platform when the matching step"
            " is done; it cannot be written or published by hand",
            field="type",
        )
    if data.office_id is None:
        # Every notice is an office's (the domains give theirs: `issuer`; staff choose one).
        raise NoticeError("请选择发布机构", "Choose the issuing office", field="office_id")
    if not data.title.strip():
        raise NoticeError("请填写标题", "Enter a title", field="title")
    if len(data.title) > 200:
        raise NoticeError(
            "标题不能超过200个字符", "The title may have at most 200 characters", field="title"
        )
    if not data.issuing_body.strip():
        raise NoticeError("请填写公开主体", "Enter the issuing body", field="issuing_body")
    if not data.legal_basis.strip():
        raise NoticeError("请填写公开依据", "Enter the legal basis", field="legal_basis")
    if len(data.body) > MAX_BODY:
        raise NoticeError(
            f"正文不能超过{MAX_BODY}个字符",
            f"The body may have at most {MAX_BODY} characters",
            field="body",
        )
    if (data.type == "correction") != (data.corrects_id is not None):
        raise NoticeError(
            "更正公告必须指明所更正的公告；其他类型的公告不能指定被更正公告",
            "A correction must name the notice it corrects, and only a correction may",
            field="corrects_id",
        )
    if data.corrects_id is not None:
        target = db.session.get(Notice, data.corrects_id)
        if target is None or not target.is_published:
            raise NoticeError(
                "被更正的公告不存在或尚未发布",
                "The corrected notice does not exist or is not published",
                field="corrects_id",
            )
    try:
        return rules.required_days(data.type, data.min_working_days)
    except ValueError:
        minimum = info.min_working_days or 1
        raise NoticeError(
            f"“{info.label}”的公示期不得少于{minimum}个工作日",
            f"A {info.label_en.lower()} must be public for at least {minimum} working days",
            field="min_working_days",
        ) from None


def _by_hand(data: NoticeInput, actor) -> NoticeInput:
    """A notice written by staff: its office is one the author covers (default: the author's
    own), and a blank issuing body is that office's name (公开主体)."""
    office_id = data.office_id if data.office_id is not None else getattr(actor, "office_id", None)
    if office_id is None:
        raise NoticeError("请选择发布机构", "Choose the issuing office", field="office_id")
    try:
        office = get_office(office_id)
    except LookupError:
        raise NoticeError(
            "发布机构不存在", "The issuing office does not exist", field="office_id"
        ) from None
    _require_office(actor, office.id)
    issuing_body = data.issuing_body if data.issuing_body.strip() else office.name
    return dataclasses.replace(data, office_id=office.id, issuing_body=issuing_body)


def _require_office(actor, office_id: int | None) -> None:
    """Staff write, edit and publish the notices of the offices they cover only; a notice with
    no office (before the offices) is the deployment administrator's."""
    require_scope(
        actor,
        office_id,
        NoticeForbidden,
        "编写或发布该机构的公告",
        "write or publish this office's notices",
    )


def _get_draft(notice_id: int, *, lock: bool = False, actor=None) -> Notice:
    stmt = select(Notice).where(Notice.id == notice_id)
    if lock:
        # populate_existing: the locked row's values replace a copy the page loaded before —
        # without it an edit page's copy read a notice published meanwhile as a draft, and the
        # edit ran into the database's immutability trigger (a 500) instead of the refusal.
        stmt = stmt.with_for_update().execution_options(populate_existing=True)
    notice = db.session.scalar(stmt)
    if notice is None:
        raise NoticeNotFound("公告不存在", "No such notice")
    _require_office(actor, notice.office_id)
    if notice.is_published:
        # 公告一经发布不得修改或删除 (DESIGN.md, Publication): corrections are new notices.
        raise NoticeError(
            "公告已发布，不能再修改或删除；如需更正，请发布更正公告",
            "The notice is published and can no longer change; publish a correction instead",
        )
    return notice


def _apply(notice: Notice, data: NoticeInput, days: int | None) -> None:
    notice.type = data.type
    notice.title = data.title.strip()
    notice.body = data.body
    notice.issuing_body = data.issuing_body.strip()
    notice.legal_basis = data.legal_basis.strip()
    notice.min_working_days = days
    notice.publish_due_at = data.publish_due_at
    notice.corrects_id = data.corrects_id
    notice.subject_type = data.subject_type
    notice.subject_id = data.subject_id
    notice.category_code = categories.of_subject(data.subject_type, data.subject_id)
    notice.office_id = data.office_id


@transactional
def create_draft(data: NoticeInput, *, actor=None, token: str | None = None) -> Notice:
    """Save a new draft written by staff. Nothing is public until `publish`. `token` is the
    draft form's once-only token (app.once): a second post of the same form creates nothing."""
    submission = once.claim(token, "notice", actor)
    notice = _create_draft(_by_hand(data, actor), actor, by_hand=True)
    once.fulfil(submission, notice.id)
    return notice


def _create_draft(data: NoticeInput, actor, *, by_hand: bool) -> Notice:
    days = _validate(data, by_hand=by_hand)
    notice = Notice(
        status=NoticeStatus.DRAFT, created_at=clock.now(), created_by_id=getattr(actor, "id", None)
    )
    _apply(notice, data, days)
    db.session.add(notice)
    db.session.flush()
    audit.record(
        Action.NOTICE_DRAFTED,
        "notice",
        notice.id,
        actor=actor,
        office_id=notice.office_id,
        after=_snapshot(notice),
    )
    return notice


@transactional
def update_draft(notice_id: int, data: NoticeInput, *, actor=None) -> Notice:
    """Change a draft; a published notice is refused."""
    notice = _get_draft(notice_id, lock=True, actor=actor)
    data = _by_hand(data, actor)
    days = _validate(data, by_hand=True)
    before = _snapshot(notice)
    _apply(notice, data, days)
    db.session.flush()
    audit.record(
        Action.NOTICE_EDITED,
        "notice",
        notice.id,
        actor=actor,
        office_id=notice.office_id,
        before=before,
        after=_snapshot(notice),
    )
    return notice


@transactional
def delete_draft(notice_id: int, *, actor=None) -> None:
    """Discard a draft that was never published; its files go once the deletion is committed."""
    notice = _get_draft(notice_id, lock=True, actor=actor)
    before = _snapshot(notice)
    delete_when_committed([a.storage_key for a in notice.attachments])
    db.session.delete(notice)
    audit.record(
        Action.NOTICE_DRAFT_DELETED,
        "notice",
        notice_id,
        actor=actor,
        office_id=notice.office_id,
        before=before,
    )
    db.session.flush()


@transactional
def add_attachment(
    notice_id: int, filename: str, data: Upload, *, actor=None, token: str | None = None
) -> NoticeAttachment:
    """Attach a PDF or image to a draft. The type is read from the content; the size is capped.
    `token`: the upload form's once-only token (app.once), so a repeated post attaches nothing."""
    submission = once.claim(token, "notice-attachment", actor)
    notice = _get_draft(notice_id, lock=True, actor=actor)
    name = upload_name(filename)
    if not name:
        raise NoticeError("请选择要上传的文件", "Choose a file to upload", field="file")
    try:
        stored = store_upload(data, current_app.config["MAX_ATTACHMENT_BYTES"])
    except UploadRejected as e:
        raise NoticeError(e.message, e.message_en, field="file") from None
    attachment = NoticeAttachment(
        notice=notice,
        storage_key=stored.key,
        original_name=name,
        content_type=stored.content_type,
        size=stored.size,
        sha256=stored.sha256,
        uploaded_at=clock.now(),
    )
    db.session.add(attachment)
    db.session.flush()
    audit.record(
        Action.NOTICE_ATTACHMENT_ADDED,
        "notice",
        notice.id,
        actor=actor,
        office_id=notice.office_id,
        after={
            "attachment_id": attachment.id,
            "name": name,
            "sha256": stored.sha256,
            "size": stored.size,
        },
    )
    once.fulfil(submission, attachment.id)
    return attachment


@transactional
def remove_attachment(notice_id: int, attachment_id: int, *, actor=None) -> None:
    """Take an attachment off a draft; the file goes once that is committed."""
    notice = _get_draft(notice_id, lock=True, actor=actor)
    attachment = next((a for a in notice.attachments if a.id == attachment_id), None)
    if attachment is None:
        raise NoticeNotFound("附件不存在", "No such attachment")
    delete_when_committed([attachment.storage_key])
    notice.attachments.remove(attachment)
    audit.record(
        Action.NOTICE_ATTACHMENT_REMOVED,
        "notice",
        notice.id,
        actor=actor,
        office_id=notice.office_id,
        before={
            "attachment_id": attachment_id,
            "name": attachment.original_name,
            "sha256": attachment.sha256,
        },
    )
    db.session.flush()


def publicity_end(
    days: int | None, published_on, calendar: WorkCalendar | None = None
) -> datetime | None:
    """The exclusive end of a publicity of `days` working days published on the local date given.

    Raises NoticeError naming the year when the span touches a year nobody confirmed.
    """
    if days is None:
        return None
    try:
        return (calendar or current_calendar()).publicity_ends_at(published_on, days)
    except UnconfirmedYear as e:
        raise UnconfirmedPublicity(str(e), e.message_en, year=e.year) from None


def _publish(notice: Notice, actor) -> Notice:
    now = clock.now().replace(microsecond=0)
    before = _snapshot(notice)
    notice.publicity_ends_at = publicity_end(notice.min_working_days, clock.local(now).date())
    notice.published_at = now
    notice.published_by_id = getattr(actor, "id", None)
    notice.status = NoticeStatus.PUBLISHED
    db.session.flush()
    audit.record(
        Action.NOTICE_PUBLISHED,
        "notice",
        notice.id,
        actor=actor,
        office_id=notice.office_id,
        before=before,
        after=_snapshot(notice),
    )
    # The site search shows it from the same commit (nothing earlier, nothing lost).
    from notices import search

    search.index(notice)
    return notice


@transactional
def publish(notice_id: int, *, actor=None) -> Notice:
    """Publish a draft now: fixes the publication time and the publicity end; immutable after."""
    notice = _get_draft(notice_id, lock=True, actor=actor)
    # The rules may have changed since it was drafted; only drafts reach here, and only staff
    # write drafts (the services publish at once), so a draft of a service-only type is refused.
    _validate(_input_of(notice), by_hand=True)
    return _publish(notice, actor)


@transactional
def publish_new(data: NoticeInput, *, actor=None) -> Notice:
    """Create and publish a notice at once (a type staff do not draft by hand).

    For other domains' services: called inside their use case it joins its transaction, so a pool
    call, a review result or a trading notice is published together with the state change it
    announces.
    """
    return _publish(_create_draft(data, actor, by_hand=False), actor)


def _input_of(n: Notice) -> NoticeInput:
    return NoticeInput(
        type=n.type,
        title=n.title,
        issuing_body=n.issuing_body,
        legal_basis=n.legal_basis,
        body=n.body,
        min_working_days=n.min_working_days,
        publish_due_at=n.publish_due_at,
        corrects_id=n.corrects_id,
        subject_type=n.subject_type,
        subject_id=n.subject_id,
        office_id=n.office_id,
    )


def lengthen_running_publicity(calendar: WorkCalendar, actor=None, **_) -> None:
    """A calendar change may lengthen a running publicity, never shorten it (DESIGN.md); logged."""
    now = clock.now()
    running = db.session.scalars(
        select(Notice).where(
            Notice.status == NoticeStatus.PUBLISHED, Notice.publicity_ends_at > now
        )
    )
    for notice in running:
        try:
            new_end = calendar.publicity_ends_at(
                clock.local(notice.published_at).date(), notice.min_working_days
            )
        except UnconfirmedYear:
            continue  # cannot be: its end was computed before; keep what it was given
        if new_end > notice.publicity_ends_at:
            before = {"publicity_ends_at": notice.publicity_ends_at}
            notice.publicity_ends_at = new_end
            audit.record(
                Action.NOTICE_PUBLICITY_EXTENDED,
                "notice",
                notice.id,
                actor=actor,
                office_id=notice.office_id,
                before=before,
                after={"publicity_ends_at": new_end},
            )
