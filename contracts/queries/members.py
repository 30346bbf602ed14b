"""A contractor's tradings: its member categories, the tradings open to it, its responses."""

from __future__ import annotations

from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import contains_eager

from app import clock
from app.extensions import db
from contractors.queries import active_members
from contracts import rules
from contracts.models import Project, Refusal, Trading, TradingResponse

from .projects import state_filter


def member_categories(contractor_id: int, on: date | None = None) -> dict[str, str]:
    """Category code → name where the company is an active member on `on` (today): THE rule,
    through `contractors.queries.active_members`."""
    return {
        m.category: m.category_name
        for m in active_members(None, on or clock.today())
        if m.contractor_id == contractor_id
    }


def open_tradings(category_codes) -> list[Trading]:
    """Tradings accepting responses now in these categories, soonest deadline first."""
    codes = list(category_codes)
    if not codes:
        return []
    return list(
        db.session.scalars(
            select(Trading)
            .join(Trading.project)
            .where(
                Project.category_code.in_(codes),
                # THE state rule in SQL: a trading open for responses is its project's latest,
                # published and before its response deadline.
                state_filter(rules.ProjectState.ANNOUNCED, clock.now()),
            )
            .options(contains_eager(Trading.project))
            .order_by(Trading.responses_close_at, Trading.id)
        )
    )


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
