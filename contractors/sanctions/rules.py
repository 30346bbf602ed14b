"""Pure rules of misconduct cases (不良行为) and their sanctions (处理): the sources and outcomes,
the case's state from its facts and the clock, the guards the services call, the periods and the
6-month publicity of a published sanction.

No Flask, no SQLAlchemy: every rule takes plain values and an explicit `now`/`today`, and a
WorkCalendar where working days are counted.
"""

from __future__ import annotations

import calendar as _calendar
import enum
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from app.auth.roles import OFFICE_ROLES
from app.refusal import Refusal
from app.workdays import WorkCalendar, local_date
from notices.timeliness.rules import DEFAULT_LIMITS

__all__ = [
    "CORRECTION_ANSWER_DAYS",
    "MAX_MONTHS",
    "MAX_STATEMENT_DAYS",
    "MAX_TEXT",
    "PUBLISH_DAYS",
    "SHOWN_MONTHS",
    "STATEMENT_DEFAULT_DAYS",
    "STATEMENT_MIN_DAYS",
    "CaseFacts",
    "CaseSource",
    "CaseState",
    "Outcome",
    "RuleError",
    "SanctionKind",
    "SanctionState",
    "case_state",
    "check_change",
    "check_decision",
    "check_statement_days",
    "check_text",
    "decision_text",
    "months_after",
    "require_correction_allowed",
    "require_decidable",
    "require_statement_open",
    "restriction_covers",
    "sanction_period",
    "sanction_state",
    "shown_until",
    "statement_ends_at",
]

#: 陈述申辩: the company may state its case before a decision (《中华人民共和国行政处罚法》第四十四
#: 条、第四十五条). The law sets no length; the office gives at least 3 工作日 (the issue's rule)
#: and 5 by default, counted from the day after the case is opened (民法典 art. 201).
STATEMENT_MIN_DAYS = 3
STATEMENT_DEFAULT_DAYS = 5
MAX_STATEMENT_DAYS = 60
#: 《招标投标违法行为记录公告暂行办法》第六条: published within 20 工作日 of the decision — the
#: default of the `sanction` notice's 公开时限 (notices.timeliness.rules, which the services and
#: the deadline follow, NOTICE_PUBLISH_LIMITS included).
PUBLISH_DAYS = DEFAULT_LIMITS["sanction"].days
#: Same, 第九条: shown 6 months, or as long as a longer restriction lasts.
SHOWN_MONTHS = 6
#: Same, 第十三条: the office checks a correction request within 5 工作日 and answers.
CORRECTION_ANSWER_DAYS = 5
#: A suspension is counted in whole months; beyond 5 years the office removes instead.
MAX_MONTHS = 60
MAX_TEXT = 5000


class RuleError(Refusal, ValueError):
    """An input breaks a rule of cases or sanctions."""


class CaseSource(enum.StrEnum):
    """Where a case comes from."""

    REFUSAL = "refusal"  # refusal to sign without good cause (《招标投标法实施条例》第七十四条)
    EVALUATION = "evaluation"  # a 不合格 performance evaluation
    COMPLAINT = "complaint"  # an upheld complaint
    FALSE_COMPLAINT = "false_complaint"  # a false complaint (第七十七条)
    INCIDENT = "incident"  # a safety or quality incident
    BY_HAND = "by_hand"  # opened by staff on other misconduct


SOURCE_LABELS = {
    CaseSource.REFUSAL: ("无正当理由拒不签订合同", "Refusal to sign without good cause"),
    CaseSource.EVALUATION: ("合同履行评价不合格", "Failed performance evaluation"),
    CaseSource.COMPLAINT: ("投诉成立", "Upheld complaint"),
    CaseSource.FALSE_COMPLAINT: ("捏造事实、伪造材料投诉", "False complaint"),
    CaseSource.INCIDENT: ("安全或质量事故", "Safety or quality incident"),
    CaseSource.BY_HAND: ("其他不良行为", "Other misconduct"),
}


class Outcome(enum.StrEnum):
    """A case's decision: a sanction of one of three kinds, or none (the case is closed)."""

    WARNING = "warning"  # 警告
    SUSPENSION = "suspension"  # 暂停参与交易 N 个月
    REMOVAL = "removal"  # 清出名录库
    NONE = "none"  # 不予处理


class SanctionKind(enum.StrEnum):
    WARNING = "warning"
    SUSPENSION = "suspension"
    REMOVAL = "removal"


OUTCOME_LABELS = {
    Outcome.WARNING: ("警告", "Warning"),
    Outcome.SUSPENSION: ("暂停交易资格", "Suspension"),
    Outcome.REMOVAL: ("清出名录库", "Removal from the pool"),
    Outcome.NONE: ("不予处理，结案", "No sanction; case closed"),
}


class CaseState(enum.StrEnum):
    """A case, derived from its facts and the clock."""

    STATEMENT = "statement"  # 陈述申辩期: the company may state its case
    READY = "ready"  # the period ended or the company stated its case: staff decide
    SANCTIONED = "sanctioned"  # decided with a sanction
    CLOSED = "closed"  # decided with no sanction


