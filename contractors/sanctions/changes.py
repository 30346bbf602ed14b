"""Changes of a published sanction with reason and approver (《招标投标违法行为记录公告暂行办法》
第十条、第十一条) and correction requests answered within 5 工作日 (第十三条)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from sqlalchemy import select

from app import audit, clock
from app.audit import Action
from app.auth.roles import OFFICE_ROLES
from app.errors import checked
from app.extensions import db
from app.transactions import transactional
from notices import services as notices
from notices.rules import legal_basis

from . import effects, rules
from ._common import (
    SUBJECT_SANCTION,
    calendar_end,
    get_sanction,
    require_deciding_district,
    require_office,
    role_of,
    stamp,
)
from .errors import SanctionError, SanctionForbidden, SanctionNotFound
from .models import Sanction, SanctionChange, SanctionCorrection


@dataclass(frozen=True)
class ChangeInput:
    """A change of a published sanction (arts. 10–11): the new values (None: unchanged)."""

    reason: str
    approver: str
    basis: str | None = None
    decision: str | None = None
    #: New end (exclusive) of a suspension; a removal or warning keeps None.
    until: date | None = None


def _apply_change(s: Sanction, data: ChangeInput, actor, correction=None) -> SanctionChange:
    reason, approver = checked(SanctionError, rules.check_change, data.reason, data.approver)
    before, after = {}, {}
    for field, zh in (("basis", "处理依据"), ("decision", "处理决定")):
        value = getattr(data, field)
        if value is None or not value.strip():
            continue
        new = checked(SanctionError, rules.check_text, value, field, zh, field)
        if new != getattr(s, field):
            before[field], after[field] = getattr(s, field), new
    if data.until is not None:
        if s.kind != rules.SanctionKind.SUSPENSION:
            raise SanctionError(
                "只有暂停交易资格的处理可以变更期限",
                "Only a suspension's end can be changed",
                field="until",
            )
        if data.until <= s.starts_on or data.until > s.starts_on + timedelta(days=366 * 5):
            raise SanctionError(
                "暂停期限的截止日期应晚于起始日期，且不超过5年",
                "The end must be after the start and within 5 years",
                field="until",
            )
        if data.until != s.until:
            before["until"], after["until"] = s.until.isoformat(), data.until.isoformat()
    if not after:
        raise SanctionError("没有任何变更内容", "Nothing to change")
    for field, value in after.items():
        setattr(s, field, date.fromisoformat(value) if field == "until" else value)
    if "until" in after and s.published_at is not None:
        # Art. 9 counts from publication: never shown less than 6 months, nor less than it lasts.
        s.shown_until = rules.shown_until(clock.local(s.published_at).date(), s.kind, s.until)
    notice = notices.publish_new(
        notices.NoticeInput(
            type="correction",
            title=f"{s.contractor.name}不良行为处理公告更正",
            **notices.issuer(s.office_id),
            legal_basis=legal_basis("correction", "sanction"),
            body=effects.change_body(s, before, after, reason, approver),
            corrects_id=s.notice_id,
            subject_type=SUBJECT_SANCTION,
            subject_id=str(s.id),
        ),
        actor=actor,
    )
    change = SanctionChange(
        sanction_id=s.id,
        changed_at=stamp(),
        before=before,
        after=after,
        reason=reason,
        approver=approver,
        recorded_by_id=actor.id,
        correction_id=correction.id if correction is not None else None,
        notice_id=notice.id,
    )
    db.session.add(change)
    db.session.flush()
    audit.record(
        Action.SANCTION_CHANGED,
        SUBJECT_SANCTION,
        s.id,
        actor=actor,
        before=before,
        after={**after, "reason": reason, "approver": approver, "notice_id": notice.id},
        office_id=s.office_id,
    )
    return change


@transactional
def change(sanction_id: int, data: ChangeInput, *, actor) -> SanctionChange:
    """Change a published sanction (its decision was changed on review, 复议 or 诉讼): recorded
    with reason and approver in the public change table, and a correction notice."""
    require_office(actor, "变更处理记录", "change a sanction")
    s = get_sanction(sanction_id, lock=True)
    require_deciding_district(actor, s.office_id, "变更处理记录", "change a sanction")
    if s.notice_id is None:
        raise SanctionError("处理尚未公告，不能变更", "The sanction is not published yet")
    return _apply_change(s, data, actor)


@transactional
def ask_correction(sanction_id: int, request: str, *, actor) -> SanctionCorrection:
    """The company asks for a correction of its published record (art. 13); staff may enter a
    paper request. Staff answer within 5 工作日."""
    s = get_sanction(sanction_id, lock=True)
    own = role_of(actor) == "contractor" and s.contractor.user_id == getattr(actor, "id", None)
    state = rules.sanction_state(
        clock.local(s.published_at).date() if s.published_at else None,
        s.shown_until,
        clock.today(),
    )
    with_error = (
        SanctionForbidden if not own and role_of(actor) not in OFFICE_ROLES else SanctionError
    )
    pending = db.session.scalar(
        select(SanctionCorrection.id)
        .where(SanctionCorrection.sanction_id == s.id, SanctionCorrection.answered_at.is_(None))
        .limit(1)
    )
    checked(
        with_error,
        rules.require_correction_allowed,
        role_of(actor),
        own,
        state,
        pending=pending is not None,
    )
    if not own:
        require_deciding_district(actor, s.office_id, "录入更正申请", "enter a correction request")
    text = checked(SanctionError, rules.check_text, request, "request", "更正理由", "request")
    moment = stamp()
    corr = SanctionCorrection(
        sanction_id=s.id,
        request=text,
        asked_at=moment,
        asked_by_id=actor.id,
        answer_due_at=calendar_end(clock.local(moment).date(), rules.CORRECTION_ANSWER_DAYS),
    )
    db.session.add(corr)
    db.session.flush()
    audit.record(
        Action.SANCTION_CORRECTION_ASKED,
        SUBJECT_SANCTION,
        s.id,
        actor=actor,
        after={"correction_id": corr.id, "answer_due_at": corr.answer_due_at},
        office_id=s.office_id,
    )
    return corr


@transactional
def answer_correction(
    correction_id: int, upheld: bool, answer: str, change_: ChangeInput | None = None, *, actor
) -> SanctionCorrection:
    """Staff answer a correction request: upheld → the sanction changes (reason and approver)
    and a correction notice is published; not upheld → the answer is recorded. Once."""
    require_office(actor, "答复更正申请", "answer a correction request")
    corr = db.session.scalar(
        select(SanctionCorrection)
        .where(SanctionCorrection.id == correction_id)
        .with_for_update()
        # The page loaded the request before this call: without this the locked row's values
        # would not replace the stale copy, and two staff answering at once would both pass.
        .execution_options(populate_existing=True)
    )
    if corr is None:
        raise SanctionNotFound("更正申请不存在", "No such correction request")
    require_deciding_district(
        actor, corr.sanction.office_id, "答复更正申请", "answer a correction request"
    )
    if corr.answered_at is not None:
        raise SanctionError("该更正申请已经答复", "The request is already answered")
    text = checked(SanctionError, rules.check_text, answer, "answer", "答复意见", "answer")
    corr.answer, corr.upheld, corr.answered_at, corr.answered_by_id = (
        text,
        bool(upheld),
        stamp(),
        actor.id,
    )
    db.session.flush()
    if upheld:
        if change_ is None:
            raise SanctionError("更正成立的，请填写更正内容", "Enter what is corrected")
        _apply_change(get_sanction(corr.sanction_id, lock=True), change_, actor, corr)
    audit.record(
        Action.SANCTION_CORRECTION_ANSWERED,
        SUBJECT_SANCTION,
        corr.sanction_id,
        actor=actor,
        after={"correction_id": corr.id, "upheld": bool(upheld)},
        office_id=corr.sanction.office_id,
    )
    return corr
