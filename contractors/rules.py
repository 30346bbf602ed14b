"""Pure rules of the pool: call states and their guards, review decisions, the timeline with the
earliest date of each step, and THE rule of who is an active member on a date.

No Flask, no SQLAlchemy (tests/unit/test_architecture.py): every rule takes plain values and an
explicit `now`/`today`, and a WorkCalendar where working days are counted.
"""

from __future__ import annotations

import enum
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from app.auth.roles import OFFICE_ROLES, Role
from app.refusal import Refusal
from app.workdays import UnconfirmedYear, WorkCalendar, local_date

#: 征集公告公示不少于10个工作日; 资格审查结果公示不少于3个工作日; 入围企业名录公示不少于5个工作日
#: (DESIGN.md A.1, A.4, A.6). notices.rules enforces them on the notices too.
CALL_DAYS, REVIEW_DAYS, ROSTER_PUBLICITY_DAYS = 10, 3, 5

DOCUMENT_KINDS: dict[str, tuple[str, str]] = {
    "business_licence": ("营业执照", "Business licence"),
    "qualification": ("资质证书", "Qualification certificate"),
    "safety_licence": ("安全生产许可证", "Safety production licence"),
    "other": ("其他材料", "Other document"),
}

# ---- a company's public presence --------------------------------------------------------------


class Listing(enum.StrEnum):
    """Whether a registered company is shown to the public (its page, the pool's lists, the API),
    derived from its facts, never stored."""

    UNCHECKED = "unchecked"  # 新注册，待区公管办核验：不公开
    CHECKED = "checked"  # 区公管办已核验：公开
    APPLICANT = "applicant"  # 已向征集提交申请：公开（申请人依法在资格审查结果中公示）


LISTING_LABELS = {
    Listing.UNCHECKED: ("待核验（不公开）", "Awaiting check (not public)"),
    Listing.CHECKED: ("已核验", "Checked"),
    Listing.APPLICANT: ("已申请入库（公开）", "Applied to a call (public)"),
}


@dataclass(frozen=True)
class ListingFacts:
    """What a company's public presence depends on."""

    #: When trading-office staff checked the registration (None: not yet).
    checked_at: datetime | None = None
    #: Its applications to calls that are not withdrawn.
    live_applications: int = 0


def listing(f: ListingFacts) -> Listing:
    if f.checked_at is not None:
        return Listing.CHECKED
    if f.live_applications > 0:
        return Listing.APPLICANT
    return Listing.UNCHECKED


def is_publicly_listed(f: ListingFacts) -> bool:
    """THE rule of a company's public presence. Anyone can sign up, so a sign-up alone publishes
    nothing: a company appears once staff checked it (核验) or once it applied to a call — an
    applicant is public by law anyway (资格审查结果公示 names every applicant). Every public query
    (the company's page, the pool's lists, the API) follows this through contractors.queries."""
    return listing(f) is not Listing.UNCHECKED


def require_unchecked(f: ListingFacts) -> None:
    """Staff check a registration once; a second press is refused, not recorded again."""
    if f.checked_at is not None:
        raise RuleError(
            f"该企业已于{local_date(f.checked_at).isoformat()}核验通过，无需重复核验",
            f"This company was already checked on {local_date(f.checked_at).isoformat()}",
        )


@dataclass(frozen=True)
class DocumentReader:
    """Who asks for a company's uploaded document, and how they stand to it."""

    role: str | None
    #: The asking account owns the document's company.
    owns_company: bool = False
    #: The document was submitted with a live (not withdrawn) application to a call: the review
    #: panel's reviewers read it there.
    submitted_to_a_call: bool = False


def may_read_document(reader: DocumentReader) -> bool:
    """A company's documents (营业执照, licences) are read by the company itself, the trading
    office, and the review panel (资格审查小组) of a call it applied to with them — nobody else.
    Anyone else is told the document does not exist (no existence oracle)."""
    if reader.role in OFFICE_ROLES:
        return True
    if reader.role == Role.CONTRACTOR:
        return reader.owns_company
    if reader.role == Role.REVIEWER:
        return reader.submitted_to_a_call
    return False


