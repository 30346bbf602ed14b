"""A call's timeline: each step with its earliest date and whether it is allowed now."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime

from app.workdays import UnconfirmedYear, WorkCalendar, local_date

from ._common import REVIEW_DAYS, ROSTER_PUBLICITY_DAYS, first_day_after
from .call import CallFacts

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
