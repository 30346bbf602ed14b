"""Use cases of policies and guides: draft, edit, attach, publish, withdraw. Each public function
is one transaction that writes its audit row."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import date

from flask import current_app
from sqlalchemy import select

from app import audit, clock, once
from app.audit import Action
from app.errors import refused_as
from app.extensions import db
from app.offices.scope import get_office, require_scope
from app.storage import Upload, UploadRejected, delete_when_committed, store_upload, upload_name
from app.transactions import transactional
from app.urls import MAX_ID
from notices.guides import rules
from notices.guides import search as guide_search
from notices.guides.errors import GuideError, GuideForbidden, GuideNotFound
from notices.guides.models import Guide, GuideAttachment
from notices.guides.rules import GuideState


@dataclass(frozen=True)
class GuideInput:
    """What staff write; frozen once the form validated."""

    kind: str
    title: str
    body: str = ""
    #: None: the author's own office.
    office_id: int | None = None
    issuing_body: str = ""
    doc_number: str = ""
    effective_on: date | None = None


def _snapshot(g: Guide) -> dict:
    return {
        "kind": g.kind,
        "title": g.title,
        "state": g.state,
        "office_id": g.office_id,
        "issuing_body": g.issuing_body,
        "doc_number": g.doc_number,
        "effective_on": g.effective_on,
        "published_at": g.published_at,
        "withdrawn_at": g.withdrawn_at,
        "withdrawn_reason": g.withdrawn_reason,
        "body_sha256": hashlib.sha256((g.body or "").encode()).hexdigest(),
        "attachments": [a.sha256 for a in g.attachments],
    }


def _require_office(actor, office_id: int | None) -> None:
    """Staff write the documents of the offices they cover only."""
    require_scope(
        actor, office_id, GuideForbidden, "编写或发布该机构的政策指南", "write this office's guides"
    )


def _checked(data: GuideInput, actor) -> GuideInput:
    office_id = data.office_id if data.office_id is not None else getattr(actor, "office_id", None)
    if office_id is None:
        raise GuideError("请选择发布机构", "Choose the publishing office", field="office_id")
    try:
        # An id no database integer can be (a forged form) names no office: never a query.
        if not 0 < office_id <= MAX_ID:
            raise LookupError(office_id)
        get_office(office_id)
    except LookupError:
        raise GuideError(
            "发布机构不存在", "The publishing office does not exist", field="office_id"
        ) from None
    _require_office(actor, office_id)
    with refused_as(GuideError):
        rules.check_text(
            data.kind, data.title, data.body, data.issuing_body, data.doc_number, data.effective_on
        )
    return GuideInput(
        kind=data.kind,
        title=data.title.strip(),
        body=data.body,
        office_id=office_id,
        issuing_body=data.issuing_body.strip(),
        doc_number=data.doc_number.strip(),
        effective_on=data.effective_on,
    )


def _apply(g: Guide, data: GuideInput) -> None:
    g.kind, g.title, g.body, g.office_id = data.kind, data.title, data.body, data.office_id
    g.issuing_body, g.doc_number, g.effective_on = (
        data.issuing_body,
        data.doc_number,
        data.effective_on,
    )


def _get(guide_id: int, actor) -> Guide:
    # populate_existing: the locked row's values replace a copy the page loaded before — without
    # it an edit page's copy read a document withdrawn meanwhile as published, and the edit went
    # through and put it back in the site search.
    g = db.session.scalar(
        select(Guide)
        .where(Guide.id == guide_id)
        .with_for_update()
        .execution_options(populate_existing=True)
    )
    if g is None:
        raise GuideNotFound("文件不存在", "No such document")
    _require_office(actor, g.office_id)
    return g


def _record(action: Action, g: Guide, actor, before=None, after=None) -> None:
    audit.record(
        action, "guide", g.id, actor=actor, office_id=g.office_id, before=before, after=after
    )


@transactional
def create_draft(data: GuideInput, *, actor=None, token: str | None = None) -> Guide:
    """Save a new draft; nothing is public until `publish`. `token`: the form's once-only token
    (app.once), so a second post of the same form creates nothing."""
    submission = once.claim(token, "guide", actor)
    data = _checked(data, actor)
    g = Guide(
        state=GuideState.DRAFT, created_at=clock.now(), created_by_id=getattr(actor, "id", None)
    )
    _apply(g, data)
    db.session.add(g)
    db.session.flush()
    _record(Action.GUIDE_DRAFTED, g, actor, after=_snapshot(g))
    once.fulfil(submission, g.id)
    return g


@transactional
def update(guide_id: int, data: GuideInput, *, actor=None) -> Guide:
    """Change a draft, or keep a published document current (its page then says 更新于)."""
    g = _get(guide_id, actor)
    with refused_as(GuideError):
        rules.require_editable(g.state)
    data = _checked(data, actor)
    before = _snapshot(g)
    _apply(g, data)
    if g.state == GuideState.PUBLISHED:
        g.revised_at = clock.now().replace(microsecond=0)
    db.session.flush()
    _record(Action.GUIDE_EDITED, g, actor, before=before, after=_snapshot(g))
    if g.state == GuideState.PUBLISHED:
        guide_search.index(g)  # the search finds what the page now says
    return g


@transactional
def delete_draft(guide_id: int, *, actor=None) -> None:
    """Discard a draft never published; its files go once the deletion is committed."""
    g = _get(guide_id, actor)
    with refused_as(GuideError):
        rules.require_removable(g.state)
    before = _snapshot(g)
    delete_when_committed([a.storage_key for a in g.attachments])
    _record(Action.GUIDE_DRAFT_DELETED, g, actor, before=before)
    db.session.delete(g)
    db.session.flush()


@transactional
def publish(guide_id: int, *, actor=None) -> Guide:
    """Publish a draft now: it appears in the public list of its kind."""
    g = _get(guide_id, actor)
    with refused_as(GuideError):
        rules.require_publishable(g.state)
        # Checked again: the rules may have changed since it was drafted.
        rules.check_text(g.kind, g.title, g.body, g.issuing_body, g.doc_number, g.effective_on)
    before = _snapshot(g)
    g.state = GuideState.PUBLISHED
    g.published_at = clock.now().replace(microsecond=0)
    g.published_by_id = getattr(actor, "id", None)
    db.session.flush()
    _record(Action.GUIDE_PUBLISHED, g, actor, before=before, after=_snapshot(g))
    guide_search.index(g)
    return g


@transactional
def withdraw(guide_id: int, reason: str, *, actor=None) -> Guide:
    """Repeal a policy (已废止) or withdraw a guide, model text or form (已停用): it leaves the
    lists; its page stays, marked, with the date and the reason."""
    g = _get(guide_id, actor)
    with refused_as(GuideError):
        rules.require_withdrawable(g.state)
        reason = rules.check_reason(reason)
    before = _snapshot(g)
    g.state = GuideState.WITHDRAWN
    g.withdrawn_at = clock.now().replace(microsecond=0)
    g.withdrawn_reason = reason
    db.session.flush()
    _record(Action.GUIDE_WITHDRAWN, g, actor, before=before, after=_snapshot(g))
    guide_search.unindex(g)
    return g


def _file_name(filename: str | None) -> str:
    name = upload_name(filename)
    if not name or "\x00" in name:
        raise GuideError("请选择要上传的文件", "Choose a file to upload", field="file")
    return name


@transactional
def add_attachment(
    guide_id: int, filename: str, data: Upload, *, actor=None, token: str | None = None
) -> GuideAttachment:
    """Attach a PDF or image (type read from the content, size capped by MAX_ATTACHMENT_BYTES);
    `token`: the upload form's once-only token (app.once), so a repeated post attaches nothing."""
    submission = once.claim(token, "guide-attachment", actor)
    g = _get(guide_id, actor)
    with refused_as(GuideError):
        rules.require_editable(g.state)
    name = _file_name(filename)
    try:
        stored = store_upload(data, current_app.config["MAX_ATTACHMENT_BYTES"])
    except UploadRejected as e:
        raise GuideError(e.message, e.message_en, field="file") from None
    attachment = GuideAttachment(
        guide=g,
        storage_key=stored.key,
        original_name=name,
        content_type=stored.content_type,
        size=stored.size,
        sha256=stored.sha256,
        uploaded_at=clock.now(),
    )
    db.session.add(attachment)
    db.session.flush()
    _record(
        Action.GUIDE_ATTACHMENT_ADDED,
        g,
        actor,
        after={"attachment_id": attachment.id, "name": name, "sha256": stored.sha256},
    )
    once.fulfil(submission, attachment.id)
    return attachment


@transactional
def remove_attachment(guide_id: int, attachment_id: int, *, actor=None) -> None:
    """Take a file off a document; the file goes once that is committed."""
    g = _get(guide_id, actor)
    with refused_as(GuideError):
        rules.require_editable(g.state)
    attachment = next((a for a in g.attachments if a.id == attachment_id), None)
    if attachment is None:
        raise GuideNotFound("附件不存在", "No such attachment")
    delete_when_committed([attachment.storage_key])
    g.attachments.remove(attachment)
    _record(
        Action.GUIDE_ATTACHMENT_REMOVED,
        g,
        actor,
        before={"attachment_id": attachment_id, "name": attachment.original_name},
    )
    db.session.flush()
