"""Pure rules of complaints (投诉) to the supervising department: the filing window, the states,
the statutory deadlines and the guards (《招标投标法实施条例》 arts. 60–62; 《工程建设项目招标投标
活动投诉处理办法》 arts. 3, 7, 9, 11, 12).

Everything here takes plain values, an explicit `now`/`today` and a `WorkCalendar` (pure): no
Flask, no SQLAlchemy. The services call the guards; the pages and the API ask the state.
"""

from __future__ import annotations

import enum
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from app.refusal import Refusal
from app.workdays import WorkCalendar
from app.workdays import calendar_days_end as plain_calendar_days_end

__all__ = [
    "ACCEPT_WORKING_DAYS",
    "BASIS_ACCEPT",
    "BASIS_DECIDE",
    "BASIS_WINDOW",
    "DECIDE_WORKING_DAYS",
    "MATTERS",
    "MATTERS_NEEDING_OBJECTION",
    "OUTCOMES",
    "PAUSE_KINDS",
    "REFUSAL_GROUNDS",
    "STATUS_LABELS",
    "WINDOW_DAYS",
    "ComplaintFacts",
    "ComplaintRuleError",
    "ComplaintStatus",
    "Ground",
    "Matter",
    "Outcome",
    "PauseKind",
    "Step",
    "Wait",
    "accept_by",
    "allowed",
    "decide_by",
    "filing_window_ends_at",
    "is_paused",
    "paused_working_days",
    "plain_window_ends_at",
    "require",
    "require_decision",
    "require_evidence",
    "require_filing_content",
    "require_knew_on",
    "require_new_facts",
    "require_objected",
    "require_within_window",
    "status_of",
    "waiting_days",
]


_TZ = ZoneInfo("Asia/Shanghai")


def N_(message: str) -> str:
    """Mark a string for translation without translating it here (rules stay free of Flask)."""
    return message


class ComplaintRuleError(Refusal, ValueError):
    """A complaint input or step breaks a rule (Chinese `message`, English `message_en`)."""


# ---- periods and their articles -----------------------------------------------------------------

#: 《招标投标法实施条例》第六十条：自知道或者应当知道之日起10日内投诉 (日, calendar days).
WINDOW_DAYS = 10
#: 第六十一条：收到投诉之日起3个工作日内决定是否受理 (工作日).
ACCEPT_WORKING_DAYS = 3
#: 第六十一条：自受理投诉之日起30个工作日内作出书面处理决定；检验、检测、鉴定、专家评审所需时间不计算在内.
DECIDE_WORKING_DAYS = 30

BASIS_WINDOW = "《招标投标法实施条例》第六十条"
BASIS_ACCEPT = "《招标投标法实施条例》第六十一条；《工程建设项目招标投标活动投诉处理办法》第十一条"
BASIS_DECIDE = "《招标投标法实施条例》第六十一条第二款"


class Matter(enum.StrEnum):
    """What the complaint is about. The first three need an objection first (art. 60 para. 2)."""

    NOTICE = "notice"  # the trading notice and documents (art. 22)
    MEETING = "meeting"  # the opening / award meeting (art. 44)
    RESULT = "result"  # the result (art. 54)
    OTHER = "other"  # any other breach of the rules in the trading


#: Matter → (label, English, article).
MATTERS: dict[Matter, tuple[str, str, str]] = {
    Matter.NOTICE: (
        N_("交易公告和交易文件"),
        "The trading notice and documents",
        "《招标投标法实施条例》第二十二条",
    ),
    Matter.MEETING: (
        N_("定标会议（开标）"),
        "The award meeting (opening)",
        "《招标投标法实施条例》第四十四条",
    ),
    Matter.RESULT: (N_("交易结果"), "The trading result", "《招标投标法实施条例》第五十四条"),
    Matter.OTHER: (N_("其他违反规定的行为"), "Another breach of the rules", BASIS_WINDOW),
}
MATTERS_NEEDING_OBJECTION = frozenset({Matter.NOTICE, Matter.MEETING, Matter.RESULT})