PASS, FAIL = "pass", "fail"
DECISION_LABELS = {PASS: "合格", FAIL: "不合格"}


class RuleError(Refusal, ValueError):
    """An input breaks a rule. `message` is Chinese, `message_en` English; `field` names the input."""

    def __init__(
        self,
        message: str,
        message_en: str,
        *,
        field: str | None = None,
        earliest: date | None = None,
    ):
        super().__init__(message, message_en, field=field)
        #: For a step refused as too early: the first local date it is allowed.
        self.earliest = earliest


# ---- time -------------------------------------------------------------------------------------


def last_day(ends_at: datetime) -> date:
    """The last local day of a publicity whose exclusive end is `ends_at` (00:00 +08:00 after)."""
    return local_date(ends_at) - timedelta(days=1)


def first_day_after(ends_at: datetime) -> date:
    """The first local day after a publicity: the earliest date the next step is allowed."""
    return local_date(ends_at)


def require_ended(
    ends_at: datetime | None, now: datetime, what: tuple[str, str], then: tuple[str, str]
) -> None:
    """Refuse a step while the publicity it waits for runs: "资格审查结果公示期至…结束，之后才能摇号"."""
    if ends_at is None:
        raise RuleError(
            f"{what[0]}尚未发布，不能{then[0]}",
            f"The {what[1]} is not published yet; cannot {then[1]}",
        )
    if now < ends_at:
        end, start = last_day(ends_at), first_day_after(ends_at)
        raise RuleError(
            f"{what[0]}期至{end.isoformat()}结束，之后才能{then[0]}（最早{start.isoformat()}）",
            f"The {what[1]} runs until {end.isoformat()}; you can {then[1]} from {start.isoformat()}",
            earliest=start,
        )


# ---- the call ---------------------------------------------------------------------------------


class CallState(enum.StrEnum):
    """Where a call stands, derived from its notices, its meeting and the clock (never stored)."""

    DRAFT = "draft"  # 起草、会商中
    OPEN = "open"  # 征集公告公示中，接受申请
    REVIEW = "review"  # 申请截止，资格审查中
    REVIEW_PUBLICITY = "review_publicity"  # 资格审查结果公示中，可提出异议
    MEETING = "meeting"  # 公示结束，待摇号会议
    DRAWN = "drawn"  # 各类别已确定，待入围企业名录公示
    ROSTER_PUBLICITY = "roster_publicity"  # 入围企业名录公示中
    ACTIVE = "active"  # 入围企业名单已发布，名录库有效
    EXPIRED = "expired"  # 名录库有效期已过


STATE_LABELS = {
    CallState.DRAFT: ("起草中", "Draft"),
    CallState.OPEN: ("征集中", "Open for applications"),
    CallState.REVIEW: ("资格审查中", "Under review"),
    CallState.REVIEW_PUBLICITY: ("资格审查结果公示中", "Review result in publicity"),
    CallState.MEETING: ("待摇号", "Waiting for the lottery meeting"),
    CallState.DRAWN: ("已摇号", "Drawn"),
    CallState.ROSTER_PUBLICITY: ("入围名录公示中", "Roster in publicity"),
    CallState.ACTIVE: ("名录库有效", "Pool active"),
    CallState.EXPIRED: ("已过有效期", "Expired"),
}


@dataclass(frozen=True)
class CallFacts:
    """What a call's state depends on: the moments of its notices and steps."""

    created_at: datetime
    valid_from: date
    valid_until: date
    publicity_days: int = CALL_DAYS
    consulted: bool = False
    call_published_at: datetime | None = None
    #: Exclusive end of the call's publicity: the application window closes then.
    call_ends_at: datetime | None = None
    #: Decisions recorded / decisions needed (one per category of each live application).
    decided: int = 0
    to_decide: int = 0
    review_published_at: datetime | None = None
    review_ends_at: datetime | None = None
    open_objections: int = 0
    meeting_at: datetime | None = None
    categories: int = 0
    settled: int = 0
    roster_publicity_at: datetime | None = None
    roster_publicity_ends_at: datetime | None = None
    roster_at: datetime | None = None


