"""The draws' candidates: a category's qualified applicants, final once its review publicity ended
with every objection answered (the lottery console freezes them at the draw)."""

from __future__ import annotations

from sqlalchemy import select

from app import clock
from app.extensions import db
from contractors.models import PoolCallCategory
from lottery import services as draws

from .calls import facts_of, qualified


def call_category_by_draw(draw_id: str) -> PoolCallCategory | None:
    return db.session.scalar(select(PoolCallCategory).where(PoolCallCategory.draw_id == draw_id))


#: A pool draw's subject is (SUBJECT_TYPE, <draw id>): one per call and category.
SUBJECT_TYPE = "pool_category"


def pool_candidates(subject_code: str) -> draws.CandidateList | None:
    """The qualified applicants of a category, final once its review publicity ended with every
    objection answered (the lottery console freezes them at the draw); None before."""
    cc = call_category_by_draw(subject_code)
    if cc is None:
        return None
    facts = facts_of(cc.call)
    now = clock.now()
    if facts.review_ends_at is None or now < facts.review_ends_at or facts.open_objections:
        return None
    found = qualified(cc)
    return draws.CandidateList(tuple(sorted(found)), found) if found else None
