"""Reads of the credit screen: each respondent's checks and standing, and the candidates left."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import select

from app import clock
from app.extensions import db
from contractors.models import Contractor
from contractors.queries import active_members
from contracts.models import Trading, TradingResponse
from contracts.screening import rules
from contracts.screening.models import CreditCheck


@dataclass(frozen=True)
class ScreenRow:
    """One respondent at the screen: the recorded check (or None) and the derived standing."""

    contractor_id: int
    uscc: str
    name: str
    check: CreditCheck | None
    #: Active in the project's category on the screen's day (this platform's own check).
    active: bool
    state: rules.ScreenState

    @property
    def excluded(self) -> bool:
        return rules.excluded(self.state)


def screen_day(t: Trading) -> date:
    """The day the platform's own check looks at: the meeting's, once held; else today."""
    return clock.local(t.held_at).date() if t.held_at is not None else clock.today()


def screen_of(t: Trading) -> list[ScreenRow]:
    """Every respondent not withdrawn, in USCC order, with its check and standing."""
    rows = db.session.execute(
        select(Contractor.id, Contractor.uscc, Contractor.name)
        .join(TradingResponse, TradingResponse.contractor_id == Contractor.id)
        .where(TradingResponse.trading_id == t.id, TradingResponse.withdrawn_at.is_(None))
        .order_by(Contractor.uscc)
    ).all()
    checks = {
        c.contractor_id: c
        for c in db.session.scalars(select(CreditCheck).where(CreditCheck.trading_id == t.id))
    }
    active = {m.contractor_id for m in active_members(t.project.category_code, screen_day(t))}
    found = []
    for cid, uscc, name in rows:
        check = checks.get(cid)
        is_active = cid in active
        state = rules.screen_state(check.result if check else None, active=is_active)
        found.append(ScreenRow(cid, uscc, name, check, is_active, state))
    return found


def candidates(t: Trading, rows: list[ScreenRow] | None = None) -> dict[str, str]:
    """The respondents the award draw may freeze: USCC → name, the excluded left out."""
    return {r.uscc: r.name for r in (screen_of(t) if rows is None else rows) if not r.excluded}


def exclusions(t: Trading, rows: list[ScreenRow] | None = None) -> list[ScreenRow]:
    """The respondents the screen left out, with their reason (`state.label`)."""
    return [r for r in (screen_of(t) if rows is None else rows) if r.excluded]


def check_of(code: str, check_id: int) -> CreditCheck | None:
    """A check of a trading of project `code` (None when it belongs to another)."""
    from contracts.models import Project

    return db.session.scalar(
        select(CreditCheck)
        .join(Trading, Trading.id == CreditCheck.trading_id)
        .join(Project, Project.id == Trading.project_id)
        .where(CreditCheck.id == check_id, Project.code == code)
    )
