"""Use cases of misconduct cases and sanctions: open a case (by hand, or from another domain's
service in its transaction), take the company's statement, decide, publish within 20 工作日, change
a published sanction with reason and approver, and answer a correction request."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from flask import current_app
from sqlalchemy import select

from app import audit, clock
from app.audit import Action
from app.auth.roles import OFFICE_ROLES
from app.calendar.services import current_calendar
from app.errors import checked
from app.extensions import db
from app.transactions import transactional
from app.workdays import UnconfirmedYear
from contractors.models import Contractor
from notices import services as notices
from notices.rules import legal_basis
from notices.sms import services as sms

from . import effects, queries, rules
from .errors import SanctionError, SanctionForbidden, SanctionNotFound
from .models import MisconductCase, Sanction, SanctionChange, SanctionCorrection

SUBJECT_CASE = "misconduct_case"
SUBJECT_SANCTION = "sanction"
#: The SMS telling the company a case was opened and until when it may state its case.
SMS_OPENED = "case_opened"


def _now():
    return clock.now().replace(microsecond=0)


def _role(actor) -> str | None:
    return getattr(actor, "role", None)


def _require_office(actor, zh: str, en: str) -> None:
    # Supervisors (纪检监察/审计) read every case but change nothing.
    if _role(actor) not in OFFICE_ROLES:
        raise SanctionForbidden(
            f"只有区公管办工作人员可以{zh}", f"Only trading-office staff may {en}"
        )


def _calendar_end(start: date, days: int):
    try:
        return current_calendar().publicity_ends_at(start, days)
    except UnconfirmedYear as e:
        raise SanctionError(str(e), e.message_en) from None


def _case(case_id: int, *, lock: bool = False) -> MisconductCase:
    stmt = select(MisconductCase).where(MisconductCase.id == case_id)
    if lock:
        stmt = stmt.with_for_update()
    c = db.session.scalar(stmt)
    if c is None:
        raise SanctionNotFound("案件不存在", "No such case")
    return c


def _sanction(sanction_id: int, *, lock: bool = False) -> Sanction:
    stmt = select(Sanction).where(Sanction.id == sanction_id)
    if lock:
        stmt = stmt.with_for_update()
    s = db.session.scalar(stmt)
    if s is None:
        raise SanctionNotFound("处理记录不存在", "No such sanction")
    return s


def facts_of(c: MisconductCase) -> rules.CaseFacts:
    return rules.CaseFacts(c.statement_ends_at, c.stated_at, c.decided_at, c.outcome)


def _case_snapshot(c: MisconductCase) -> dict:
    return {
        "contractor": c.contractor.uscc,
        "source": c.source,
        "ref": c.ref,
        "proposal": c.proposal,
        "statement_ends_at": c.statement_ends_at,
        "stated_at": c.stated_at,
        "outcome": c.outcome,
        "basis": c.basis,
        "deciding_body": c.deciding_body,
    }


# ---- cases ------------------------------------------------------------------------------------


@transactional
def open_case(
    contractor_id: int,
    source: str,
    facts: str,
    *,
    ref: str | None = None,
    proposal: str | None = None,
    statement_days: int = rules.STATEMENT_DEFAULT_DAYS,
    actor,
) -> MisconductCase:
    """Open a misconduct case against a company and tell it by SMS until when it may state its
    case. Other domains' services call it inside their own transaction (it joins it): a refusal
    to sign (`refusal`, with the trading code as `ref`), a failed evaluation, an upheld or false
    complaint, an incident. By hand (`by_hand`) only staff open one.

    Refused with nothing written: an unknown company, source or proposal, empty facts, a period
    under 3 工作日, or a period touching a year whose working days are not confirmed."""
    try:
        src = rules.CaseSource(source)
    except ValueError:
        raise SanctionError(f"未知的案件来源：{source}", f"Unknown case source: {source}") from None
    if src is rules.CaseSource.BY_HAND:
        _require_office(actor, "立案", "open a case")
    elif _role(actor) == "supervisor":
        raise SanctionForbidden("监督人员只能查阅，不能立案", "Supervisors may not open cases")
    if proposal is not None and proposal not in set(rules.Outcome):
        raise SanctionError(f"未知的处理建议：{proposal}", f"Unknown proposal: {proposal}")
    text = checked(SanctionError, rules.check_text, facts, "facts", "案件事实", "facts")
    days = checked(SanctionError, rules.check_statement_days, statement_days)
    if ref is not None and (len(ref) > 80 or "\x00" in ref):
        raise SanctionError("来源编号格式不正确", "Invalid reference", field="ref")
    company = db.session.get(Contractor, contractor_id) if isinstance(contractor_id, int) else None
    if company is None:
        raise SanctionNotFound("企业不存在", "No such company", field="contractor")
    now = _now()
    case = MisconductCase(
        contractor_id=company.id,
        source=src.value,
        ref=ref,
        proposal=proposal,
        facts=text,
        opened_at=now,
        opened_by_id=getattr(actor, "id", None),
        statement_days=days,
        statement_ends_at=_calendar_end(clock.local(now).date(), days),
    )
    db.session.add(case)
    db.session.flush()
    last = clock.local(case.statement_ends_at).date() - timedelta(days=1)
    queued = sms.queue(
        subject_type=SUBJECT_CASE,
        subject_id=str(case.id),
        purpose=SMS_OPENED,
        template=SMS_OPENED,
        recipients=[sms.Recipient(company.id, company.contact_mobile)],
        values={
            "name": company.name,
            "act": rules.SOURCE_LABELS[src][0],
            "number": str(case.id),
            "deadline": f"{last.year}年{last.month}月{last.day}日",
        },
    )
    audit.record(
        Action.CASE_OPENED,
        SUBJECT_CASE,
        case.id,
        actor=actor,
        after={**_case_snapshot(case), "facts": text, "sms_queued": queued},
    )
    return case


@transactional
def state_case(case_id: int, statement: str, *, actor) -> MisconductCase:
    """The company's statement (陈述申辩): entered by the company on its account page, or by
    staff from paper. Once; not after the decision."""
    c = _case(case_id, lock=True)
    own = _role(actor) == "contractor" and c.contractor.user_id == getattr(actor, "id", None)
    if not own and _role(actor) not in OFFICE_ROLES:
        raise SanctionForbidden(
            "只有被立案企业或区公管办工作人员可以提交陈述申辩",
            "Only the company concerned or staff may enter its statement",
        )
    checked(SanctionError, rules.require_statement_open, facts_of(c), clock.now())
    text = checked(SanctionError, rules.check_text, statement, "statement", "陈述申辩", "statement")
    c.statement, c.stated_at, c.stated_by_id = text, _now(), actor.id
    db.session.flush()
    audit.record(
        Action.CASE_STATED, SUBJECT_CASE, c.id, actor=actor, after={"stated_at": c.stated_at}
    )
    return c


@dataclass(frozen=True)
class DecisionInput:
    outcome: str
    act: str
    basis: str
    deciding_body: str
    starts_on: date | None = None
    months: int | None = None


@transactional
def decide(case_id: int, data: DecisionInput, *, actor) -> MisconductCase:
    """Decide a case: warning, suspension (N months from a date), removal, or no sanction. A
    sanction is recorded with its publication deadline (20 工作日, art. 6) and takes effect from
    its first day; a removal brings the category's first reserve into the roster (effects)."""
    _require_office(actor, "作出处理决定", "decide a case")
    c = _case(case_id, lock=True)
    checked(SanctionError, rules.require_decidable, facts_of(c), clock.now())
    outcome, act, basis, body, period = checked(
        SanctionError,
        rules.check_decision,
        data.outcome,
        data.act,
        data.basis,
        data.deciding_body,
        data.starts_on,
        data.months,
        clock.today(),
    )
    now = _now()
    before = _case_snapshot(c)
    c.outcome, c.act, c.basis, c.deciding_body = outcome.value, act, basis, body
    c.decided_at, c.decided_by_id = now, actor.id
    s = None
    if period is not None:
        zh, _en = rules.decision_text(outcome.value, data.months)
        s = Sanction(
            case_id=c.id,
            contractor_id=c.contractor_id,
            kind=outcome.value,
            reason=act,
            basis=basis,
            decision=zh,
            decided_at=now,
            decided_by=body,
            starts_on=period[0],
            until=period[1],
        )
        s.publish_due_at = queries.publish_due(s)
        db.session.add(s)
    db.session.flush()
    audit.record(
        Action.CASE_DECIDED,
        SUBJECT_CASE,
        c.id,
        actor=actor,
        before=before,
        after={
            **_case_snapshot(c),
            "sanction_id": s.id if s else None,
            "from": s.starts_on if s else None,
            "until": s.until if s else None,
        },
    )
    if s is not None and s.kind == rules.SanctionKind.REMOVAL:
        effects.reserves_enter(s, actor=actor)
    return c


