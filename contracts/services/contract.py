"""Contract signing: the owner records the signed contract; a refusal without good cause passes
the award to the next in the ranking at the same rate, publishes a correction and is recorded."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from app import audit, clock
from app.audit import Action
from app.auth.roles import OFFICE_ROLES
from app.extensions import db
from app.transactions import transactional
from contractors.models import Contractor
from contractors.sanctions import services as sanctions
from contracts import rules
from contracts.errors import TradingError, TradingForbidden
from contracts.models import Contract, Project, Refusal, Trading
from lottery import services as draws
from notices import services as notices
from notices.rules import legal_basis

from . import bodies, rollup, sms
from ._common import (
    SUBJECT_TYPE,
    checked,
    current_trading,
    get_project,
    issuer_of,
    now,
    require_project_scope,
    role_of,
    state_of,
)


def _trading(code: str, actor) -> tuple[Project, Trading]:
    """The project (its row locked: steps of one project queue here) and its current trading,
    for its owner or staff only."""
    p = get_project(code, lock=True)
    allowed = role_of(actor) in OFFICE_ROLES or (
        role_of(actor) == "owner" and p.owner_user_id == getattr(actor, "id", None)
    )
    if not allowed:
        raise TradingForbidden(
            "只有该项目的业主或区公管办工作人员可以记录合同签订",
            "Only the project's owner or staff may record its contract",
        )
    require_project_scope(actor, p, "记录合同签订", "record its contract")
    return p, current_trading(p)


def _require_unsigned_award(p: Project, t: Trading) -> None:
    checked(rules.require_unsigned_award, state_of(p, t))


def _require_no_open_result_objection(t: Trading) -> None:
    """While an objection to the result is unanswered, the contract cannot be recorded
    (《招标投标法实施条例》 art. 54: 作出答复前，应当暂停招标投标活动)."""
    from contracts.objections import queries as objections
    from contracts.objections.rules import Matter

    waiting = objections.unanswered_count(t.id, Matter.RESULT)
    if waiting:
        raise TradingError(
            f"对交易结果的异议尚有{waiting}件未答复，答复前不能记录合同签订"
            "（《招标投标法实施条例》第五十四条）",
            f"{waiting} objection(s) to the result await the office's answer; the contract "
            "cannot be recorded before it is given (art. 54)",
        )


def _company(uscc: str) -> Contractor:
    return db.session.scalar(select(Contractor).where(Contractor.uscc == uscc))


@transactional
def record_contract(
    code: str, signed_on: date, amount: Decimal | str, *, amount_reason: str = "", actor
) -> Contract:
    """The owner records the signed contract (date, amount) with the current contract unit. The
    amount is at most the contract price; below it, `amount_reason` says why (published)."""
    p, t = _trading(code, actor)
    _require_unsigned_award(p, t)
    _require_no_open_result_objection(t)
    value, why = checked(rules.check_contract_amount, amount, t.contract_price, amount_reason)
    if not isinstance(signed_on, date):
        raise TradingError("请填写签订日期", "Enter the signing date", field="signed_on")
    if signed_on > clock.today():
        raise TradingError(
            "签订日期不能晚于今天", "The signing date cannot be in the future", field="signed_on"
        )
    # The current contract unit learnt of its award from the letter, or — after a refusal — from
    # the correction that passed the award to it: it cannot have signed before that day.
    passed_at = db.session.scalar(
        select(func.max(Refusal.recorded_at)).where(Refusal.trading_id == t.id)
    )
    issued = clock.local(max(filter(None, (t.letter_issued_at, passed_at)))).date()
    if signed_on < issued:
        raise TradingError(
            f"签订日期不能早于承包单位收到交易结果通知之日（{issued:%Y-%m-%d}）",
            f"The signing date cannot be before the contract unit was notified ({issued:%Y-%m-%d})",
            field="signed_on",
        )
    c = Contract(
        trading_id=t.id,
        contractor_id=_company(t.winner_uscc).id,
        signed_on=signed_on,
        amount=value,
        amount_reason=why,
        recorded_at=now(),
        recorded_by_id=actor.id,
    )
    db.session.add(c)
    db.session.flush()
    audit.record(
        Action.CONTRACT_SIGNED,
        SUBJECT_TYPE,
        t.code,
        actor=actor,
        office_id=p.office_id,
        after={
            "uscc": t.winner_uscc,
            "signed_on": signed_on,
            "amount": value,
            "amount_reason": why,
        },
    )
    return c


@transactional
def record_refusal(code: str, reason: str, *, uscc: str, position: int | str, actor) -> Refusal:
    """The winner refused to sign without good cause (《招标投标法实施条例》第七十四条): the award
    passes to the next in the published ranking at the same rate, a correction of the result is
    published, and the refusal is recorded against the contractor.

    `uscc` and `position` name the company refusing and its place in the ranking, as the form
    showed them: the refusal is recorded only if they are the current contract unit's, so a form
    posted twice cannot pass the award on from a company that never refused. The project's row
    lock queues simultaneous posts; the unique (trading, company) constraint holds it as well."""
    p, t = _trading(code, actor)
    refused = set(
        db.session.scalars(
            select(Contractor.uscc)
            .join(Refusal, Refusal.contractor_id == Contractor.id)
            .where(Refusal.trading_id == t.id)
        )
    )
    ranking = (draws.get(t.award_draw_id).result or []) if t.is_drawn else []
    checked(rules.check_refused_company, ranking, t.winner_uscc, refused, uscc, position)
    _require_unsigned_award(p, t)
    if not (reason or "").strip():
        raise TradingError("请填写拒签情况", "Describe the refusal", field="reason")
    holder, loser = t.winner_uscc, _company(t.winner_uscc)
    # Written first, so that the database's one-refusal-per-company rule is checked before
    # anything is published.
    r = Refusal(
        trading_id=t.id,
        contractor_id=loser.id,
        reason=reason.strip(),
        recorded_at=now(),
        recorded_by_id=actor.id,
    )
    db.session.add(r)
    try:
        db.session.flush()
    except IntegrityError:
        # Another post won the race on a database without row locks (SQLite): the session is
        # rolled back, so only the plain values read before are used here.
        raise TradingError(
            f"该企业（{holder}）的拒签已经记录，未作任何更改",
            f"The refusal of this company ({holder}) is already recorded; nothing was changed",
            field="uscc",
        ) from None
    nxt = draws.next_in_ranking(t.award_draw_id, {*refused, holder})
    before = {"winner": holder}
    t.winner_uscc = nxt
    if nxt is None:
        # Nobody is left to sign: the trading ends like a failed one, so the project may be
        # announced again (with new draws) instead of waiting for ever.
        t.contract_price = None
        t.outcome, t.failed_reason = (
            rules.Outcome.FAILED,
            "排序名单已用尽，全部候补单位均拒绝签订合同",
        )
    notice = notices.publish_new(
        notices.NoticeInput(
            type="correction",
            title=rules.notice_title(p.name, t.round, "交易结果更正公告"),
            **issuer_of(p),
            legal_basis=legal_basis("correction", "refusal"),
            body=bodies.refusal_correction_body(
                p, t, loser, _company(nxt) if nxt is not None else None
            ),
            corrects_id=t.result_notice_id,
            subject_type=SUBJECT_TYPE,
            subject_id=t.code,
        ),
        actor=actor,
    )
    r.passed_to_uscc, r.correction_notice_id = nxt, notice.id
    # An exhausted ranking fails the trading: it leaves the year's awards.
    rollup.refresh_trading(t)
    if nxt is not None:
        sms.queue_passed_on(p, t, notice, nxt, notice.published_at, actor=actor)
    # Art. 74: the refusal is misconduct; its case opens in this transaction (the company is told).
    sanctions.open_case(
        loser.id, "refusal", r.reason, ref=t.code, office_id=p.office_id, actor=actor
    )
    audit.record(
        Action.CONTRACT_REFUSED,
        SUBJECT_TYPE,
        t.code,
        actor=actor,
        office_id=p.office_id,
        before=before,
        after={"winner": nxt, "refused": loser.uscc, "notice_id": notice.id},
    )
    return r