CASE_STATE_LABELS = {
    CaseState.STATEMENT: ("陈述申辩期", "Statement period"),
    CaseState.READY: ("待作出处理决定", "Awaiting decision"),
    CaseState.SANCTIONED: ("已作出处理", "Sanctioned"),
    CaseState.CLOSED: ("不予处理，已结案", "Closed without sanction"),
}


@dataclass(frozen=True)
class CaseFacts:
    statement_ends_at: datetime
    stated_at: datetime | None = None
    decided_at: datetime | None = None
    outcome: str | None = None


def case_state(f: CaseFacts, now: datetime) -> CaseState:
    if f.decided_at is not None:
        return CaseState.CLOSED if f.outcome == Outcome.NONE else CaseState.SANCTIONED
    if f.stated_at is None and now < f.statement_ends_at:
        return CaseState.STATEMENT
    return CaseState.READY


def check_statement_days(days: object) -> int:
    if not isinstance(days, int) or isinstance(days, bool):
        raise RuleError("请填写陈述申辩期（工作日）", "Enter the statement period", field="days")
    if days < STATEMENT_MIN_DAYS or days > MAX_STATEMENT_DAYS:
        raise RuleError(
            f"陈述申辩期应为{STATEMENT_MIN_DAYS}至{MAX_STATEMENT_DAYS}个工作日",
            f"The statement period is {STATEMENT_MIN_DAYS} to {MAX_STATEMENT_DAYS} working days",
            field="days",
        )
    return days


def statement_ends_at(opened_on: date, days: int, cal: WorkCalendar) -> datetime:
    """00:00 +08:00 after the `days`th working day following the day the case was opened."""
    return cal.publicity_ends_at(opened_on, check_statement_days(days))


def check_text(value: object, field: str, zh: str, en: str, *, required: bool = True) -> str:
    """Strip a text input; refuse an empty required one, NUL bytes and overlong text."""
    text = (value or "").strip() if isinstance(value, str) or value is None else None
    if text is None:
        raise RuleError(f"{zh}格式不正确", f"Invalid {en}", field=field)
    if "\x00" in text:
        raise RuleError(f"{zh}含有无效字符", f"The {en} contains invalid characters", field=field)
    if required and not text:
        raise RuleError(f"请填写{zh}", f"Enter the {en}", field=field)
    if len(text) > MAX_TEXT:
        raise RuleError(
            f"{zh}不能超过{MAX_TEXT}字", f"The {en} is over {MAX_TEXT} characters", field=field
        )
    return text


def require_statement_open(f: CaseFacts, now: datetime) -> None:
    """A statement is taken until the case is decided (after the period too: better heard late)."""
    if f.decided_at is not None:
        raise RuleError(
            "案件已经作出处理决定，不能再提交陈述申辩",
            "The case is decided; no statement can be entered",
        )
    if f.stated_at is not None:
        raise RuleError("陈述申辩已经提交", "The statement is already entered")


def require_decidable(f: CaseFacts, now: datetime) -> None:
    """No second decision; none while the statement period runs unless the company stated its
    case (《行政处罚法》第四十四条、第四十五条)."""
    if f.decided_at is not None:
        raise RuleError("该案件已经作出处理决定，不能重复决定", "The case is already decided")
    if case_state(f, now) is CaseState.STATEMENT:
        last = local_date(f.statement_ends_at) - timedelta(days=1)
        raise RuleError(
            f"陈述申辩期至{last.isoformat()}结束，企业未提交陈述申辩前不能作出处理决定",
            f"The statement period runs until {last.isoformat()}; no decision before it ends "
            "unless the company has stated its case",
        )


def months_after(day: date, months: int) -> date:
    """The day a period of `months` months starting the day after `day` ends (inclusive): the
    corresponding day of the month it ends in, or that month's last day (民法典 第二百零二条)."""
    y, m = divmod(day.month - 1 + months, 12)
    year, month = day.year + y, m + 1
    return date(year, month, min(day.day, _calendar.monthrange(year, month)[1]))