class Ground(enum.StrEnum):
    """Grounds to refuse a complaint (不予受理), each with its article (办法 art. 12)."""

    NOT_INTERESTED = "not_interested_party"
    NO_CLEAR_REQUEST = "no_clear_request"
    LATE = "late"
    ALREADY_DECIDED = "already_decided"
    IN_REVIEW_OR_LITIGATION = "in_review_or_litigation"


#: Ground → (label, English, article).
REFUSAL_GROUNDS: dict[Ground, tuple[str, str, str]] = {
    Ground.NOT_INTERESTED: (
        N_("投诉人不是所投诉交易活动的参与者，或者与投诉项目无利害关系"),
        "The complainant took no part in the trading and has no interest in it",
        "《招标投标法实施条例》第六十条；《工程建设项目招标投标活动投诉处理办法》第十二条第（一）项",
    ),
    Ground.NO_CLEAR_REQUEST: (
        N_("投诉事项不具体，没有明确的请求，且未提供有效线索"),
        "The complaint is not specific, has no clear request and gives no usable lead",
        "《招标投标法实施条例》第六十条；《工程建设项目招标投标活动投诉处理办法》第十二条第（二）项",
    ),
    Ground.LATE: (
        N_("超过投诉时效"),
        "The complaint was filed after its time limit",
        "《招标投标法实施条例》第六十条；《工程建设项目招标投标活动投诉处理办法》第十二条第（五）项",
    ),
    Ground.ALREADY_DECIDED: (
        N_("已经作出处理决定，且投诉人没有提出新的证据"),
        "A decision has been made and the complainant brings no new evidence",
        "《工程建设项目招标投标活动投诉处理办法》第十二条第（六）项",
    ),
    Ground.IN_REVIEW_OR_LITIGATION: (
        N_("投诉事项已进入行政复议或者行政诉讼程序"),
        "The matter is in administrative review or litigation",
        "《工程建设项目招标投标活动投诉处理办法》第十二条第（七）项",
    ),
}


class Outcome(enum.StrEnum):
    UPHELD = "upheld"  # 投诉成立
    DISMISSED = "dismissed"  # 投诉不成立，驳回


OUTCOMES: dict[Outcome, tuple[str, str]] = {
    Outcome.UPHELD: (N_("投诉成立"), "Upheld"),
    Outcome.DISMISSED: (N_("投诉不成立，予以驳回"), "Dismissed"),
}


class PauseKind(enum.StrEnum):
    """Why the decision clock stops (art. 61 para. 2: the time they take does not count)."""

    EXPERT_REVIEW = "expert_review"  # 专家评审
    TESTING = "testing"  # 检验检测


PAUSE_KINDS: dict[PauseKind, tuple[str, str]] = {
    PauseKind.EXPERT_REVIEW: (N_("专家评审"), "Expert review"),
    PauseKind.TESTING: (N_("检验检测"), "Testing"),
}


# ---- the window (art. 60) ------------------------------------------------------------------------


@dataclass(frozen=True)
class Wait:
    """An objection of the complainant's: filed on a day, answered on a day (None: unanswered)."""

    filed_on: date
    answered_on: date | None


def waiting_days(waits: Iterable[Wait], knew_on: date, today: date) -> int:
    """The calendar days after `knew_on` spent waiting for an objection's answer (art. 60 para. 2:
    异议答复期间不计算在前款规定的期限内). An unanswered objection is still being waited for: it
    counts up to `today`. Overlapping waits count once.

    A wait occupies the days from the day it was filed up to (not including) the day it was
    answered — the complainant could act again from the answer's day.
    """
    days: set[date] = set()
    for w in waits:
        day = max(w.filed_on, knew_on + timedelta(days=1))
        end = w.answered_on if w.answered_on is not None else today + timedelta(days=1)
        while day < end:
            days.add(day)
            day += timedelta(days=1)
    return len(days)


