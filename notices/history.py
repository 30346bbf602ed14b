"""A published notice's revision history (app.history): its own audit entries and the
publication of each correction (更正公告) made to it — a reader of a notice expects its
corrections with it. A draft has no public history (404 until published)."""

from __future__ import annotations

from collections.abc import Collection

from flask import url_for
from sqlalchemy import and_, or_, select

from app.audit import Action, AuditEntry
from app.extensions import db
from app.history.queries import Target, subject
from app.urls import record_id
from notices.models import Notice
from notices.rules import NoticeStatus


def public_pages(ids: Collection[str]) -> dict[str, str]:
    """The pages of the published notices among `ids` (a history's `notice_id`, `corrects_id`),
    in one query; a draft's id stays plain text."""
    wanted = {int(i) for i in ids if i.isdigit() and len(i) < 10}
    if not wanted:
        return {}
    published = db.session.scalars(
        select(Notice.id).where(Notice.id.in_(wanted), Notice.status == NoticeStatus.PUBLISHED)
    )
    return {str(i): url_for("notices.detail", notice_id=i) for i in published}


def target(ident: str) -> Target | None:
    try:
        notice_id = record_id(ident)
    except ValueError:
        return None
    n = db.session.scalar(
        select(Notice).where(Notice.id == notice_id, Notice.status == NoticeStatus.PUBLISHED)
    )
    if n is None:
        return None
    corrections = select(Notice.id).where(
        Notice.corrects_id == n.id, Notice.status == NoticeStatus.PUBLISHED
    )
    corrected = [str(i) for i in db.session.scalars(corrections)]
    clause = subject("notice", n.id)
    if corrected:
        clause = or_(
            clause,
            and_(
                AuditEntry.subject_type == "notice",
                AuditEntry.subject_id.in_(corrected),
                AuditEntry.action == str(Action.NOTICE_PUBLISHED),
            ),
        )
    return Target(
        kind="notice",
        ident=str(n.id),
        title=n.title,
        url=url_for("notices.detail", notice_id=n.id),
        public_since=n.published_at,
        clause=clause,
    )
