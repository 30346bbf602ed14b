"""Read-only queries of policies and guides for the public and staff pages."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from app.extensions import db
from app.keyset import Cursor, window
from app.offices.scope import scope_clause
from notices.guides.errors import GuideNotFound
from notices.guides.models import Guide
from notices.guides.rules import GuideState


def published_page(kind: str, page: Cursor | int, per_page: int, office_ids: list[int] | None):
    """The published documents of one kind (and offices: None for all), newest first, with their
    files; a keyset page served by the (state, kind, published_at, id) index."""
    stmt = (
        select(Guide)
        .where(Guide.state == GuideState.PUBLISHED, Guide.kind == kind)
        .options(selectinload(Guide.attachments))
    )
    if office_ids is not None:
        stmt = stmt.where(Guide.office_id.in_(office_ids))
    return window(stmt, page, per_page, Guide.published_at, Guide.id)


def get_public(guide_id: int) -> Guide:
    """A published or withdrawn document (a withdrawn one keeps its page, marked); a draft or an
    unknown id is GuideNotFound."""
    g = db.session.get(Guide, guide_id)
    if g is None or g.state == GuideState.DRAFT:
        raise GuideNotFound("文件不存在", "No such document")
    return g


def get_any(guide_id: int) -> Guide:
    g = db.session.get(Guide, guide_id)
    if g is None:
        raise GuideNotFound("文件不存在", "No such document")
    return g


def staff_list(actor) -> list[Guide]:
    """Every document of the offices the actor covers, drafts first, then newest."""
    stmt = select(Guide).order_by(
        (Guide.state == GuideState.DRAFT).desc(), Guide.created_at.desc(), Guide.id.desc()
    )
    clause = scope_clause(Guide.office_id, actor)
    if clause is not None:
        stmt = stmt.where(clause)
    return list(db.session.scalars(stmt))