def filing_window_ends_at(
    calendar: WorkCalendar, knew_on: date, waits: Iterable[Wait], today: date
) -> datetime:
    """When the complaint window ends (exclusive, 00:00 +08:00): 10 日 after `knew_on`
    (民法典 art. 201: that day does not count; art. 203: a last day on a rest day moves to the
    next working day), lengthened by the days spent waiting for an objection's answer."""
    return calendar.calendar_days_end(knew_on, WINDOW_DAYS + waiting_days(waits, knew_on, today))


def plain_window_ends_at(knew_on: date, waits: Iterable[Wait], today: date) -> datetime:
    """The window counted in plain calendar days, without art. 203's move off a rest day: never
    later than `filing_window_ends_at`; used while the last day's year is unconfirmed."""
    return plain_calendar_days_end(knew_on, WINDOW_DAYS + waiting_days(waits, knew_on, today))


def require_knew_on(knew_on: date | None, published_on: date, today: date) -> date:
    """The day the complainant knew: stated, not before the trading notice, not in the future."""
    if not isinstance(knew_on, date):
        raise ComplaintRuleError(
            "请填写知道或者应当知道投诉事项的日期",
            "Enter the day you knew (or should have known) of the matter",
            field="knew_on",
        )
    if knew_on < published_on:
        raise ComplaintRuleError(
            f"知道投诉事项的日期不能早于交易公告发布之日（{published_on:%Y-%m-%d}）",
            f"The day you knew cannot be before the trading notice ({published_on:%Y-%m-%d})",
            field="knew_on",
        )
    if knew_on > today:
        raise ComplaintRuleError(
            "知道投诉事项的日期不能晚于今天",
            "The day you knew cannot be in the future",
            field="knew_on",
        )
    return knew_on


def require_within_window(ends_at: datetime, now: datetime) -> None:
    if now >= ends_at:
        raise ComplaintRuleError(
            f"已超过投诉期限（自知道或者应当知道之日起10日，至{_local(ends_at)}止），"
            "不能再提出投诉（《招标投标法实施条例》第六十条）",
            f"The complaint period (10 days from the day you knew, until {_local(ends_at)}) "
            "is over (art. 60)",
            field="knew_on",
        )


def require_objected(matter: Matter, objected_matters: Iterable[str]) -> None:
    """Matters under arts. 22, 44 and 54 are complained about only after an objection on them."""
    if matter in MATTERS_NEEDING_OBJECTION and matter not in set(objected_matters):
        label, label_en, article = MATTERS[matter]
        raise ComplaintRuleError(
            f"就“{label}”投诉的，应当先提出异议（{article}、第六十条第二款）；"
            "本企业未就该事项提出异议",
            f"A complaint about “{label_en}” needs an objection first ({article} and art. 60 "
            "para. 2); you have not objected on it",
            field="matter",
        )


def require_new_facts(earlier: Sequence[tuple[str, bool]], matter: str) -> None:
    """`earlier`: the complainant's complaints on this trading as (matter, withdrawn). One open,
    decided or withdrawn complaint on the same matter stops a new one (a withdrawn complaint's
    facts cannot be filed again; a second of the same is a double post). A refused one does not."""
    for m, withdrawn in earlier:
        if m != matter:
            continue
        if withdrawn:
            raise ComplaintRuleError(
                "投诉人撤回投诉后，不得以同一事实和理由再次投诉",
                "After withdrawing a complaint you cannot file the same facts again",
                field="matter",
            )
        raise ComplaintRuleError(
            "已就该交易的同一事项提出投诉，不能重复投诉",
            "You have already complained about this matter of the trading",
            field="matter",
        )


