"""Complaint use cases, one transaction each: file (by the complainant, or by staff from paper),
accept or refuse, pause and resume the decision clock, record a finding, decide, record a
withdrawal, suspend the trading. Each writes its audit entry; a refusal and a decision are
published as a `complaint_decision` notice in the same transaction."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime

from flask import current_app
from sqlalchemy import select

from app import audit, clock
from app.audit import Action
from app.auth.roles import OFFICE_ROLES, Role
from app.calendar.services import current_calendar
from app.errors import refused_as, require_office
from app.extensions import db
from app.storage import UploadRejected, check_upload, store_upload
from app.transactions import transactional
from app.workdays import UnconfirmedYear
from contractors.models import Contractor
from contractors.queries import contractor_by_uscc, contractor_of
from contracts import services as trading_services
from contracts.complaints import queries, rules
from contracts.complaints.errors import ComplaintError, ComplaintForbidden, ComplaintNotFound
from contracts.complaints.models import Complaint, ComplaintEvidence, ComplaintPause
from contracts.models import Project, Trading
from contracts.rules import SUBJECT_TYPE
from notices import services as notices
from notices.markup import body
from notices.rules import legal_basis

#: Evidence is a PDF or a photo (the issue: PDF/JPEG/PNG), the type read from the content.
EVIDENCE_TYPES = frozenset({"application/pdf", "image/jpeg", "image/png"})
#: At most this many evidence files with one complaint.
MAX_EVIDENCE = 10
#: Longest text fields (the columns' sizes; longer text is refused, never cut).
MAX_NAME, MAX_CONTACT, MAX_TEXT = 200, 300, 20_000


@dataclass(frozen=True)
class Upload:
    filename: str
    data: bytes


@dataclass(frozen=True)
class ComplaintInput:
    """What the complaint form holds (办法 art. 7), frozen once the form validated."""

    trading_code: str
    matter: str
    knew_on: date | None
    complainant_name: str
    complainant_contact: str
    respondent_name: str
    respondent_contact: str
    facts: str
    requests: str
    respondent_uscc: str = ""
    #: Staff entering a complaint received on paper may name a registered company as complainant.
    complainant_uscc: str = ""
    evidence: tuple[Upload, ...] = field(default_factory=tuple)


@dataclass(frozen=True)
class DecisionInput:
    outcome: str
    facts: str
    basis: str
    text: str
    #: Resume the trading this complaint suspended (contracts.services.resume_trading), with
    #: new times when the old ones passed during the suspension.
    resume_trading: bool = False
    new_responses_close_at: datetime | None = None
    new_meeting_at: datetime | None = None
    #: Upheld: open a misconduct case against the respondent (a registered company).
    open_case: bool = False
    #: Dismissed as false (《招标投标法实施条例》第七十七条): open a case against the complainant.
    false_complaint: bool = False


_now = clock.stamp


def _require_staff(actor, what_zh: str, what_en: str) -> None:
    require_office(actor, ComplaintForbidden, what_zh, what_en)


def _load(complaint_id: int) -> Complaint:
    """The complaint, its row locked (two staff acting at once queue here on PostgreSQL)."""
    c = db.session.scalar(
        select(Complaint)
        .where(Complaint.id == complaint_id)
        .with_for_update()
        .execution_options(populate_existing=True)
    )
    if c is None:
        raise ComplaintNotFound(f"投诉不存在：{complaint_id}", f"No such complaint: {complaint_id}")
    return c


def _step(c: Complaint, step: rules.Step) -> None:
    with refused_as(ComplaintError):
        rules.require(queries.facts_of(c), step)


def _text(value: str, field_name: str, zh: str, en: str, limit: int = MAX_TEXT) -> str:
    text = (value or "").strip()
    if not text:
        raise ComplaintError(f"请填写{zh}", f"Enter {en}", field=field_name)
    if len(text) > limit:
        raise ComplaintError(
            f"{zh}不能超过{limit}个字",
            f"{en.capitalize()} exceeds {limit} characters",
            field=field_name,
        )
    return text


def _snapshot(c: Complaint) -> dict:
    return {
        "status": queries.status_of(c),
        "accepted_at": c.accepted_at,
        "refused_at": c.refused_at,
        "refusal_ground": c.refusal_ground,
        "decided_at": c.decided_at,
        "outcome": c.outcome,
        "withdrawn_at": c.withdrawn_at,
        "decision_notice_id": c.decision_notice_id,
    }


def _calendar_error(e: UnconfirmedYear) -> ComplaintError:
    return ComplaintError(str(e), e.message_en)


# ---- filing --------------------------------------------------------------------------------------


def _trading(code: str) -> Trading:
    t = db.session.scalar(
        select(Trading).where(Trading.code == (code or "")[:50]).with_for_update()
    )
    if t is None or not db.session.get(Project, t.project_id).is_filed:
        raise ComplaintNotFound(f"交易不存在：{code}", f"No such trading: {code}")
    return t


def _complainant(data: ComplaintInput, actor) -> tuple[Contractor | None, bool]:
    """The complaining company (None for a complainant that is not a registered company) and
    whether staff entered the complaint from paper."""
    role = getattr(actor, "role", None)
    if role == Role.CONTRACTOR:
        company = contractor_of(actor)
        if company is None:
            raise ComplaintForbidden(
                "请先登记企业信息再提出投诉", "Register your company before complaining"
            )
        return company, False
    if role in OFFICE_ROLES:
        uscc = (data.complainant_uscc or "").strip().upper()
        if not uscc:
            return None, True
        company = contractor_by_uscc(uscc)
        if company is None:
            raise ComplaintError(
                "没有该统一社会信用代码的登记企业；投诉人不是登记企业的，请留空",
                "No registered company has this credit code; leave it empty for another "
                "complainant",
                field="complainant_uscc",
            )
        return company, True
    raise ComplaintForbidden(
        "只有企业或代为录入书面投诉的区公管办工作人员可以提出投诉",
        "Only a company, or staff entering a written complaint, may file a complaint",
    )


def _evidence(uploads: tuple[Upload, ...]) -> list[tuple[Upload, str]]:
    with refused_as(ComplaintError):
        rules.require_evidence(len(uploads))
    if len(uploads) > MAX_EVIDENCE:
        raise ComplaintError(
            f"证明材料最多{MAX_EVIDENCE}份",
            f"At most {MAX_EVIDENCE} evidence files",
            field="evidence",
        )
    checked = []
    for upload in uploads:
        try:
            kind = check_upload(upload.data, current_app.config["MAX_ATTACHMENT_BYTES"])
        except UploadRejected as e:
            raise ComplaintError(e.message, e.message_en, field="evidence") from None
        if kind not in EVIDENCE_TYPES:
            raise ComplaintError(
                "证明材料只接受PDF、JPEG或PNG文件",
                "Evidence must be a PDF, JPEG or PNG file",
                field="evidence",
            )
        checked.append((upload, kind))
    return checked


@transactional
def file_complaint(data: ComplaintInput, *, actor) -> Complaint:
    """A complaint about a trading: by a company from its account, or entered by staff from a
    written complaint. Refused unless complete (办法 art. 7), with evidence, within the window
    (art. 60, objection waits not counted) and, for arts. 22/44/54 matters, after an objection."""
    company, on_paper = _complainant(data, actor)
    t = _trading(data.trading_code)
    try:
        matter = rules.Matter(data.matter)
    except ValueError:
        raise ComplaintError(
            "请选择投诉事项", "Choose what you complain about", field="matter"
        ) from None
    with refused_as(ComplaintError):
        rules.require_filing_content(
            complainant_name=data.complainant_name,
            complainant_contact=data.complainant_contact,
            respondent_name=data.respondent_name,
            respondent_contact=data.respondent_contact,
            facts=data.facts,
            requests=data.requests,
        )
    names = {
        "complainant_name": _text(
            data.complainant_name, "complainant_name", "投诉人名称", "the complainant", MAX_NAME
        ),
        "complainant_contact": _text(
            data.complainant_contact,
            "complainant_contact",
            "投诉人联系方式",
            "the contact",
            MAX_CONTACT,
        ),
        "respondent_name": _text(
            data.respondent_name, "respondent_name", "被投诉人名称", "the respondent", MAX_NAME
        ),
        "respondent_contact": _text(
            data.respondent_contact,
            "respondent_contact",
            "被投诉人联系方式",
            "the contact",
            MAX_CONTACT,
        ),
        "facts": _text(data.facts, "facts", "基本事实", "the facts"),
        "requests": _text(data.requests, "requests", "请求及主张", "the requests"),
    }
    respondent_uscc = (data.respondent_uscc or "").strip().upper() or None
    if respondent_uscc is not None and len(respondent_uscc) != 18:
        raise ComplaintError(
            "被投诉人的统一社会信用代码应为18位",
            "A credit code has 18 characters",
            field="respondent_uscc",
        )
    today, now = clock.today(), _now()
    contractor_id = company.id if company else None
    waits_rows = queries.objection_waits(t.id, contractor_id)
    try:
        calendar = current_calendar()
        with refused_as(ComplaintError):
            knew_on = rules.require_knew_on(data.knew_on, queries.published_on(t), today)
            waits = queries.waits_of(waits_rows)
            try:
                ends = rules.filing_window_ends_at(calendar, knew_on, waits, today)
            except UnconfirmedYear:
                # The last day's year is unconfirmed, so art. 203 cannot be applied: the plain
                # 10 日 (never later than the true end) decide; past them, the year is named.
                ends = rules.plain_window_ends_at(knew_on, waits, today)
                if now >= ends:
                    raise
            rules.require_within_window(ends, now)
            rules.require_objected(matter, [str(m) for m, _f, _a in waits_rows])
            rules.require_new_facts(
                queries.earlier_of(t.id, contractor_id, names["complainant_name"]), matter
            )
    except UnconfirmedYear as e:
        raise _calendar_error(e) from None
    try:
        accept_by = rules.accept_by(calendar, today)
    except UnconfirmedYear:
        # Never guessed: computed once the year is confirmed (queries.accept_by).
        accept_by = None
    files = _evidence(data.evidence)
    c = Complaint(
        trading_id=t.id,
        matter=matter,
        complainant_contractor_id=contractor_id,
        respondent_uscc=respondent_uscc,
        knew_on=knew_on,
        window_ends_at=ends,
        received_at=now,
        filed_by_id=getattr(actor, "id", None),
        on_paper=on_paper,
        accept_by=accept_by,
        **names,
    )
    db.session.add(c)
    db.session.flush()
    for upload, _kind in files:
        try:
            stored = store_upload(upload.data, current_app.config["MAX_ATTACHMENT_BYTES"])
        except UploadRejected as e:  # pragma: no cover - checked above
            raise ComplaintError(e.message, e.message_en, field="evidence") from None
        name = (upload.filename or "").replace("\\", "/").rsplit("/", 1)[-1].strip()[:255]
        db.session.add(
            ComplaintEvidence(
                complaint_id=c.id,
                storage_key=stored.key,
                original_name=name or "evidence",
                content_type=stored.content_type,
                size=stored.size,
                sha256=stored.sha256,
                uploaded_at=now,
            )
        )
    db.session.flush()
    audit.record(
        Action.COMPLAINT_FILED,
        "complaint",
        c.id,
        actor=actor,
        after={
            "trading": t.code,
            "matter": matter,
            "knew_on": knew_on,
            "window_ends_at": ends,
            "accept_by": accept_by,
            "on_paper": on_paper,
            "evidence": len(files),
        },
    )
    return c


# ---- acceptance ----------------------------------------------------------------------------------


@transactional
def accept(complaint_id: int, *, actor) -> Complaint:
    """受理 (art. 61): the 30-working-day decision clock starts the day after."""
    _require_staff(actor, "受理投诉", "accept a complaint")
    c = _load(complaint_id)
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
        before=before,
        after={**_snapshot(c), "decide_by": due},
    )
    return c


def _publish(c: Complaint, *, occasion: str, title: str, text: str, actor):
    t = queries.trading_of(c)
    return notices.publish_new(
        notices.NoticeInput(
            type="complaint_decision",
            title=title,
            issuing_body=current_app.config["OFFICE_NAME"],
            legal_basis=legal_basis("complaint_decision", occasion),
            body=text,
            subject_type=SUBJECT_TYPE,
            subject_id=t.code,
        ),
        actor=actor,
    )


def _paragraphs(text: str) -> list[str]:
    return [line.strip() for line in (text or "").splitlines() if line.strip()]


@transactional
def refuse(complaint_id: int, ground: str, reason: str, *, actor) -> Complaint:
    """不予受理, on a ground of the list (办法 art. 12), published without personal data."""
    _require_staff(actor, "决定不予受理", "refuse a complaint")
    c = _load(complaint_id)
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
        before=before,
        after=_snapshot(c),
    )
    return c


# ---- the decision clock --------------------------------------------------------------------------


@transactional
def pause(complaint_id: int, kind: str, reason: str, *, actor) -> ComplaintPause:
    """Stop the decision clock for expert review or testing (art. 61 para. 2), from today."""
    _require_staff(actor, "暂停投诉处理计时", "pause a complaint's clock")
    c = _load(complaint_id)
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
        after={"kind": k, "reason": p.reason, "started_on": p.started_on},
    )
    return p


@transactional
def end_pause(complaint_id: int, *, actor) -> ComplaintPause:
    """The expert review or test is done: the clock runs again from today."""
    _require_staff(actor, "恢复投诉处理计时", "resume a complaint's clock")
    c = _load(complaint_id)
    _step(c, rules.Step.RESUME)
    p = next(p for p in c.pauses if p.ended_on is None)
    p.ended_on = clock.today()
    db.session.flush()
    audit.record(
        Action.COMPLAINT_PAUSE_ENDED,
        "complaint",
        c.id,
        actor=actor,
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
    _require_staff(actor, "记录违法事实认定", "record a finding")
    c = _load(complaint_id)
    _step(c, rules.Step.FIND)
    c.violation_found_at = _now()
    c.violation_finding = _text(finding, "finding", "查实的违法事实", "the finding")
    db.session.flush()
    audit.record(
        Action.COMPLAINT_VIOLATION_FOUND,
        "complaint",
        c.id,
        actor=actor,
        after={"finding": c.violation_finding},
    )
    return c


# ---- decision and withdrawal ---------------------------------------------------------------------


@transactional
def decide(complaint_id: int, data: DecisionInput, *, actor) -> Complaint:
    """The written decision (art. 62): outcome, facts, legal basis and decision, published at once
    as a complaint_decision notice without personal data. Made once."""
    _require_staff(actor, "作出投诉处理决定", "decide a complaint")
    c = _load(complaint_id)
    _step(c, rules.Step.DECIDE)
    with refused_as(ComplaintError):
        outcome = rules.require_decision(data.outcome, data.facts, data.basis, data.text)
    facts = _text(data.facts, "facts", "认定的事实", "the facts")
    basis = _text(data.basis, "basis", "处理依据", "the basis", 500)
    text = _text(data.text, "text", "处理决定", "the decision")
    before = _snapshot(c)
    c.decided_at, c.decided_by_id, c.outcome = _now(), actor.id, outcome
    c.decision_facts, c.decision_basis, c.decision_text = facts, basis, text
    t = queries.trading_of(c)
    notice = _publish(
        c,
        occasion="decision",
        title=f"{t.project.name}投诉处理决定",
        text=body(
            "complaint_decision",
            p=t.project,
            t=t,
            c=c,
            matter=rules.MATTERS[rules.Matter(c.matter)][0],
            outcome=rules.OUTCOMES[outcome][0],
            pauses=[rules.PAUSE_KINDS[rules.PauseKind(p.kind)][0] for p in c.pauses],
            facts=_paragraphs(facts),
            text=_paragraphs(text),
        ),
        actor=actor,
    )
    c.decision_notice_id = notice.id
    _open_cases(c, t, outcome, data, actor)
    if data.resume_trading and c.suspended_at is not None and c.resumed_at is None:
        # Art. 62: the suspension this complaint caused ends with its decision.
        trading_services.resume_trading(
            t.code,
            f"投诉（编号{c.id}）已作出处理决定，恢复交易",
            new_responses_close_at=data.new_responses_close_at,
            new_meeting_at=data.new_meeting_at,
            actor=actor,
        )
        c.resumed_at = _now()
    db.session.flush()
    audit.record(
        Action.COMPLAINT_DECIDED,
        "complaint",
        c.id,
        actor=actor,
        before=before,
        after={**_snapshot(c), "basis": basis},
    )
    return c


def _open_cases(c: Complaint, t: Trading, outcome: rules.Outcome, data: DecisionInput, actor):
    """Staff decide, on the decision form, whether a misconduct case follows: against the
    respondent company of an upheld complaint, or against the complainant of a complaint found
    false (art. 77) — never automatically, since neither follows from the outcome alone."""
    from contractors.sanctions.services import open_case

    ref = f"投诉{c.id}（{t.code}）"
    if data.open_case:
        company = contractor_by_uscc(c.respondent_uscc or "")
        if outcome != rules.Outcome.UPHELD or company is None:
            raise ComplaintError(
                "只有投诉成立且被投诉人是登记企业的，才能对被投诉人立案",
                "A case follows only an upheld complaint against a registered company",
                field="open_case",
            )
        open_case(company.id, "complaint", f"投诉成立：{c.decision_facts}", ref=ref, actor=actor)
    if data.false_complaint:
        if outcome != rules.Outcome.DISMISSED or c.complainant_contractor_id is None:
            raise ComplaintError(
                "只有驳回的投诉且投诉人是登记企业的，才能以虚假投诉立案",
                "A false-complaint case follows only a dismissed complaint by a registered company",
                field="false_complaint",
            )
        open_case(
            c.complainant_contractor_id,
            "false_complaint",
            f"虚假投诉（《招标投标法实施条例》第七十七条）：{c.decision_facts}",
            ref=ref,
            actor=actor,
        )


@transactional
def withdraw(complaint_id: int, reason: str, *, actor) -> Complaint:
    """Record the complainant's written withdrawal, with its reasons. Refused once a violation is
    established (a finding, or an upheld decision) and once closed; the same facts cannot be
    filed again by the complainant (rules.require_new_facts)."""
    _require_staff(actor, "记录撤回投诉", "record a withdrawal")
    c = _load(complaint_id)
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
        before=before,
        after={**_snapshot(c), "reason": c.withdrawal_reason},
    )
    return c


@transactional
def suspend_trading(complaint_id: int, reason: str, *, actor) -> Complaint:
    """Suspend the trading while this accepted complaint is handled (art. 62): responses, the
    meeting and the contract stop, and a notice says so (contracts.services.suspend_trading)."""
    _require_staff(actor, "暂停交易", "suspend a trading")
    c = _load(complaint_id)
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
        after={"trading": queries.trading_of(c).code, "reason": why},
    )
    return c
