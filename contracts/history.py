"""The revision histories (app.history) of a project and of a decided complaint.

A project's history gathers the project's entries and its tradings' (each announcement round:
notice, bulletin posting, responses, award meeting, contract, suspension) — the steps its page
shows. Who responded stays unknown until the responses close (as on the page, contracts.progress):
until then those entries are left out. Objections and complaints are not in it: a complaint has its
own history once its decision is published, an objection its answer on the project's page.

A complaint is public once its decision notice is published; the handling before it (filing with
the complainant's details, acceptance, pauses) shows as steps without details.
"""

from __future__ import annotations

from flask import url_for
from sqlalchemy import and_, not_, or_, select

from app import clock
from app.audit import Action, AuditEntry
from app.extensions import db
from app.history.queries import Target, subject
from app.i18n import loc
from app.urls import record_id
from contracts import rules
from contracts.complaints import queries as complaint_queries
from contracts.complaints.models import Complaint
from contracts.queries.public import get_public_project
from notices.models import Notice

_RESPONSES = (str(Action.TRADING_RESPONDED), str(Action.TRADING_RESPONSE_WITHDRAWN))


def project_target(ident: str) -> Target | None:
    p = get_public_project(ident)
    if p is None:
        return None
    now = clock.now()
    codes = [t.code for t in p.tradings]
    open_codes = [t.code for t in p.tradings if now < t.responses_close_at]
    tradings = and_(
        AuditEntry.subject_type == rules.SUBJECT_TYPE, AuditEntry.subject_id.in_(codes or [""])
    )
    if open_codes:
        tradings = and_(
            tradings,
            not_(and_(AuditEntry.action.in_(_RESPONSES), AuditEntry.subject_id.in_(open_codes))),
        )
    return Target(
        kind="project",
        ident=p.code,
        title=f"{p.code} {p.name}",
        url=url_for("projects.detail", code=p.code),
        public_since=p.filed_at,
        clause=or_(subject("project", p.code), tradings),
    )


def complaint_target(ident: str) -> Target | None:
    try:
        c = complaint_queries.get(record_id(ident))
    except ValueError:
        return None
    if c is None or c.decision_notice_id is None:
        return None
    notice = db.session.get(Notice, c.decision_notice_id)
    if notice is None or notice.published_at is None:
        return None
    return Target(
        kind="complaint",
        ident=str(c.id),
        title=loc(f"投诉处理决定：{notice.title}", f"Complaint decision: {notice.title}"),
        url=url_for("notices.detail", notice_id=notice.id),
        public_since=notice.published_at,
        clause=subject("complaint", c.id),
    )


def complaint_of_notice(notice_id: int) -> int | None:
    """The complaint a decision notice decides (its page links the complaint's history)."""
    return db.session.scalar(select(Complaint.id).where(Complaint.decision_notice_id == notice_id))