def require_filing_content(
    *,
    complainant_name: str,
    complainant_contact: str,
    respondent_name: str,
    respondent_contact: str,
    facts: str,
    requests: str,
) -> None:
    """办法 art. 7: the complainant and the respondent with their contacts, the facts and the
    requests — every one required."""
    for value, field, zh, en in (
        (complainant_name, "complainant_name", "投诉人名称", "the complainant's name"),
        (complainant_contact, "complainant_contact", "投诉人联系方式", "the complainant's contact"),
        (respondent_name, "respondent_name", "被投诉人名称", "the respondent's name"),
        (respondent_contact, "respondent_contact", "被投诉人联系方式", "the respondent's contact"),
        (facts, "facts", "投诉事项的基本事实", "the facts"),
        (requests, "requests", "相关请求及主张", "your requests"),
    ):
        if not (value or "").strip():
            raise ComplaintRuleError(
                f"请填写{zh}（《工程建设项目招标投标活动投诉处理办法》第七条）",
                f"Enter {en} (art. 7 of the complaint rules)",
                field=field,
            )


def require_evidence(count: int) -> None:
    if count < 1:
        raise ComplaintRuleError(
            "请上传至少一份证明材料（PDF、JPEG或PNG）",
            "Upload at least one evidence file (PDF, JPEG or PNG)",
            field="evidence",
        )


# ---- states --------------------------------------------------------------------------------------


class ComplaintStatus(enum.StrEnum):
    """Every state a complaint can be in (the API's `status`)."""

    RECEIVED = "received"  # 已收到，待决定是否受理
    ACCEPTED = "accepted"  # 已受理，处理中
    REFUSED = "refused"  # 不予受理
    DECIDED = "decided"  # 已作出处理决定
    WITHDRAWN = "withdrawn"  # 投诉人撤回


STATUS_LABELS: dict[ComplaintStatus, tuple[str, str]] = {
    ComplaintStatus.RECEIVED: (N_("已收到，待受理"), "Received"),
    ComplaintStatus.ACCEPTED: (N_("已受理，处理中"), "Accepted"),
    ComplaintStatus.REFUSED: (N_("不予受理"), "Refused"),
    ComplaintStatus.DECIDED: (N_("已作出处理决定"), "Decided"),
    ComplaintStatus.WITHDRAWN: (N_("已撤回"), "Withdrawn"),
}


@dataclass(frozen=True)
class ComplaintFacts:
    """What happened to a complaint, as plain values."""

    accepted: bool = False
    refused: bool = False
    decided: bool = False
    withdrawn: bool = False
    #: A pause (expert review, testing) has started and not ended.
    paused: bool = False
    #: Staff recorded that a violation is established (a withdrawal is refused after it).
    violation_found: bool = False
    outcome: str | None = None


def status_of(f: ComplaintFacts) -> ComplaintStatus:
    if f.withdrawn:
        return ComplaintStatus.WITHDRAWN
    if f.decided:
        return ComplaintStatus.DECIDED
    if f.refused:
        return ComplaintStatus.REFUSED
    if f.accepted:
        return ComplaintStatus.ACCEPTED
    return ComplaintStatus.RECEIVED


def is_paused(f: ComplaintFacts) -> bool:
    return status_of(f) == ComplaintStatus.ACCEPTED and f.paused


class Step(enum.StrEnum):
    """What staff may do to a complaint."""

    ACCEPT = "accept"
    REFUSE = "refuse"
    PAUSE = "pause"
    RESUME = "resume"
    FIND = "find"  # record that a violation is established
    DECIDE = "decide"
    WITHDRAW = "withdraw"
    SUSPEND = "suspend"  # suspend the trading (art. 62)


_REFUSED: dict[Step, tuple[str, str]] = {
    Step.ACCEPT: ("该投诉已经处理，不能再受理", "The complaint was already dealt with"),
    Step.REFUSE: ("该投诉已经处理，不能再不予受理", "The complaint was already dealt with"),
    Step.PAUSE: ("只有处理中且未暂停计时的投诉可以暂停计时", "Only a running complaint can pause"),
    Step.RESUME: ("该投诉没有进行中的暂停", "The complaint has no running pause"),
    Step.FIND: ("只有处理中的投诉可以记录违法事实认定", "Only an accepted complaint has findings"),
    Step.DECIDE: (
        "只有已受理且未暂停计时的投诉可以作出处理决定；已作出的决定不能再作",
        "Only an accepted complaint whose clock runs can be decided; a decision is made once",
    ),
    Step.WITHDRAW: (
        "该投诉已经处理完毕，不能撤回",
        "The complaint is closed and cannot be withdrawn",
    ),
    Step.SUSPEND: ("只有已受理的投诉可以暂停交易", "Only an accepted complaint can suspend"),
}


