"""Use cases of misconduct cases and sanctions: open a case (by hand, or from another domain's
service in its transaction), take the company's statement, decide, and publish within 20 工作日.
Changes and corrections (arts. 10–13) are in `changes`, re-exported here."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from sqlalchemy import select

from app import audit, clock
from app.audit import Action
from app.auth.roles import OFFICE_ROLES
from app.errors import checked
from app.extensions import db
from app.offices import scope
from app.offices.models import Office
from app.transactions import transactional
from contractors.models import Contractor
from notices import services as notices
from notices.rules import legal_basis
from notices.sms import services as sms

from . import effects, queries, rules
from ._common import (
    SMS_OPENED,
    SUBJECT_CASE,
    SUBJECT_SANCTION,
    calendar_end,
    get_case,
    get_sanction,
    require_deciding_district,
    require_office,
    role_of,
    stamp,
)
from .changes import ChangeInput, answer_correction, ask_correction, change
from .errors import SanctionError, SanctionForbidden, SanctionNotFound
from .models import MisconductCase, Sanction


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


#: Sources of cases the district opens itself (from its staff's page or the system): only the
#: deciding district's accounts may. The others come from a service of the record's own office
#: (a platform's refusal or evaluation, the district's complaint decision) in its transaction.
OPENED_BY_THE_DISTRICT = frozenset({rules.CaseSource.BY_HAND, rules.CaseSource.INCIDENT})


def _deciding_district(office_id: int | None, actor) -> int | None:
    """The district that decides a case: the district of the record's office, else the acting
    account's district (None for the system or a deployment administrator without one)."""
    if office_id is None:
        office_id = getattr(actor, "office_id", None)
    if office_id is None:
        return None
    if not isinstance(office_id, int) or db.session.get(Office, office_id) is None:
        raise SanctionNotFound("机构不存在", "No such office", field="office")
    return scope.district_of(office_id).id


@transactional
def open_case(
    contractor_id: int,
    source: str,
    facts: str,
    *,
    ref: str | None = None,
    proposal: str | None = None,
    statement_days: int = rules.STATEMENT_DEFAULT_DAYS,
    office_id: int | None = None,
    actor,
) -> MisconductCase:
    """Open a misconduct case against a company and tell it by SMS until when it may state its
    case. Other domains' services call it inside their own transaction (it joins it): a refusal
    to sign (`refusal`, with the trading code as `ref`), a failed evaluation, an upheld or false
    complaint, an incident. By hand (`by_hand`) only staff open one.

    The case is the district's that decides it: the district of `office_id` (the office of the
    project a refusal, evaluation or complaint comes from), else the acting account's district.
    By hand only that district's staff open one; from another domain, the actor must cover
    `office_id` (a street/town platform's staff recording a refusal of its own project).

    Refused with nothing written: an unknown company, source or proposal, empty facts, a period
    under 3 工作日, or a period touching a year whose working days are not confirmed."""
    try:
        src = rules.CaseSource(source)
    except ValueError:
        raise SanctionError(f"未知的案件来源：{source}", f"Unknown case source: {source}") from None
    if src is rules.CaseSource.BY_HAND:
        require_office(actor, "立案", "open a case")
    elif role_of(actor) == "supervisor":
        raise SanctionForbidden("监督人员只能查阅，不能立案", "Supervisors may not open cases")
    district_id = _deciding_district(office_id, actor)
    if src in OPENED_BY_THE_DISTRICT:
        if actor is not None:  # the system opens one too (the demo); an account is staff
            require_office(actor, "立案", "open a case")
        scope.require_district(actor, district_id, SanctionForbidden, "立案", "open a case")
    elif office_id is not None:
        scope.require_scope(actor, office_id, SanctionForbidden, "立案", "open a case")
    if proposal is not None and proposal not in set(rules.Outcome):
        raise SanctionError(f"未知的处理建议：{proposal}", f"Unknown proposal: {proposal}")
    text = checked(SanctionError, rules.check_text, facts, "facts", "案件事实", "facts")
    days = checked(SanctionError, rules.check_statement_days, statement_days)
    if ref is not None and (len(ref) > 80 or "\x00" in ref):
        raise SanctionError("来源编号格式不正确", "Invalid reference", field="ref")
    company = (
        db.session.scalar(
            # Locked: the same case opened twice at once (a form sent again) queues here.
            # FOR NO KEY UPDATE, which another opening waits for but a row merely naming the
            # company does not: a refusal's own row (inserted first, with its KEY SHARE lock on
            # the company) made two refusals of one company at once deadlock under FOR UPDATE.
            select(Contractor)
            .where(Contractor.id == contractor_id)
            .with_for_update(key_share=True)
            .execution_options(populate_existing=True)
        )
        if isinstance(contractor_id, int)
        else None
    )
    if company is None:
        raise SanctionNotFound("企业不存在", "No such company", field="contractor")
    same = db.session.scalar(
        select(MisconductCase.id)
        .where(
            MisconductCase.contractor_id == company.id,
            MisconductCase.source == src.value,
            MisconductCase.ref.is_(None) if ref is None else MisconductCase.ref == ref,
            MisconductCase.facts == text,
            MisconductCase.decided_at.is_(None),
        )
        .limit(1)
    )
    if same is not None:
        raise SanctionError(
            f"该企业已有同一来源、同一事实尚未处理的案件（案件{same}），不再重复立案",
            f"The company already has this case open (case {same}); it is not opened twice",
        )
    moment = stamp()
    case = MisconductCase(
        office_id=district_id,
        contractor_id=company.id,
        source=src.value,
        ref=ref,
        proposal=proposal,
        facts=text,
        opened_at=moment,
        opened_by_id=getattr(actor, "id", None),
        statement_days=days,
        statement_ends_at=calendar_end(clock.local(moment).date(), days),
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
        # No company name: a name holding a web address would be refused, and the recipient
        # knows who it is; only fixed labels, the case number and the date.
        values={
            "act": rules.SOURCE_LABELS[src][0],
            "code": str(case.id),
            "deadline": f"{last.year}年{last.month}月{last.day}日",
        },
        office_id=case.office_id,
    )
    audit.record(
        Action.CASE_OPENED,
        SUBJECT_CASE,
        case.id,
        actor=actor,
        after={**_case_snapshot(case), "facts": text, "sms_queued": queued},
        office_id=case.office_id,
    )
    return case