def _same_day_after(start: date, months: int) -> date:
    """The first day after `months` whole months starting on `start` (inclusive): the same day
    of the month, or the 1st of the next month when that month is shorter (01-31 + 1 → 03-01)."""
    y, m = divmod(start.month - 1 + months, 12)
    year, month = start.year + y, m + 1
    if start.day <= _calendar.monthrange(year, month)[1]:
        return date(year, month, start.day)
    return date(year + month // 12, month % 12 + 1, 1)


def sanction_period(
    kind: str, starts_on: date | None, months: int | None
) -> tuple[date, date | None]:
    """[from, until) of a sanction: a suspension `months` months from `starts_on` (inclusive);
    a removal from `starts_on` for good (until None); a warning restricts nothing (until None)."""
    if not isinstance(starts_on, date):
        raise RuleError(
            "请填写处理起始日期", "Enter the date the sanction starts", field="starts_on"
        )
    if kind == SanctionKind.SUSPENSION:
        if not isinstance(months, int) or isinstance(months, bool) or not 1 <= months <= MAX_MONTHS:
            raise RuleError(
                f"暂停期限应为1至{MAX_MONTHS}个月",
                f"A suspension lasts 1 to {MAX_MONTHS} months",
                field="months",
            )
        return starts_on, _same_day_after(starts_on, months)
    return starts_on, None


def decision_text(kind: str, months: int | None = None) -> tuple[str, str]:
    """The decision as published (处理决定), in Chinese and English."""
    if kind == SanctionKind.SUSPENSION:
        return (
            f"暂停参与小型建设工程交易{months}个月",
            f"Suspended from small-works trading for {months} months",
        )
    if kind == SanctionKind.REMOVAL:
        return "清出预选承包商名录库", "Removed from the pre-selected contractor pool"
    return "警告", "Warning"


def check_decision(
    outcome: object,
    act: object,
    basis: object,
    deciding_body: object,
    starts_on: date | None,
    months: int | None,
    today: date,
) -> tuple[Outcome, str, str, str, tuple[date, date | None] | None]:
    """Validate a decision: (outcome, act, basis, body, [from, until) or None when no sanction)."""
    try:
        o = Outcome(outcome)
    except ValueError:
        raise RuleError("请选择处理结果", "Choose the outcome", field="outcome") from None
    act_ = check_text(act, "act", "违法违规行为", "act found")
    basis_ = check_text(basis, "basis", "处理依据", "legal basis")
    body = check_text(deciding_body, "deciding_body", "处理机关", "deciding body")
    if len(body) > 200:
        raise RuleError(
            "处理机关不能超过200字", "The deciding body is too long", field="deciding_body"
        )
    if o is Outcome.NONE:
        return o, act_, basis_, body, None
    period = sanction_period(o.value, starts_on, months)
    if period[0] < today - timedelta(days=30) or period[0] > today + timedelta(days=366):
        raise RuleError(
            "处理起始日期应在决定日前30日至一年内",
            "The start date must be within 30 days before and a year after the decision",
            field="starts_on",
        )
    return o, act_, basis_, body, period


def restriction_covers(kind: str, starts_on: date, until: date | None, on: date) -> bool:
    """Whether a sanction keeps its company out of the pool on `on`: a suspension in
    [from, until), a removal from `from` on; a warning never."""
    if kind not in (SanctionKind.SUSPENSION, SanctionKind.REMOVAL):
        return False
    return starts_on <= on and (until is None or on < until)


def shown_until(published_on: date, kind: str, until: date | None) -> date | None:
    """The first day a published sanction leaves the current list (exclusive): 6 months after
    publication (民法典 第二百零二条 for the month count), or the end of a longer restriction
    (《招标投标违法行为记录公告暂行办法》第九条). A removal lasts for good: shown without end (None)."""
    six = months_after(published_on, SHOWN_MONTHS) + timedelta(days=1)
    if kind == SanctionKind.REMOVAL:
        return None
    if kind == SanctionKind.SUSPENSION and until is not None:
        return max(six, until)
    return six


class SanctionState(enum.StrEnum):
    UNPUBLISHED = "unpublished"  # decided, its notice not yet out (≤ 20 工作日)
    CURRENT = "current"  # on the public list
    ARCHIVED = "archived"  # its publicity is over: archive page and the company's record


def sanction_state(published_on: date | None, shown_until_: date | None, today: date):
    if published_on is None:
        return SanctionState.UNPUBLISHED
    if shown_until_ is not None and today >= shown_until_:
        return SanctionState.ARCHIVED
    return SanctionState.CURRENT


def require_correction_allowed(
    role: str | None, owns: bool, state: SanctionState, *, pending: bool = False
) -> None:
    """Art. 13: the sanctioned company asks for a correction (staff may enter one from paper).
    Nobody else; once archived only staff may still correct it; and one request at a time (a
    form sent twice, or twenty times at once, asks once)."""
    office = role in OFFICE_ROLES
    if not office and not (role == "contractor" and owns):
        raise RuleError(
            "只有被公告企业或区公管办工作人员可以申请更正",
            "Only the sanctioned company or staff may ask for a correction",
        )
    if state is SanctionState.UNPUBLISHED:
        raise RuleError("处理尚未公告，无需更正", "The sanction is not published yet")
    if state is SanctionState.ARCHIVED and not office:
        raise RuleError(
            "该记录公告期已满并已归档，企业不能再申请更正，请联系区公管办",
            "The record is archived; the company can no longer ask for a correction",
        )
    if pending:
        raise RuleError(
            "该记录已有尚未答复的更正申请，请等待答复",
            "A correction request of this record is awaiting its answer",
        )


def check_change(reason: object, approver: object) -> tuple[str, str]:
    """Arts. 10–11: every change of a published sanction records its reason and approver."""
    r = check_text(reason, "reason", "变更理由", "reason for the change")
    a = check_text(approver, "approver", "批准人", "approver")
    if len(a) > 100:
        raise RuleError("批准人不能超过100字", "The approver is too long", field="approver")
    return r, a
