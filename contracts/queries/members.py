"""A contractor's tradings: its member categories, the tradings open to it, its responses."""

from __future__ import annotations

from datetime import date

from sqlalchemy import or_, select
from sqlalchemy.orm import contains_eager

from app import clock
from app.extensions import db
from app.offices.models import Office
from app.offices.queries import districts
from app.offices.scope import district_of
from contractors.queries import active_members
from contracts import rules
from contracts.models import Project, Refusal, Trading, TradingResponse

from .projects import state_filter


def member_categories(
    contractor_id: int, on: date | None = None, *, district_id: int | None = None
) -> dict[str, str]:
    """Category code → name where the company is an active member on `on` (today) of the pool of
    district `district_id` (None: of any district's): THE rule, through
    `contractors.queries.active_members`."""
    return {
        m.category: m.category_name
        for m in active_members(None, on or clock.today(), district_id=district_id)
        if m.contractor_id == contractor_id
    }


def memberships(contractor_id: int, on: date | None = None) -> dict[int, dict[str, str]]:
    """District id → the categories (code → name) the company is an active member of in that
    district's pool (a company registers once and applies to each district's call it wants)."""
    found = {}
    for district in districts():
        categories = member_categories(contractor_id, on, district_id=district.id)
        if categories:
            found[district.id] = categories
    return found


def is_member_for(p: Project, contractor_id: int, on: date | None = None) -> bool:
    """Whether the company may respond to project `p`: an active member of its category in its
    district's pool (THE rule)."""
    district_id = district_of(p.office_id).id
    return p.category_code in member_categories(contractor_id, on, district_id=district_id)


def open_tradings(category_codes, *, district_id: int | None = None) -> list[Trading]:
    """Tradings accepting responses now in these categories (of the projects of district
    `district_id` and its platforms, when given), soonest deadline first."""
    codes = list(category_codes)
    if not codes:
        return []
    where = [Project.category_code.in_(codes)]
    if district_id is not None:
        offices = select(Office.id).where(
            or_(Office.id == district_id, Office.parent_id == district_id)
        )
        where.append(Project.office_id.in_(offices))
    return list(
        db.session.scalars(
            select(Trading)
            .join(Trading.project)
            .where(
                *where,
                # THE state rule in SQL: a trading open for responses is its project's latest,
                # published and before its response deadline.
                state_filter(rules.ProjectState.ANNOUNCED, clock.now()),
            )
            .options(contains_eager(Trading.project))
            .order_by(Trading.responses_close_at, Trading.id)
        )
    )


def open_tradings_of(contractor_id: int) -> list[Trading]:
    """The tradings the company may respond to now: in each district whose pool it is an active
    member of, those of its categories there; soonest deadline first."""
    found = [
        t
        for district_id, categories in memberships(contractor_id).items()
        for t in open_tradings(categories, district_id=district_id)
    ]
    return sorted(found, key=lambda t: (t.responses_close_at, t.id))


def responses_of(contractor_id: int) -> list[TradingResponse]:
    """The company's responses (withdrawn ones too), newest first, with their trading and project."""
    return list(
        db.session.scalars(
            select(TradingResponse)
            .join(TradingResponse.trading)
            .join(Trading.project)
            .where(TradingResponse.contractor_id == contractor_id)
            .options(contains_eager(TradingResponse.trading).contains_eager(Trading.project))
            .order_by(TradingResponse.confirmed_at.desc(), TradingResponse.id.desc())
        )
    )


def refused_tradings(contractor_id: int) -> set[int]:
    """The tradings where the company, once the contract unit, refused to sign."""
    return set(
        db.session.scalars(select(Refusal.trading_id).where(Refusal.contractor_id == contractor_id))
    )


def response_of(t: Trading, contractor_id: int) -> TradingResponse | None:
    """The company's response to this trading (withdrawn or not), or None."""
    return db.session.scalar(
        select(TradingResponse).where(
            TradingResponse.trading_id == t.id, TradingResponse.contractor_id == contractor_id
        )
    )


def own_response(p: Project, contractor_id: int) -> TradingResponse | None:
    """The company's response in the latest round it responded to, or None."""
    for t in reversed(p.tradings):
        r = response_of(t, contractor_id)
        if r is not None:
            return r
    return None
