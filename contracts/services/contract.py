"""Contract signing: the owner records the signed contract; a refusal without good cause passes
the award to the next in the ranking at the same rate, publishes a correction and is recorded."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from sqlalchemy import func, select

from app import audit, clock
from app.audit import Action
from app.extensions import db
from contractors.models import Contractor
from contracts import rules
from contracts.errors import TradingError, TradingForbidden
from contracts.models import Contract, Project, Refusal, Trading
from lottery import services as draws
from notices import services as notices

from . import sms
from ._common import OFFICE, checked, current_trading, get_project, now, role_of, transaction


def _drawn(code: str, actor) -> tuple[Project, Trading]:
    p = get_project(code, lock=True)
    allowed = role_of(actor) in ("staff", "admin") or (
        role_of(actor) == "owner" and p.owner_user_id == getattr(actor, "id", None)
    )
    if not allowed:
        raise TradingForbidden(
            "只有该项目的业主或区公管办工作人员可以记录合同签订",
            "Only the project's owner or staff may record its contract",
        )
    t = current_trading(p)
    if t.outcome != "drawn" or t.winner_uscc is None:
        raise TradingError("该项目尚无承包单位", "The project has no contract unit")
    if db.session.scalar(select(Contract.id).where(Contract.trading_id == t.id)) is not None:
        raise TradingError("该项目合同已签订", "The project's contract is already recorded")
    return p, t


def _company(uscc: str) -> Contractor:
    return db.session.scalar(select(Contractor).where(Contractor.uscc == uscc))


@transaction
def record_contract(code: str, signed_on: date, amount: Decimal | str, *, actor) -> Contract:
    """The owner records the signed contract (date, amount) with the current contract unit."""
    p, t = _drawn(code, actor)
    value = checked(rules.check_amount, amount, "amount", "合同金额")
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
        recorded_at=now(),
        recorded_by_id=actor.id,
    )
    db.session.add(c)
    db.session.flush()
    audit.record(
        Action.CONTRACT_SIGNED,
        "project",
        p.code,
        actor=actor,
        after={"uscc": t.winner_uscc, "signed_on": signed_on, "amount": value},
    )
    return c


@transaction
def record_refusal(code: str, reason: str, *, actor) -> Refusal:
    """The winner refused to sign without good cause (《招标投标法实施条例》第七十四条): the award
    passes to the next in the published ranking at the same rate, a correction of the result is
    published, and the refusal is recorded against the contractor."""
    p, t = _drawn(code, actor)
    if not (reason or "").strip():
        raise TradingError("请填写拒签情况", "Describe the refusal", field="reason")
    refused = db.session.scalars(
        select(Contractor.uscc)
        .join(Refusal, Refusal.contractor_id == Contractor.id)
        .where(Refusal.trading_id == t.id)
    ).all()
    gone = {*refused, t.winner_uscc}
    loser = _company(t.winner_uscc)
    nxt = draws.next_in_ranking(t.award_draw_id, gone)
    before = {"winner": t.winner_uscc}
    t.winner_uscc = nxt
    if nxt is None:
        # Nobody is left to sign: the trading ends like a failed one, so the project may be
        # announced again (with new draws) instead of waiting for ever.
        t.contract_price = None
        t.outcome, t.failed_reason = "failed", "排序名单已用尽，全部候补单位均拒绝签订合同"
        body_next = "排序名单已用尽，本次交易失败，项目将重新发布交易公告。"
    else:
        body_next = (
            f"承包单位依排序顺延为{_company(nxt).name}（{nxt}），下浮率仍为{t.discount_rate}%，"
            f"合同价仍为{t.contract_price}元。"
        )
    notice = notices.publish_new(
        notices.NoticeInput(
            type="correction",
            title=f"{p.name}交易结果更正公告",
            issuing_body=OFFICE,
            legal_basis="《招标投标法实施条例》第七十四条",
            body=(
                f"项目编号：{p.code}（{t.code}）\n\n原承包单位{loser.name}（{loser.uscc}）"
                f"无正当理由拒绝签订合同，取消其承包资格。{body_next}\n"
            ),
            corrects_id=t.result_notice_id,
            subject_type="project",
            subject_id=p.code,
        ),
        actor=actor,
    )
    r = Refusal(
        trading_id=t.id,
        contractor_id=loser.id,
        reason=reason.strip(),
        passed_to_uscc=nxt,
        correction_notice_id=notice.id,
        recorded_at=now(),
        recorded_by_id=actor.id,
    )
    db.session.add(r)
    db.session.flush()
    if nxt is not None:
        sms.queue_passed_on(p, t, notice, nxt, notice.published_at, actor=actor)
    audit.record(
        Action.CONTRACT_REFUSED,
        "project",
        p.code,
        actor=actor,
        before=before,
        after={"winner": nxt, "refused": loser.uscc, "notice_id": notice.id},
    )
    return r