@transactional
def state_case(case_id: int, statement: str, *, actor) -> MisconductCase:
    """The company's statement (陈述申辩): entered by the company on its account page, or by
    staff from paper. Once; not after the decision."""
    c = get_case(case_id, lock=True)
    own = role_of(actor) == "contractor" and c.contractor.user_id == getattr(actor, "id", None)
    if not own and role_of(actor) not in OFFICE_ROLES:
        raise SanctionForbidden(
            "只有被立案企业或区公管办工作人员可以提交陈述申辩",
            "Only the company concerned or staff may enter its statement",
        )
    if not own:
        require_deciding_district(actor, c.office_id, "录入陈述申辩", "enter a statement")
    checked(SanctionError, rules.require_statement_open, facts_of(c), clock.now())
    text = checked(SanctionError, rules.check_text, statement, "statement", "陈述申辩", "statement")
    c.statement, c.stated_at, c.stated_by_id = text, stamp(), actor.id
    db.session.flush()
    audit.record(
        Action.CASE_STATED,
        SUBJECT_CASE,
        c.id,
        actor=actor,
        after={"stated_at": c.stated_at},
        office_id=c.office_id,
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
    require_office(actor, "作出处理决定", "decide a case")
    c = get_case(case_id, lock=True)
    require_deciding_district(actor, c.office_id, "作出处理决定", "decide a case")
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
    moment = stamp()
    before = _case_snapshot(c)
    c.outcome, c.act, c.basis, c.deciding_body = outcome.value, act, basis, body
    c.decided_at, c.decided_by_id = moment, actor.id
    s = None
    if period is not None:
        zh, _en = rules.decision_text(outcome.value, data.months)
        s = Sanction(
            office_id=c.office_id,
            case_id=c.id,
            contractor_id=c.contractor_id,
            kind=outcome.value,
            reason=act,
            basis=basis,
            decision=zh,
            decided_at=moment,
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
        office_id=c.office_id,
    )
    if s is not None and s.kind == rules.SanctionKind.REMOVAL:
        effects.reserves_enter(s, actor=actor)
    return c


# ---- sanctions --------------------------------------------------------------------------------


@transactional
def publish(sanction_id: int, *, actor) -> Sanction:
    """Publish a decided sanction as a `sanction` notice (art. 8: name, credit code, act, basis,
    decision, date, deciding body); it is shown until `shown_until` (art. 9). Once."""
    require_office(actor, "发布不良行为处理公告", "publish a sanction")
    s = get_sanction(sanction_id, lock=True)
    require_deciding_district(actor, s.office_id, "发布不良行为处理公告", "publish a sanction")
    if s.notice_id is not None:
        raise SanctionError("该处理已经公告", "The sanction is already published")
    today = clock.today()
    s.shown_until = rules.shown_until(today, s.kind, s.until)
    notice = notices.publish_new(
        notices.NoticeInput(
            type="sanction",
            title=f"{s.contractor.name}不良行为处理公告",
            **notices.issuer(s.office_id),
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
        office_id=s.office_id,
    )
    return s


__all__ = [
    "ChangeInput",
    "DecisionInput",
    "answer_correction",
    "ask_correction",
    "change",
    "decide",
    "facts_of",
    "open_case",
    "publish",
    "state_case",
]