def allowed(f: ComplaintFacts) -> frozenset[Step]:
    """The steps the complaint's state allows (the pages show only these forms)."""
    s = status_of(f)
    if s == ComplaintStatus.RECEIVED:
        return frozenset({Step.ACCEPT, Step.REFUSE, Step.WITHDRAW})
    if s == ComplaintStatus.ACCEPTED:
        steps = {Step.SUSPEND}
        steps |= {Step.RESUME} if f.paused else {Step.PAUSE, Step.DECIDE}
        if not f.violation_found:
            # Found once: its moment is when withdrawal ended (art. 19), never moved by a resend.
            steps |= {Step.FIND, Step.WITHDRAW}
        return frozenset(steps)
    return frozenset()


def require(f: ComplaintFacts, step: Step) -> None:
    """Refuse `step` unless the state allows it, saying why."""
    if step in allowed(f):
        return
    if step == Step.WITHDRAW and (f.violation_found or f.outcome == Outcome.UPHELD):
        raise ComplaintRuleError(
            "违法行为已经查实，投诉人不能撤回投诉（《工程建设项目招标投标活动投诉处理办法》第十九条）",
            "A violation is already established: the complaint cannot be withdrawn",
        )
    if step == Step.FIND and f.violation_found and status_of(f) == ComplaintStatus.ACCEPTED:
        raise ComplaintRuleError(
            "违法事实认定已经记录，不能重复记录", "The finding is already recorded"
        )
    zh, en = _REFUSED[step]
    raise ComplaintRuleError(zh, en)


def require_decision(outcome: str, facts: str, basis: str, text: str) -> Outcome:
    """A decision states its outcome, the facts found, the legal basis and the decision."""
    try:
        result = Outcome(outcome)
    except ValueError:
        raise ComplaintRuleError("请选择处理结果", "Choose the outcome", field="outcome") from None
    for value, field, zh, en in (
        (facts, "facts", "认定的事实", "the facts found"),
        (basis, "basis", "处理依据（法律条款）", "the legal basis"),
        (text, "text", "处理决定", "the decision"),
    ):
        if not (value or "").strip():
            raise ComplaintRuleError(f"请填写{zh}", f"Enter {en}", field=field)
    return result


# ---- deadlines (art. 61) -------------------------------------------------------------------------


def accept_by(calendar: WorkCalendar, received_on: date) -> datetime:
    """00:00 +08:00 after the 3rd working day following the day of receipt."""
    return calendar.publicity_ends_at(received_on, ACCEPT_WORKING_DAYS)


def paused_working_days(
    calendar: WorkCalendar, pauses: Iterable[tuple[date, date | None]], today: date
) -> int:
    """The working days the decision clock stood still: a pause from `start` to `end` (local
    days) stops the days `start` ≤ d < `end` (the day it ended counts again). A running pause
    counts through `today`."""
    total = 0
    for start, end in pauses:
        stop = end if end is not None else today + timedelta(days=1)
        total += calendar.working_days_between(start - timedelta(days=1), stop - timedelta(days=1))
    return total


def decide_by(
    calendar: WorkCalendar,
    accepted_on: date,
    pauses: Iterable[tuple[date, date | None]] = (),
    today: date | None = None,
) -> datetime:
    """00:00 +08:00 after the 30th working day following acceptance, later by the working days
    of the recorded pauses (expert review, testing: art. 61 para. 2)."""
    paused = paused_working_days(calendar, pauses, today or accepted_on)
    return calendar.publicity_ends_at(accepted_on, DECIDE_WORKING_DAYS + paused)


def _local(moment: datetime) -> str:
    # Deadlines are instants at 00:00 +08:00: the last day is the day before.
    local = moment.astimezone(_TZ)
    return f"{(local - timedelta(days=1)):%Y-%m-%d}"
