"""Reads of trading: projects and their state, respondents, and the draws' candidate source."""

from __future__ import annotations

from sqlalchemy import select

from app import clock
from app.extensions import db
from contractors.models import Contractor
from contracts import rules
from contracts.models import Contract, Project, Trading, TradingResponse
from lottery import services as draws

SUBJECT_TYPE = "trading_project"


def get_project(code: str) -> Project | None:
    return db.session.scalar(select(Project).where(Project.code == code))


def projects_page(page: int, per_page: int):
    return db.paginate(
        select(Project).order_by(Project.id.desc()), page=page, per_page=per_page, error_out=False
    )


def latest_trading(p: Project) -> Trading | None:
    return p.tradings[-1] if p.tradings else None


def contract_of(t: Trading | None) -> Contract | None:
    if t is None:
        return None
    return db.session.scalar(select(Contract).where(Contract.trading_id == t.id))


def state_of(p: Project) -> rules.ProjectState:
    t = latest_trading(p)
    facts = rules.Facts(
        filing=p.filing,
        responses_close_at=t.responses_close_at if t else None,
        outcome=t.outcome if t else None,
        signed=contract_of(t) is not None,
    )
    return rules.state_of(facts, clock.now())


def respondents(t: Trading) -> dict[str, str]:
    """The respondents not withdrawn: USCC → name."""
    rows = db.session.execute(
        select(Contractor.uscc, Contractor.name)
        .join(TradingResponse, TradingResponse.contractor_id == Contractor.id)
        .where(TradingResponse.trading_id == t.id, TradingResponse.withdrawn_at.is_(None))
    )
    return {r.uscc: r.name for r in rows}


def _trading_candidates(code: str) -> draws.CandidateList | None:
    """Respondents of a trading once its responses closed (frozen at the meeting)."""
    t = db.session.scalar(select(Trading).where(Trading.code == code))
    if t is None or clock.now() < t.responses_close_at:
        return None
    found = respondents(t)
    return draws.CandidateList(tuple(sorted(found)), found) if found else None


draws.register_candidate_source(SUBJECT_TYPE, _trading_candidates)
# A trading's draws are run only at its award meeting (contracts.services.hold_meeting), which
# also fails the trading or publishes its result — never by the generic console.
draws.register_owned_subject(SUBJECT_TYPE, "项目的定标会议页面", "the project's award meeting page")
