"""What the complaint services share: their inputs, the row lock, the guards, the audit
snapshot and the publication of a `complaint_decision` notice."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime

from flask import current_app
from sqlalchemy import select

from app import clock
from app.auth.roles import OFFICE_ROLES
from app.errors import refused_as, require_office, role_of
from app.extensions import db
from app.offices.scope import covers_unplaced, district_of, require_district
from app.storage import Upload as StoredUpload
from app.workdays import UnconfirmedYear
from contracts.complaints import queries, rules
from contracts.complaints.errors import ComplaintError, ComplaintForbidden, ComplaintNotFound
from contracts.complaints.models import Complaint
from contracts.rules import SUBJECT_TYPE
from notices import services as notices
from notices.rules import legal_basis
from notices.timeliness.services import publish_due

#: Evidence is a PDF or a photo (the issue: PDF/JPEG/PNG), the type read from the content.
EVIDENCE_TYPES = frozenset({"application/pdf", "image/jpeg", "image/png"})
#: At most this many evidence files with one complaint.
MAX_EVIDENCE = 10
#: Longest text fields (the columns' sizes; longer text is refused, never cut).
MAX_NAME, MAX_CONTACT, MAX_TEXT = 200, 300, 20_000


@dataclass(frozen=True)
class Upload:
    filename: str
    data: StoredUpload  # the bytes, or the request's spooled file (streamed to storage)


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


def _require_district(actor, c: Complaint, what_zh: str, what_en: str) -> None:
    """A complaint is handled (accepted, refused, paused, decided...) by the district of the
    trading's platform only: a platform's clerk never handles a complaint about its own trading.
    A complaint without an office (before the offices there was one office) is handled by a
    district office's staff or the deployment administrator."""
    if c.office_id is not None:
        require_district(actor, district_of(c.office_id).id, ComplaintForbidden, what_zh, what_en)
    elif not covers_unplaced(actor, None):
        raise ComplaintForbidden(
            f"只有区公管办可以{what_zh}", f"Only the district office may {what_en}"
        )


def handles(actor, c: Complaint) -> bool:
    """Whether `actor` handles `c` (its district's staff): the pages offer the steps to them only."""
    if role_of(actor) not in OFFICE_ROLES:
        return False
    try:
        _require_district(actor, c, "处理投诉", "handle a complaint")
    except ComplaintForbidden:
        return False
    return True


def _handle(complaint_id: int, actor, what_zh: str, what_en: str) -> Complaint:
    """The complaint a handling step acts on, locked, once the actor is the office's staff of
    its district (nothing is read for another's)."""
    _require_staff(actor, what_zh, what_en)
    c = _load(complaint_id)
    _require_district(actor, c, what_zh, what_en)
    return c


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


def _publish(c: Complaint, *, occasion: str, title: str, text: str, actor):
    t = queries.trading_of(c)
    # Decided by the district, so issued by it (公开主体: the district office's name).
    issued = (
        notices.issuer(district_of(c.office_id).id)
        if c.office_id is not None
        else {"issuing_body": current_app.config["OFFICE_NAME"]}
    )
    return notices.publish_new(
        notices.NoticeInput(
            type="complaint_decision",
            title=title,
            **issued,
            legal_basis=legal_basis("complaint_decision", occasion),
            body=text,
            # 公开时限 from the decision (or the refusal) this notice announces.
            publish_due_at=publish_due(
                "complaint_decision", c.decided_at if occasion == "decision" else c.refused_at
            ),
            subject_type=SUBJECT_TYPE,
            subject_id=t.code,
        ),
        actor=actor,
    )


def _paragraphs(text: str) -> list[str]:
    return [line.strip() for line in (text or "").splitlines() if line.strip()]