def call_state(f: CallFacts, now: datetime) -> CallState:
    if f.call_published_at is None:
        return CallState.DRAFT
    if f.call_ends_at is None or now < f.call_ends_at:
        return CallState.OPEN
    if f.review_published_at is None:
        return CallState.REVIEW
    if f.review_ends_at is None or now < f.review_ends_at:
        return CallState.REVIEW_PUBLICITY
    if f.settled < f.categories:
        return CallState.MEETING
    if f.roster_publicity_at is None:
        return CallState.DRAWN
    if f.roster_at is None:
        return CallState.ROSTER_PUBLICITY
    if local_date(now) > f.valid_until:
        return CallState.EXPIRED
    return CallState.ACTIVE


def applications_open(f: CallFacts, now: datetime) -> bool:
    """Applications are accepted exactly while the call's publicity runs: from its publication to
    the exclusive end of its ≥ 10 working days (the source: 申请在公告期内提交). No separate window:
    one rule, shown on the notice as 公示期, that nobody can set shorter than the law."""
    return call_state(f, now) is CallState.OPEN


def require_applications_open(f: CallFacts, now: datetime) -> None:
    if f.call_published_at is None:
        raise RuleError("征集公告尚未发布，不能申请", "The pool call is not published yet")
    if not applications_open(f, now):
        end = last_day(f.call_ends_at) if f.call_ends_at else None
        raise RuleError(
            f"申请期已于{end}结束，不再接受申请、修改或撤回",
            f"The application window closed on {end}; no application, change or withdrawal is accepted",
        )


def check_call_dates(valid_from: date, valid_until: date, today: date) -> None:
    if valid_until < valid_from:
        raise RuleError(
            "名录库有效期的结束日期不能早于开始日期",
            "The pool's validity cannot end before it starts",
            field="valid_until",
        )
    if valid_until < today:
        raise RuleError(
            "名录库有效期已经结束", "The pool's validity is already over", field="valid_until"
        )


def check_quotas(quotas: Sequence[tuple[str, int]], known: Iterable[str]) -> None:
    """At least one category, each known, offered once, with a quota of at least 1."""
    known = set(known)
    if not quotas:
        raise RuleError("请至少选择一个类别", "Choose at least one category", field="categories")
    seen: set[str] = set()
    for code, quota in quotas:
        if code not in known:
            raise RuleError(f"未知的类别：{code}", f"Unknown category: {code}", field="categories")
        if code in seen:
            raise RuleError(
                f"类别重复：{code}", f"Category given twice: {code}", field="categories"
            )
        seen.add(code)
        if not isinstance(quota, int) or isinstance(quota, bool) or quota < 1:
            raise RuleError(
                f"类别{code}的入围数量必须是正整数",
                f"The quota of {code} must be a positive integer",
                field="categories",
            )


@dataclass(frozen=True)
class Opinion:
    department: str
    revision: int
    agrees: bool
    recorded_at: datetime


def consultation_problem(opinions: Sequence[Opinion], revision: int) -> tuple[str, str] | None:
    """Why the call cannot be published yet (会商), or None when it can.

    征集文件须经与相关部门会商 (source; DESIGN.md A.1): at least one department gave an opinion on
    the current revision of the draft, and each department's latest opinion on it agrees.
    """
    current = [o for o in opinions if o.revision == revision]
    if not current:
        return (
            "征集文件尚未经部门会商：须有部门审查人员对当前文本提出意见后才能发布",
            "The call has not been consulted: a department reviewer must give an opinion on the "
            "current text before it can be published",
        )
    latest: dict[str, Opinion] = {}
    for o in sorted(current, key=lambda o: o.recorded_at):
        latest[o.department] = o
    against = sorted(d for d, o in latest.items() if not o.agrees)
    if against:
        return (
            f"以下部门对征集文件有不同意见，修改后须重新会商：{'、'.join(against)}",
            f"These departments disagree with the call; revise it and consult again: {', '.join(against)}",
        )
    return None


# ---- review -----------------------------------------------------------------------------------


