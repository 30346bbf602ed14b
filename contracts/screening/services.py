"""The credit screen's one write: staff record a respondent's check of the national list of
dishonest judgment debtors (失信被执行人), with its evidence file, before the freeze."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from flask import current_app

from app import audit, clock
from app.audit import Action
from app.errors import checked as checked_as
from app.extensions import db
from app.storage import Upload, UploadRejected, check_upload, delete_when_committed, store_upload
from app.transactions import transactional
from contracts import rules as trading_rules
from contracts.screening import queries, rules
from contracts.screening.errors import ScreeningError
from contracts.screening.models import CreditCheck
from contracts.services._common import (
    SUBJECT_TYPE,
    checked,
    current_trading,
    get_project,
    now,
    require_project_scope,
    require_staff,
    state_of,
)
from notices.models import Notice


@dataclass(frozen=True)
class CheckInput:
    """A check as the form gives it: the respondent's USCC, when, where, what, the file, a note."""

    uscc: str
    checked_on: date | None
    source: str
    result: str
    evidence: Upload | None
    evidence_name: str | None
    note: str = ""


def _file_name(name: str | None) -> str:
    return (name or "").strip().replace("\\", "/").rsplit("/", 1)[-1][:255] or "evidence"


def _choice(enum_type, value: str, field: str, zh: str, en: str):
    try:
        return enum_type(value)
    except ValueError:
        raise ScreeningError(f"请选择{zh}", f"Choose {en}", field=field) from None


def require_screened(t) -> list[queries.ScreenRow]:
    """The freeze's guard: every respondent screened (the award meeting calls it)."""
    rows = queries.screen_of(t)
    checked_as(ScreeningError, rules.require_all_screened, [(r.name, r.state) for r in rows])
    return rows


@transactional
def record_check(code: str, given: CheckInput, *, actor) -> CreditCheck:
    """Record (or, before the freeze, record again) a respondent's check: staff only, once the
    responses closed and before the meeting froze the candidates, not while the trading is
    suspended (contracts.rules.require_screen); dated between the trading notice and today; a
    screenshot or PDF of the list's answer required."""
    require_staff(actor, "记录信用核查", "record a credit check")
    p = get_project(code, lock=True)
    require_project_scope(actor, p, "记录信用核查", "record a credit check")
    t = current_trading(p)
    if t.held_at is not None:
        raise ScreeningError(
            "定标会议已经举行，候选名单已冻结，不能再记录信用核查",
            "The award meeting was held and the candidates frozen; no more credit checks",
        )
    checked(
        trading_rules.require_screen,
        state_of(p, t),
        responses_close_at=t.responses_close_at,
        tz=clock.TZ,
    )
    row = next((r for r in queries.screen_of(t) if r.uscc == (given.uscc or "").strip()), None)
    if row is None:
        raise ScreeningError(
            "该企业不是本次交易的响应企业",
            "The company is not a respondent of this trading",
            field="uscc",
        )
    published = db.session.get(Notice, t.notice_id)
    earliest = (
        clock.local(published.published_at).date() if published.published_at else clock.today()
    )
    checked_on = checked_as(
        ScreeningError, rules.check_date, given.checked_on, today=clock.today(), earliest=earliest
    )
    source = _choice(rules.Source, given.source, "source", "核查渠道", "where it was checked")
    result = _choice(rules.CheckResult, given.result, "result", "核查结果", "the result")
    note = (given.note or "").strip()
    if "\x00" in note or len(note) > rules.MAX_NOTE:
        raise ScreeningError(
            f"备注不能超过{rules.MAX_NOTE}个字符，且不能含有控制字符",
            f"The note may have at most {rules.MAX_NOTE} characters and no control characters",
            field="note",
        )
    if not given.evidence:
        raise ScreeningError(
            "请上传核查结果的截图或PDF", "Upload a screenshot or PDF of the check", field="evidence"
        )
    try:
        check_upload(given.evidence, current_app.config["MAX_ATTACHMENT_BYTES"])
    except UploadRejected as e:
        raise ScreeningError(e.message, e.message_en, field="evidence") from None
    saved = store_upload(given.evidence, current_app.config["MAX_ATTACHMENT_BYTES"])
    check = row.check
    before = None
    if check is None:
        check = CreditCheck(trading_id=t.id, contractor_id=row.contractor_id)
        db.session.add(check)
    else:
        before = {
            "checked_on": check.checked_on,
            "source": check.source,
            "result": check.result,
            "evidence_sha256": check.evidence_sha256,
        }
        delete_when_committed([check.evidence_key])
    check.checked_on, check.source, check.result, check.note = checked_on, source, result, note
    check.evidence_key, check.evidence_type = saved.key, saved.content_type
    check.evidence_name, check.evidence_size = _file_name(given.evidence_name), saved.size
    check.evidence_sha256 = saved.sha256
    check.recorded_at, check.recorded_by_id = now(), actor.id
    db.session.flush()
    audit.record(
        Action.CREDIT_CHECK_RECORDED,
        SUBJECT_TYPE,
        t.code,
        actor=actor,
        office_id=p.office_id,
        before=before,
        after={
            "uscc": row.uscc,
            "checked_on": checked_on,
            "source": source,
            "result": result,
            "evidence_sha256": saved.sha256,
            "note": note,
        },
    )
    return check
