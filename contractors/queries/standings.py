"""Where a company stands in the pools: each of its selections (入围 or 候补) of a call whose
results are published, with its standing today and THE words for it (`rules.standing_label`).
The company's public record, its account page and its projects page all read this."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache

from sqlalchemy import bindparam, select
from sqlalchemy.orm import joinedload

from app import clock
from app.extensions import db
from contractors import rules
from contractors.models import PoolCall, PoolCallCategory, PoolSelection

from .calls import NEWEST_CALL_FIRST, REVIEW_PUBLISHED
from .members import active_members


@dataclass(frozen=True)
class Membership:
    """One selection of the company and its standing today."""

    call: PoolCall
    cc: PoolCallCategory
    selection: PoolSelection
    status: rules.Standing

    @property
    def label(self) -> tuple[str, str]:
        """(Chinese, English): THE words for this standing (`rules.standing_label`)."""
        return rules.standing_label(self.status, self.selection.position, self.selection.since)


def standings_of(contractor_id: int) -> list[Membership]:
    """The company's selections in every district's pool (calls with published review results),
    each with its standing today: active, a reserve, pending, expired, suspended or removed —
    per district (a membership of district A's pool follows A's sanctions only). Newest call
    first, its categories in their order, selected before reserves.

    The company's selections are read in one statement with their calls and categories (not
    every call's every category's whole list: at province scale that was a statement per
    category of every published call on each company page), then one sanction read per
    district it is in."""
    from contractors.sanctions import queries as sanction_queries

    active = {
        (m.district_id, m.category, m.contractor_id)
        for m in active_members(None, contractor_id=contractor_id)
    }
    today = clock.today()
    restrictions: dict = {}
    found = []
    for s, cc, c in db.session.execute(_statement(), {"contractor_id": contractor_id}):
        if c.office_id not in restrictions:
            restrictions[c.office_id] = sanction_queries.restriction_on(
                contractor_id, today, c.office_id
            )
        status = rules.standing(
            selected=s.is_selected,
            active=(c.office_id, cc.category.code, contractor_id) in active,
            since=s.since,
            until=s.until,
            today=today,
            restriction=restrictions[c.office_id],
        )
        found.append(Membership(c, cc, s, status))
    return found


@cache
def _statement():
    return (
        select(PoolSelection, PoolCallCategory, PoolCall)
        .join(PoolCallCategory, PoolSelection.call_category_id == PoolCallCategory.id)
        .join(PoolCall, PoolCallCategory.call_id == PoolCall.id)
        .options(joinedload(PoolCallCategory.category))
        .where(PoolSelection.contractor_id == bindparam("contractor_id"), *REVIEW_PUBLISHED)
        .order_by(*NEWEST_CALL_FIRST, PoolSelection.status.desc(), PoolSelection.position)
    )