def check_decision(
    decision: str, reason_code: str | None, reason_text: str, reasons: Mapping[str, bool]
) -> tuple[str | None, str]:
    """A review decision: pass, or fail with a reason from the list (+ free text, required for
    a reason that needs it). `reasons` maps each listed code to whether it needs text. Returns
    the (reason_code, reason_text) to store."""
    text = (reason_text or "").strip()
    if decision == PASS:
        return None, text
    if decision != FAIL:
        raise RuleError(
            "审查结论只能是“合格”或“不合格”", "The decision must be pass or fail", field="decision"
        )
    if not reason_code:
        raise RuleError(
            "不合格必须从理由列表中选择理由",
            "A fail needs a reason from the list",
            field="reason_code",
        )
    if reason_code not in reasons:
        raise RuleError(
            f"未知的不合格理由：{reason_code}",
            f"Unknown fail reason: {reason_code}",
            field="reason_code",
        )
    if reasons[reason_code] and not text:
        raise RuleError(
            "选择“其他”理由时必须填写具体说明",
            "Explain the reason in words when choosing “other”",
            field="reason_text",
        )
    if len(text) > 500:
        raise RuleError(
            "说明不能超过500个字符", "The text may have at most 500 characters", field="reason_text"
        )
    return reason_code, text


def meeting_outcome(qualified: int, quota: int) -> str:
    """Per category (DESIGN.md A.5): more qualified than the quota → a ranking draw picks the
    quota; otherwise all qualified enter and no draw is needed."""
    return "drawn" if qualified > quota else "all_enter"


# ---- membership: THE rule ---------------------------------------------------------------------


@dataclass(frozen=True)
class Period:
    """Local dates: `start` inclusive, `end` exclusive (None: open-ended)."""

    start: date
    end: date | None = None

    def covers(self, day: date) -> bool:
        return self.start <= day and (self.end is None or day < self.end)


def member_period(roster_published_on: date, valid_from: date, valid_until: date) -> Period:
    """A selected contractor is active from the roster notice's date (not before the pool's
    validity starts) to the end of the pool's validity: `valid_until` is printed inclusive, so
    the period ends (exclusive) the day after — the `until` of `GET /api/v1/pool`, in the same
    convention as sanctions' `until` (DESIGN.md, Public API)."""
    return Period(max(roster_published_on, valid_from), valid_until + timedelta(days=1))


def is_active_member(
    membership: Period | None, on: date, suspensions: Iterable[Period] = ()
) -> bool:
    """Whether a pool member is active on `on`: inside its membership and under no suspension.

    THE one rule every consumer (SMS, response commitments, award draws, the API) follows through
    `contractors.queries.active_members`. `suspensions` are the periods a sanction suspends or
    removes the member (end None: removed for good); a later issue feeds them, and nothing else
    changes. `membership` None: not selected (a reserve, or before the roster).
    """
    if membership is None or not membership.covers(on):
        return False
    return not any(s.covers(on) for s in suspensions)


# ---- the timeline -----------------------------------------------------------------------------


@dataclass(frozen=True)
class Step:
    key: str
    label: str
    label_en: str
    #: "done", "now" (the next step, allowed now), "waiting" (the next step, allowed from
    #: `earliest`), "blocked" (the next step, waiting for something other than time), "later".
    state: str
    done_at: datetime | None = None
    #: The earliest local date the step is allowed (projected for later steps), if known.
    earliest: date | None = None
    note: str = ""
    note_en: str = ""
    extra: dict = field(default_factory=dict)


def _ends(cal: WorkCalendar, start: date | None, days: int) -> date | None:
    if start is None:
        return None
    try:
        return local_date(cal.publicity_ends_at(start, days))
    except UnconfirmedYear:
        return None