# ---- sanctions --------------------------------------------------------------------------------


@transactional
def publish(sanction_id: int, *, actor) -> Sanction:
    """Publish a decided sanction as a `sanction` notice (art. 8: name, credit code, act, basis,
    decision, date, deciding body); it is shown until `shown_until` (art. 9). Once."""
    _require_office(actor, "发布不良行为处理公告", "publish a sanction")
    s = _sanction(sanction_id, lock=True)
    if s.notice_id is not None:
        raise SanctionError("该处理已经公告", "The sanction is already published")
    today = clock.today()
    s.shown_until = rules.shown_until(today, s.kind, s.until)
    notice = notices.publish_new(
        notices.NoticeInput(
            type="sanction",
            title=f"{s.contractor.name}不良行为处理公告",
            issuing_body=current_app.config["OFFICE_NAME"],
            legal_basis=legal_basis("sanction"),
            body=effects.sanction_body(s),
            publish_due_at=queries.publish_due(s),
            subject_type=SUBJECT_SANCTION,
            subject_id=str(s.id),
        ),
        actor=actor,
    )
    s.notice_id, s.published_at = notice.id, notice.published_at
    s.publish_due_at = notice.publish_due_at
    db.session.flush()
    audit.record(
        Action.SANCTION_PUBLISHED,
        SUBJECT_SANCTION,
        s.id,
        actor=actor,
        after={"notice_id": notice.id, "shown_until": s.shown_until},
    )
    return s


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
            issuing_body=current_app.config["OFFICE_NAME"],
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
        changed_at=_now(),
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
    )
    return change


