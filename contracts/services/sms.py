"""SMS of the award meeting to its respondents, queued in the caller's transaction through the
outbox (notices.sms), like the trading notice to the category (contractors.services.notify).

Every one of these is mandatory (`sms.queue`, never `queue_optional`): 《招标投标法》第四十五条 has
the result notified to the winner and to every other respondent, the winner must sign within
CONTRACT_SIGNING_DAYS or lose the award, and a failed trading ends the commitments the
respondents made. Reminders are the only optional messages.

Each message belongs to the notice that announces it (subject "notice", its id; `notice_id` set):
staff see and re-send them on that notice's SMS page, the public page shows its proof, and the
idempotency key (notice, recipient, purpose) keeps an event from telling anyone twice.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta

from flask import current_app
from sqlalchemy import select

from app import audit, clock, money
from app.audit import Action
from app.extensions import db
from contractors.models import Contractor
from contracts import rules
from contracts.models import Project, Trading, TradingResponse
from notices.sms import services as sms

#: The winner (or the next in the ranking once a refusal passed the award on).
AWARD = "trading_award"
#: Every other respondent: the result and its rank as an alternate.
RESULT = "trading_result"
#: Every respondent of a trading that failed for too few respondents.
FAILED = "trading_failed"


def _respondents(t: Trading) -> dict[str, sms.Recipient]:
    """The respondents not withdrawn: USCC → recipient at its registered mobile."""
    rows = db.session.execute(
        select(Contractor.id, Contractor.uscc, Contractor.contact_mobile)
        .join(TradingResponse, TradingResponse.contractor_id == Contractor.id)
        .where(TradingResponse.trading_id == t.id, TradingResponse.withdrawn_at.is_(None))
    )
    return {r.uscc: sms.Recipient(r.id, r.contact_mobile) for r in rows}


def _company(uscc: str) -> sms.Recipient:
    row = db.session.execute(
        select(Contractor.id, Contractor.contact_mobile).where(Contractor.uscc == uscc)
    ).one()
    return sms.Recipient(row.id, row.contact_mobile)


def _queue(notice, purpose: str, recipients: list[sms.Recipient], values: dict[str, str]) -> int:
    return sms.queue(
        subject_type="notice",
        subject_id=str(notice.id),
        purpose=purpose,
        template=purpose,
        recipients=recipients,
        values=values,
        notice_id=notice.id,
    )


def _record(notice, purpose: str, recipients: int, queued: int, actor) -> None:
    audit.record(
        Action.SMS_QUEUED,
        "notice",
        notice.id,
        actor=actor,
        office_id=notice.office_id,
        after={"purpose": purpose, "recipients": recipients, "queued": queued},
    )


def _project(p: Project, t: Trading) -> dict[str, str]:
    return {"name": p.name, "code": t.code}


def award_values(p: Project, t: Trading, told_at: datetime) -> dict[str, str]:
    """The winner's message: rate, contract price and the signing period counted from `told_at`
    (the result letter, or the correction that passed the award on), as the letter counts it."""
    days = int(current_app.config["CONTRACT_SIGNING_DAYS"])
    last = clock.local(rules.signing_ends_at(told_at, days, clock.TZ) - timedelta(days=1)).date()
    return {
        **_project(p, t),
        "rate": str(t.discount_rate),
        "price": money.yuan(t.contract_price),
        "days": str(days),
        "deadline": f"{last.year}年{last.month}月{last.day}日",
    }


def queue_result(p: Project, t: Trading, notice, ranking: Sequence[str], *, actor) -> int:
    """After the draw: the winner (rank 1) its award, every alternate its rank."""
    found = _respondents(t)
    ranked = [(rank, found[uscc]) for rank, uscc in enumerate(ranking, 1) if uscc in found]
    winner = [r for rank, r in ranked if rank == 1]
    queued = _queue(notice, AWARD, winner, award_values(p, t, notice.published_at))
    # One text per rank: rendered each, written together.
    queued += sms.queue_each(
        subject_type="notice",
        subject_id=str(notice.id),
        purpose=RESULT,
        template=RESULT,
        messages=[(r, {**_project(p, t), "rank": str(rank)}) for rank, r in ranked if rank > 1],
        notice_id=notice.id,
    )
    _record(notice, RESULT, len(found), queued, actor)
    return queued


def queue_failed(p: Project, t: Trading, notice, minimum: int, *, actor) -> int:
    """A failed trading (流标): every respondent learns it, with the count and the minimum."""
    found = _respondents(t)
    values = {**_project(p, t), "count": str(len(found)), "minimum": str(minimum)}
    queued = _queue(notice, FAILED, list(found.values()), values)
    _record(notice, FAILED, len(found), queued, actor)
    return queued


def queue_passed_on(p: Project, t: Trading, notice, uscc: str, told_at: datetime, *, actor) -> int:
    """A refusal passed the award to `uscc`: it gets the winner's message, its signing period
    counted from the correction (`notice`) that named it."""
    queued = _queue(notice, AWARD, [_company(uscc)], award_values(p, t, told_at))
    _record(notice, AWARD, 1, queued, actor)
    return queued
