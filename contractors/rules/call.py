"""The call's state machine: facts → one derived state → guards, its dates, quotas and consultation."""

from __future__ import annotations

import enum
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime

from app.workdays import local_date

from ._common import CALL_DAYS, RuleError, last_day

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