def timeline(f: CallFacts, now: datetime, cal: WorkCalendar) -> list[Step]:
    """The call's steps in order: what happened, what is next, and the earliest date each step is
    allowed (later steps projected as if each earlier one were taken on its earliest date). A
    projection that runs into an unconfirmed year is left empty rather than guessed."""
    today = local_date(now)
    # Earliest dates, actual where the predecessor happened, projected otherwise.
    call_on = local_date(f.call_published_at) if f.call_published_at else today
    review_from = (
        first_day_after(f.call_ends_at) if f.call_ends_at else _ends(cal, call_on, f.publicity_days)
    )
    review_on = (
        local_date(f.review_published_at)
        if f.review_published_at
        else (max(review_from, today) if review_from else None)
    )
    draw_from = (
        first_day_after(f.review_ends_at)
        if f.review_ends_at
        else _ends(cal, review_on, REVIEW_DAYS)
    )
    if draw_from and f.meeting_at:
        draw_from = max(draw_from, local_date(f.meeting_at))
    roster_pub_from = draw_from
    roster_pub_on = (
        local_date(f.roster_publicity_at)
        if f.roster_publicity_at
        else (max(roster_pub_from, today) if roster_pub_from else None)
    )
    roster_from = (
        first_day_after(f.roster_publicity_ends_at)
        if f.roster_publicity_ends_at
        else _ends(cal, roster_pub_on, ROSTER_PUBLICITY_DAYS)
    )

    call_closed = f.call_ends_at is not None and now >= f.call_ends_at
    reviewed = f.review_published_at is not None or (
        call_closed and f.to_decide > 0 and f.decided >= f.to_decide
    )
    settled = f.review_published_at is not None and f.categories > 0 and f.settled >= f.categories
    # (key, label, label_en, done, done_at, earliest, blocker zh, blocker en)
    raw: list[tuple] = [
        ("draft", "起草征集文件", "Draft the call", True, f.created_at, None, "", ""),
        (
            "consultation",
            "部门会商",
            "Consult the departments",
            f.consulted or f.call_published_at is not None,
            None,
            today,
            "",
            "",
        ),
        (
            "call",
            "发布征集公告（公示不少于10个工作日，期间接受申请）",
            "Publish the call (≥ 10 working days; applications during it)",
            f.call_published_at is not None,
            f.call_published_at,
            today,
            "",
            "",
        ),
        (
            "review",
            f"资格审查（已审{f.decided}/{f.to_decide}）",
            f"Qualification review ({f.decided}/{f.to_decide} decided)",
            reviewed,
            None,
            review_from,
            "",
            "",
        ),
        (
            "review_result",
            "发布资格审查结果公示（不少于3个工作日，含摇号种子承诺）",
            "Publish the review result (≥ 3 working days, with the draw commitments)",
            f.review_published_at is not None,
            f.review_published_at,
            review_from,
            "" if f.meeting_at else "须先确定摇号会议的时间和地点",
            "" if f.meeting_at else "Set the lottery meeting's time and place first",
        ),
        (
            "meeting",
            "摇号会议（各类别摇号或全部入围）",
            "Lottery meeting (draw or all enter, per category)",
            settled,
            None,
            draw_from,
            f"尚有{f.open_objections}件异议未答复" if f.open_objections else "",
            f"{f.open_objections} objection(s) unanswered" if f.open_objections else "",
        ),
        (
            "roster_publicity",
            "发布入围企业名录公示（不少于5个工作日）",
            "Publish the roster publicity (≥ 5 working days)",
            f.roster_publicity_at is not None,
            f.roster_publicity_at,
            roster_pub_from,
            "",
            "",
        ),
        (
            "roster",
            "发布入围企业名单（名录库生效）",
            "Publish the roster (the pool takes effect)",
            f.roster_at is not None,
            f.roster_at,
            roster_from,
            "",
            "",
        ),
    ]
    steps: list[Step] = []
    next_found = False
    for key, label, label_en, done, done_at, earliest, blocker, blocker_en in raw:
        if done:
            state = "done"
        elif next_found:
            state = "later"
        else:
            next_found = True
            if blocker or earliest is None:
                state = "blocked"
            else:
                state = "now" if earliest <= today else "waiting"
        steps.append(
            Step(
                key,
                label,
                label_en,
                state,
                done_at,
                None if done else earliest,
                blocker,
                blocker_en,
            )
        )
    if f.roster_at is not None:
        steps.append(
            Step(
                "valid",
                f"名录库有效期{f.valid_from.isoformat()}至{f.valid_until.isoformat()}",
                f"Pool valid {f.valid_from.isoformat()} to {f.valid_until.isoformat()}",
                "done" if today > f.valid_until else "now",
            )
        )
    return steps


def next_step(steps: Sequence[Step]) -> Step | None:
    return next((s for s in steps if s.state != "done"), None)
