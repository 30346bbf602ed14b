"""Suspending and resuming a trading (暂停/恢复, 《招标投标法实施条例》 art. 62): the office stops
responses, the award meeting and the contract recording, publishing why; resuming publishes the
times it continues to. Each period is kept (TradingSuspension) for the project's history."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select

from app import audit, clock
from app.audit import Action
from app.extensions import db
from app.transactions import transactional
from contracts import rules
from contracts.errors import ProjectNotFound, TradingError
from contracts.models import Trading, TradingSuspension
from notices import services as notices
from notices.markup import body
from notices.rules import legal_basis

from ._common import (
    SUBJECT_TYPE,
    checked,
    current_trading,
    get_project,
    issuer_of,
    now,
    require_project_scope,
    require_staff,
    state_of,
)

#: A complaint number larger than any database integer cannot name a complaint.
_MAX_ID = 2**31 - 1


def _load(trading_code: str, actor, step: tuple[str, str]) -> tuple[Trading, rules.ProjectState]:
    """The trading (the latest of its project, which is locked, and in the actor's scope) and the
    project's state."""
    from contracts.queries import trading_by_code

    found = trading_by_code(trading_code)
    if found is None:
        raise ProjectNotFound("交易不存在", "No such trading")
    p = get_project(found.project.code, lock=True)
    require_project_scope(actor, p, *step)
    t = current_trading(p)
    if t.id != found.id:
        raise TradingError(
            "该交易已被新一轮交易取代，不能暂停或恢复",
            "A later round replaced this trading; it cannot be suspended or resumed",
        )
    return t, state_of(p, t)


def _publish(t: Trading, occasion: str, title: str, text: str, *, actor):
    return notices.publish_new(
        notices.NoticeInput(
            type="correction",
            title=title,
            **issuer_of(t.project),
            legal_basis=legal_basis("correction", occasion),
            body=text,
            corrects_id=t.result_notice_id if t.is_drawn else t.notice_id,
            subject_type=SUBJECT_TYPE,
            subject_id=t.code,
        ),
        actor=actor,
    )


def open_suspension(t: Trading) -> TradingSuspension | None:
    return db.session.scalar(
        select(TradingSuspension).where(
            TradingSuspension.trading_id == t.id, TradingSuspension.resumed_at.is_(None)
        )
    )


@transactional
def suspend_trading(
    trading_code: str, reason: str, *, complaint_id: int | None = None, actor
) -> TradingSuspension:
    """Suspend the trading (art. 62: e.g. while a complaint is handled): responses, the award
    meeting and the contract recording are refused until it resumes. Publishes a correction of
    the trading notice (or of the result, once drawn) citing art. 62."""
    require_staff(actor, "暂停交易", "suspend a trading")
    if complaint_id is not None and (
        isinstance(complaint_id, bool)
        or not isinstance(complaint_id, int)
        or not 0 < complaint_id <= _MAX_ID
    ):
        raise TradingError("投诉编号无效", "Invalid complaint number", field="complaint_id")
    text = checked(rules.check_reason, reason)
    t, state = _load(trading_code, actor, ("暂停交易", "suspend a trading"))
    checked(rules.require_suspend, state)
    p = t.project
    moment = now()
    notice = _publish(
        t,
        "trading_suspended",
        rules.notice_title(p.name, t.round, "暂停交易公告"),
        body(
            "trading_suspended",
            p=p,
            t=t,
            since=moment,
            reason=text,
            basis=rules.SUSPENSION_BASIS,
        ),
        actor=actor,
    )
    t.suspended_at = moment
    period = TradingSuspension(
        trading_id=t.id,
        complaint_id=complaint_id,
        reason=text,
        suspended_at=moment,
        suspended_by_id=getattr(actor, "id", None),
        suspend_notice_id=notice.id,
    )
    db.session.add(period)
    db.session.flush()
    audit.record(
        Action.TRADING_SUSPENDED,
        SUBJECT_TYPE,
        t.code,
        actor=actor,
        office_id=p.office_id,
        before={"state": str(state)},
        after={
            "suspended_at": moment,
            "reason": text,
            "complaint_id": complaint_id,
            "notice_id": notice.id,
        },
    )
    return period


@transactional
def resume_trading(
    trading_code: str,
    reason: str,
    *,
    new_meeting_at: datetime | None = None,
    new_responses_close_at: datetime | None = None,
    actor,
) -> TradingSuspension:
    """Resume a suspended trading. A response deadline that passed during the suspension (with
    responses open when it began) and a meeting time that passed must be replaced by later ones
    (`contracts.rules.resume_times`); the correction published says the times it runs to."""
    require_staff(actor, "恢复交易", "resume a trading")
    text = checked(rules.check_reason, reason)
    t, state = _load(trading_code, actor, ("恢复交易", "resume a trading"))
    checked(rules.require_resume, state)
    period = open_suspension(t)
    moment = now()
    close, meeting = checked(
        rules.resume_times,
        clock.now(),
        suspended_at=t.suspended_at,
        responses_close_at=t.responses_close_at,
        meeting_at=t.meeting_at,
        held=t.is_decided,
        new_responses_close_at=new_responses_close_at,
        new_meeting_at=new_meeting_at,
        tz=clock.TZ,
    )
    before = {
        "suspended_at": t.suspended_at,
        "responses_close_at": t.responses_close_at,
        "meeting_at": t.meeting_at,
    }
    close_changed, meeting_changed = close != t.responses_close_at, meeting != t.meeting_at
    since = t.suspended_at
    t.responses_close_at, t.meeting_at, t.suspended_at = close, meeting, None
    p = t.project
    notice = _publish(
        t,
        "trading_resumed",
        rules.notice_title(p.name, t.round, "恢复交易公告"),
        body(
            "trading_resumed",
            p=p,
            t=t,
            since=since,
            resumed=moment,
            reason=text,
            basis=rules.SUSPENSION_BASIS,
            held=t.is_decided,
            close_changed=close_changed,
            meeting_changed=meeting_changed,
        ),
        actor=actor,
    )
    period.resumed_at, period.resumed_by_id = moment, getattr(actor, "id", None)
    period.resume_reason, period.resume_notice_id = text, notice.id
    db.session.flush()
    audit.record(
        Action.TRADING_RESUMED,
        SUBJECT_TYPE,
        t.code,
        actor=actor,
        office_id=p.office_id,
        before=before,
        after={
            "resumed_at": moment,
            "reason": text,
            "responses_close_at": close,
            "meeting_at": meeting,
            "notice_id": notice.id,
        },
    )
    return period
