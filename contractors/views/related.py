"""Where a pool call's notices lead (notices.related): the call's page and, once committed, the
draws of its categories (`<call code>-<category code>`, recorded on each category)."""

from __future__ import annotations

from flask import url_for
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from app.extensions import db
from app.i18n import loc
from contractors.models import PoolCall, PoolCallCategory
from notices.related import RelatedLink

#: The call's categories with their names, loaded with the call (the links name each category's
#: draw): two statements, not one more per category.
_WITH_CATEGORIES = selectinload(PoolCall.categories).joinedload(PoolCallCategory.category)


def _call(subject_id: str) -> PoolCall | None:
    # The call's code; a reserve's entry names the call by its id (contractors.sanctions.effects).
    if subject_id.isdigit():
        return db.session.get(PoolCall, int(subject_id), options=[_WITH_CATEGORIES])
    return db.session.scalar(
        select(PoolCall).where(PoolCall.code == subject_id).options(_WITH_CATEGORIES)
    )


def notice_links(notice, viewer) -> list[RelatedLink]:
    """The links of a notice whose subject is a pool call."""
    call = _call(notice.subject_id)
    if call is None or call.call_notice_id is None:
        return []
    links = [
        RelatedLink(
            loc("征集页面", "Pool call page"), url_for("pool.call", call_id=call.id), call.code
        )
    ]
    # A category's draw is recorded on it in the transaction that commits the draw
    # (contractors.services.review): no statement to ask which draws exist.
    links += [
        RelatedLink(
            loc(
                f"入围企业摇号（{cc.category.name}）",
                f"Draw of the pool members ({cc.category.name})",
            ),
            url_for("draws.detail", draw_id=cc.draw_id),
            cc.draw_id,
        )
        for cc in call.categories
        if cc.draw_id is not None
    ]
    return links
