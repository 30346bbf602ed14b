"""Response commitments (交易响应承诺): an active member of the category confirms the unified
commitment text before the deadline, and may withdraw before it."""

from __future__ import annotations

from sqlalchemy import select

from app import audit, clock
from app.audit import Action
from app.extensions import db
from app.transactions import transactional
from contractors.models import Contractor
from contractors.queries import active_members
from contracts import rules
from contracts.errors import TradingError, TradingForbidden
from contracts.models import Trading, TradingResponse

from ._common import (
    SUBJECT_TYPE,
    checked,
    current_trading,
    district_id_of,
    get_project,
    now,
    role_of,
    state_of,
)
from .trading import COMMITMENT_TEXT


def commitment_text(code: str) -> str:
    """The commitment a respondent confirms for this project (the unified form)."""
    p = get_project(code)
    return COMMITMENT_TEXT.format(name=p.name, code=current_trading(p).code)


def _contractor(actor) -> Contractor:
    if role_of(actor) != "contractor":
        raise TradingForbidden("只有企业账户可以响应", "Only a contractor account may respond")
    c = db.session.scalar(select(Contractor).where(Contractor.user_id == actor.id))
    if c is None:
        raise TradingForbidden("本账户尚未登记企业信息", "This account has no registered company")
    return c


def _open_trading(code: str) -> Trading:
    p = get_project(code, lock=True)
    t = current_trading(p)
    checked(
        rules.require_responses_open,
        state_of(p, t),
        responses_close_at=t.responses_close_at,
        tz=clock.TZ,
    )
    return t


@transactional
def respond(code: str, confirmed_text: str, *, actor) -> TradingResponse:
    """Confirm the commitment. Only a member active today in the project's category
    (`contractors.queries.active_members`, THE rule) may respond, before the deadline."""
    c = _contractor(actor)
    t = _open_trading(code)
    p = t.project
    members = active_members(p.category_code, clock.today(), district_id=district_id_of(p))
    if c.id not in {m.contractor_id for m in members}:
        raise TradingForbidden(
            "本企业不是该项目类别的有效入围企业，不能响应（以项目所在区的名录库为准）",
            "Your company is not an active pool member of this project's category (in the pool"
            " of the project's district)",
        )
    text = COMMITMENT_TEXT.format(name=p.name, code=t.code)
    if (confirmed_text or "").strip() != text:
        raise TradingError(
            "请确认统一表式的承诺内容",
            "Confirm the commitment text as given",
            field="commitment",
        )
    r = db.session.scalar(
        select(TradingResponse).where(
            TradingResponse.trading_id == t.id, TradingResponse.contractor_id == c.id
        )
    )
    if r is not None and r.withdrawn_at is None:
        raise TradingError("本企业已响应", "Your company has already responded")
    moment = now()
    if r is None:
        r = TradingResponse(
            trading_id=t.id, contractor_id=c.id, commitment_text=text, confirmed_at=moment
        )
        db.session.add(r)
    else:
        r.commitment_text, r.confirmed_at, r.withdrawn_at = text, moment, None
    db.session.flush()
    audit.record(
        Action.TRADING_RESPONDED,
        SUBJECT_TYPE,
        t.code,
        actor=actor,
        office_id=p.office_id,
        after={"uscc": c.uscc, "confirmed_at": moment},
    )
    return r


@transactional
def withdraw_response(code: str, *, actor) -> TradingResponse:
    """Withdraw the company's response before the deadline."""
    c = _contractor(actor)
    t = _open_trading(code)
    r = db.session.scalar(
        select(TradingResponse).where(
            TradingResponse.trading_id == t.id,
            TradingResponse.contractor_id == c.id,
            TradingResponse.withdrawn_at.is_(None),
        )
    )
    if r is None:
        raise TradingError("本企业没有有效的响应", "Your company has no response to withdraw")
    r.withdrawn_at = now()
    audit.record(
        Action.TRADING_RESPONSE_WITHDRAWN,
        SUBJECT_TYPE,
        t.code,
        actor=actor,
        office_id=t.project.office_id,
        after={"uscc": c.uscc, "withdrawn_at": r.withdrawn_at},
    )
    return r
