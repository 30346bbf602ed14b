"""Filing a complaint: by the complainant on its account, or by staff from paper (art. 7
content, the window, the objection first, the evidence files)."""

from __future__ import annotations

from flask import current_app
from sqlalchemy import select

from app import audit, clock, once
from app.audit import Action
from app.auth.roles import OFFICE_ROLES, Role
from app.calendar.services import current_calendar
from app.errors import refused_as
from app.extensions import db
from app.offices.scope import require_scope
from app.storage import UploadRejected, check_upload, store_upload
from app.transactions import transactional
from app.workdays import UnconfirmedYear
from contractors.models import Contractor
from contractors.queries import contractor_by_uscc, contractor_of
from contracts.complaints import queries, rules
from contracts.complaints.errors import ComplaintError, ComplaintForbidden, ComplaintNotFound
from contracts.complaints.models import Complaint, ComplaintEvidence
from contracts.models import Project, Trading

from ._common import (
    EVIDENCE_TYPES,
    MAX_CONTACT,
    MAX_EVIDENCE,
    MAX_NAME,
    ComplaintInput,
    Upload,
    _calendar_error,
    _now,
    _text,
)


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
def file_complaint(data: ComplaintInput, *, actor, token: str | None = None) -> Complaint:
    """A complaint about a trading: by a company from its account, or entered by staff from a
    written complaint. Refused unless complete (办法 art. 7), with evidence, within the window
    (art. 60, objection waits not counted) and, for arts. 22/44/54 matters, after an objection.
    `token`: the form's once-only token (app.once) — the same form posted again files nothing."""
    submission = once.claim(token, "complaint", actor)
    company, on_paper = _complainant(data, actor)
    t = _trading(data.trading_code)
    # The complaint is its trading's platform's (its district handles it).
    office_id = db.session.get(Project, t.project_id).office_id
    if on_paper and office_id is not None:
        # Staff enter the written complaints about the tradings of offices they cover only.
        require_scope(
            actor,
            office_id,
            ComplaintForbidden,
            "录入该交易的书面投诉",
            "enter a written complaint about this trading",
        )
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
        office_id=office_id,
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
        office_id=office_id,
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
    once.fulfil(submission, c.id)
    return c


# ---- acceptance ----------------------------------------------------------------------------------
