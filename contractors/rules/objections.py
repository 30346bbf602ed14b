"""Objections in the pool's publicity periods: at which stage (the review result, or the roster
drawn per category), when a roster objection is received, its 3-日 answer, and the roster notice
held back while one waits for its answer."""

from __future__ import annotations

import enum
from datetime import date, datetime

from app.workdays import WorkCalendar

from ._common import RuleError, last_day


class ObjectionStage(enum.StrEnum):
    """`Objection.stage`: what a pool objection is about."""

    REVIEW = "review"  # a review decision, during the review-result publicity
    ROSTER = "roster"  # a category's drawn roster, during the roster publicity


#: A roster objection is answered within 3 日 of its receipt (as an objection under
#: 《招标投标法实施条例》 art. 54: 自收到异议之日起3日内作出答复), ending on a working day.
ROSTER_ANSWER_DAYS = 3
ROSTER_OBJECTION_BASIS = "《招标投标法实施条例》第五十四条（参照）"


def roster_answer_by(calendar: WorkCalendar, filed_on: date) -> datetime:
    """The answer's deadline (exclusive) of a roster objection received on `filed_on`."""
    return calendar.calendar_days_end(filed_on, ROSTER_ANSWER_DAYS)


def require_roster_objection_window(
    published_at: datetime | None, ends_at: datetime | None, now: datetime
) -> None:
    """A roster objection is received while the roster publicity runs."""
    if published_at is None or ends_at is None or now < published_at:
        raise RuleError(
            "入围企业名录尚未公示，不能提出异议", "The roster publicity is not published yet"
        )
    if now >= ends_at:
        raise RuleError(
            f"入围企业名录公示期已于{last_day(ends_at).isoformat()}结束，不再受理异议",
            f"The roster publicity ended on {last_day(ends_at).isoformat()}; objections are no "
            "longer accepted",
        )


def require_no_open_roster_objection(unanswered: int) -> None:
    """The roster (入围企业名单) is not published while a roster objection waits for its answer."""
    if unanswered:
        raise RuleError(
            f"入围企业名录公示期间的异议尚有{unanswered}件未答复，答复前不能发布入围企业名单",
            f"{unanswered} objection(s) to the roster await an answer; the roster cannot be "
            "published before",
        )