@transactional
def change(sanction_id: int, data: ChangeInput, *, actor) -> SanctionChange:
    """Change a published sanction (its decision was changed on review, 复议 or 诉讼): recorded
    with reason and approver in the public change table, and a correction notice."""
    _require_office(actor, "变更处理记录", "change a sanction")
    s = _sanction(sanction_id, lock=True)
    if s.notice_id is None:
        raise SanctionError("处理尚未公告，不能变更", "The sanction is not published yet")
    return _apply_change(s, data, actor)


@transactional
def ask_correction(sanction_id: int, request: str, *, actor) -> SanctionCorrection:
    """The company asks for a correction of its published record (art. 13); staff may enter a
    paper request. Staff answer within 5 工作日."""
    s = _sanction(sanction_id, lock=True)
    own = _role(actor) == "contractor" and s.contractor.user_id == getattr(actor, "id", None)
    state = rules.sanction_state(
        clock.local(s.published_at).date() if s.published_at else None,
        s.shown_until,
        clock.today(),
    )
    with_error = (
        SanctionForbidden if not own and _role(actor) not in OFFICE_ROLES else SanctionError
    )
    checked(with_error, rules.require_correction_allowed, _role(actor), own, state)
    text = checked(SanctionError, rules.check_text, request, "request", "更正理由", "request")
    now = _now()
    corr = SanctionCorrection(
        sanction_id=s.id,
        request=text,
        asked_at=now,
        asked_by_id=actor.id,
        answer_due_at=_calendar_end(clock.local(now).date(), rules.CORRECTION_ANSWER_DAYS),
    )
    db.session.add(corr)
    db.session.flush()
    audit.record(
        Action.SANCTION_CORRECTION_ASKED,
        SUBJECT_SANCTION,
        s.id,
        actor=actor,
        after={"correction_id": corr.id, "answer_due_at": corr.answer_due_at},
    )
    return corr


@transactional
def answer_correction(
    correction_id: int, upheld: bool, answer: str, change_: ChangeInput | None = None, *, actor
) -> SanctionCorrection:
    """Staff answer a correction request: upheld → the sanction changes (reason and approver)
    and a correction notice is published; not upheld → the answer is recorded. Once."""
    _require_office(actor, "答复更正申请", "answer a correction request")
    corr = db.session.scalar(
        select(SanctionCorrection).where(SanctionCorrection.id == correction_id).with_for_update()
    )
    if corr is None:
        raise SanctionNotFound("更正申请不存在", "No such correction request")
    if corr.answered_at is not None:
        raise SanctionError("该更正申请已经答复", "The request is already answered")
    text = checked(SanctionError, rules.check_text, answer, "answer", "答复意见", "answer")
    corr.answer, corr.upheld, corr.answered_at, corr.answered_by_id = (
        text,
        bool(upheld),
        _now(),
        actor.id,
    )
    db.session.flush()
    if upheld:
        if change_ is None:
            raise SanctionError("更正成立的，请填写更正内容", "Enter what is corrected")
        _apply_change(_sanction(corr.sanction_id, lock=True), change_, actor, corr)
    audit.record(
        Action.SANCTION_CORRECTION_ANSWERED,
        SUBJECT_SANCTION,
        corr.sanction_id,
        actor=actor,
        after={"correction_id": corr.id, "upheld": bool(upheld)},
    )
    return corr
