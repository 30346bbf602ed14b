"""Handling a received complaint: accept or refuse (3 工作日), pause and resume the decision
clock, record a finding, record a withdrawal, suspend the trading (art. 62)."""

from __future__ import annotations

from app import audit, clock
from app.audit import Action
from app.extensions import db
from app.transactions import transactional
from contracts import services as trading_services
from contracts.complaints import queries, rules
from contracts.complaints.errors import ComplaintError
from contracts.complaints.models import Complaint, ComplaintPause
from notices.markup import body

from ._common import (
    _handle,
    _now,
    _paragraphs,
    _publish,
    _snapshot,
    _step,
    _text,
)


@transactional
def accept(complaint_id: int, *, actor) -> Complaint:
    """受理 (art. 61): the 30-working-day decision clock starts the day after."""
    c = _handle(complaint_id, actor, "受理投诉", "accept a complaint")
    _step(c, rules.Step.ACCEPT)
    before = _snapshot(c)
    c.accepted_at, c.accepted_by_id = _now(), actor.id
    db.session.flush()
    # None while a year on the way is unconfirmed: the deadline is never guessed (DESIGN.md),
    # and the pages say which year to confirm; the acceptance itself does not wait for it.
    due = queries.decide_by(c)
    audit.record(
        Action.COMPLAINT_ACCEPTED,
        "complaint",
        c.id,
        actor=actor,
        office_id=c.office_id,
        before=before,
        after={**_snapshot(c), "decide_by": due},
    )
    return c


@transactional
def refuse(complaint_id: int, ground: str, reason: str, *, actor) -> Complaint:
    """不予受理, on a ground of the list (办法 art. 12), published without personal data."""
    c = _handle(complaint_id, actor, "决定不予受理", "refuse a complaint")
    _step(c, rules.Step.REFUSE)
    try:
        g = rules.Ground(ground)
    except ValueError:
        raise ComplaintError("请选择不予受理的理由", "Choose the ground", field="ground") from None
    why = _text(reason, "reason", "不予受理的具体理由", "the reasons")
    before = _snapshot(c)
    c.refused_at, c.refusal_ground, c.refusal_reason = _now(), g, why
    t = queries.trading_of(c)
    label, _en, article = rules.REFUSAL_GROUNDS[g]
    notice = _publish(
        c,
        occasion="refusal",
        title=f"{t.project.name}投诉不予受理决定",
        text=body(
            "complaint_refusal",
            p=t.project,
            t=t,
            c=c,
            matter=rules.MATTERS[rules.Matter(c.matter)][0],
            ground=label,
            article=article,
            reasons=_paragraphs(why),
        ),
        actor=actor,
    )
    c.decision_notice_id = notice.id
    db.session.flush()
    audit.record(
        Action.COMPLAINT_REFUSED,
        "complaint",
        c.id,
        actor=actor,
        office_id=c.office_id,
        before=before,
        after=_snapshot(c),
    )
    return c


# ---- the decision clock --------------------------------------------------------------------------


@transactional
def pause(complaint_id: int, kind: str, reason: str, *, actor) -> ComplaintPause:
    """Stop the decision clock for expert review or testing (art. 61 para. 2), from today."""
    c = _handle(complaint_id, actor, "暂停投诉处理计时", "pause a complaint's clock")
    _step(c, rules.Step.PAUSE)
    try:
        k = rules.PauseKind(kind)
    except ValueError:
        raise ComplaintError(
            "请选择暂停计时的原因类别", "Choose why the clock stops", field="kind"
        ) from None
    p = ComplaintPause(
        complaint_id=c.id,
        kind=k,
        reason=_text(reason, "reason", "暂停计时的具体原因", "the reason"),
        started_on=clock.today(),
        recorded_by_id=actor.id,
    )
    db.session.add(p)
    db.session.flush()
    audit.record(
        Action.COMPLAINT_PAUSED,
        "complaint",
        c.id,
        actor=actor,
        office_id=c.office_id,
        after={"kind": k, "reason": p.reason, "started_on": p.started_on},
    )
    return p


@transactional
def end_pause(complaint_id: int, *, actor) -> ComplaintPause:
    """The expert review or test is done: the clock runs again from today."""
    c = _handle(complaint_id, actor, "恢复投诉处理计时", "resume a complaint's clock")
    _step(c, rules.Step.RESUME)
    p = next(p for p in c.pauses if p.ended_on is None)
    p.ended_on = clock.today()
    db.session.flush()
    audit.record(
        Action.COMPLAINT_PAUSE_ENDED,
        "complaint",
        c.id,
        actor=actor,
        office_id=c.office_id,
        after={
            "kind": p.kind,
            "started_on": p.started_on,
            "ended_on": p.ended_on,
            "decide_by": queries.decide_by(c),
        },
    )
    return p


@transactional
def record_finding(complaint_id: int, finding: str, *, actor) -> Complaint:
    """Staff record that a violation is established: from now on the complaint cannot be
    withdrawn (办法 art. 19)."""
    c = _handle(complaint_id, actor, "记录违法事实认定", "record a finding")
    _step(c, rules.Step.FIND)
    c.violation_found_at = _now()
    c.violation_finding = _text(finding, "finding", "查实的违法事实", "the finding")
    db.session.flush()
    audit.record(
        Action.COMPLAINT_VIOLATION_FOUND,
        "complaint",
        c.id,
        actor=actor,
        office_id=c.office_id,
        after={"finding": c.violation_finding},
    )
    return c


# ---- decision and withdrawal ---------------------------------------------------------------------


@transactional
def withdraw(complaint_id: int, reason: str, *, actor) -> Complaint:
    """Record the complainant's written withdrawal, with its reasons. Refused once a violation is
    established (a finding, or an upheld decision) and once closed; the same facts cannot be
    filed again by the complainant (rules.require_new_facts)."""
    c = _handle(complaint_id, actor, "记录撤回投诉", "record a withdrawal")
    _step(c, rules.Step.WITHDRAW)
    before = _snapshot(c)
    c.withdrawn_at = _now()
    for p in c.pauses:  # a pause running at the withdrawal ends with it
        if p.ended_on is None:
            p.ended_on = clock.today()
    c.withdrawal_reason = _text(reason, "reason", "撤回投诉的理由", "the reasons")
    db.session.flush()
    audit.record(
        Action.COMPLAINT_WITHDRAWN,
        "complaint",
        c.id,
        actor=actor,
        office_id=c.office_id,
        before=before,
        after={**_snapshot(c), "reason": c.withdrawal_reason},
    )
    return c


@transactional
def suspend_trading(complaint_id: int, reason: str, *, actor) -> Complaint:
    """Suspend the trading while this accepted complaint is handled (art. 62): responses, the
    meeting and the contract stop, and a notice says so (contracts.services.suspend_trading)."""
    c = _handle(complaint_id, actor, "暂停交易", "suspend a trading")
    _step(c, rules.Step.SUSPEND)
    if c.suspended_at is not None and c.resumed_at is None:
        raise ComplaintError(
            "该交易已因本投诉暂停", "The trading is already suspended by this complaint"
        )
    why = _text(reason, "reason", "暂停交易的理由", "the reason")
    trading_services.suspend_trading(
        queries.trading_of(c).code, why, complaint_id=c.id, actor=actor
    )
    c.suspended_at, c.resumed_at = _now(), None
    db.session.flush()
    audit.record(
        Action.COMPLAINT_TRADING_SUSPENDED,
        "complaint",
        c.id,
        actor=actor,
        office_id=c.office_id,
        after={"trading": queries.trading_of(c).code, "reason": why},
    )
    return c
