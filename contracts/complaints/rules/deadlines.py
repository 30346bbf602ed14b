"""The supervising department's deadlines (art. 61): 3 工作日 to accept, 30 工作日 to decide, later
by the working days of expert review or testing."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime, timedelta

from app.workdays import WorkCalendar

from ._common import ACCEPT_WORKING_DAYS, DECIDE_WORKING_DAYS


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
