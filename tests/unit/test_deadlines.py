"""Unit tests for app.deadlines: when a deadline is open, due soon, missed, met or met late."""

from datetime import datetime, timedelta

from app.deadlines import Deadline, DeadlineStatus, Unit, status_of
from app.workdays import TZ, WorkCalendar

CAL = WorkCalendar()


def at(year, month, day, hour=0):
    return datetime(year, month, day, hour, tzinfo=TZ)


def deadline(due_at, done_at=None):
    return Deadline(
        "complaint.accept", "受理或不予受理投诉", "Accept or refuse the complaint", "TS-1", "/x",
        due_at, Unit.WORKING_DAYS, 3, "《招标投标法实施条例》第六十一条", done_at,
    )  # fmt: skip


def test_a_deadline_is_due_soon_from_two_working_days_before_its_last_day():
    # Last day Friday 27 November 2026 (the deadline is 00:00 on Saturday the 28th).
    d = deadline(at(2026, 11, 28))
    assert status_of(d, at(2026, 11, 24, 10), CAL) is DeadlineStatus.OPEN  # Tuesday
    assert status_of(d, at(2026, 11, 25, 10), CAL) is DeadlineStatus.DUE_SOON  # Wednesday
    assert status_of(d, at(2026, 11, 27, 23), CAL) is DeadlineStatus.DUE_SOON  # Friday
    assert status_of(d, at(2026, 11, 28), CAL) is DeadlineStatus.MISSED


def test_the_warning_counts_working_days_not_calendar_days_over_a_holiday():
    # Last day Friday 9 October 2026; 1–7 October are holidays: on 30 September two working
    # days (8 and 9 October) are left although ten calendar days are.
    d = deadline(at(2026, 10, 10))
    assert status_of(d, at(2026, 9, 29, 9), CAL) is DeadlineStatus.OPEN
    assert status_of(d, at(2026, 9, 30, 9), CAL) is DeadlineStatus.DUE_SOON


def test_a_step_done_before_its_deadline_is_met_and_after_it_late():
    due = at(2026, 11, 28)
    assert status_of(deadline(due, due - timedelta(seconds=1)), at(2026, 12, 9), CAL) == "met"
    assert status_of(deadline(due, due), at(2026, 12, 9), CAL) is DeadlineStatus.LATE


def test_a_deadline_that_cannot_be_counted_has_no_status_and_is_listed_last():
    from app.deadlines import marked, order
    from app.workdays import UnconfirmedYear

    unknown = Deadline(
        "complaint.decide", "作出投诉处理决定", "Decide the complaint", "投诉 6", "/x",
        None, Unit.WORKING_DAYS, 30, "《招标投标法实施条例》第六十一条第二款",
        unconfirmed_year=2027,
    )  # fmt: skip
    now = at(2026, 12, 3, 10)
    try:
        status_of(unknown, now, CAL)
    except UnconfirmedYear as e:
        assert e.year == 2027
    else:
        raise AssertionError("a deadline with no end has no status")
    assert marked(unknown, now, CAL) is None
    assert marked(deadline(at(2026, 12, 20)), now, CAL) is DeadlineStatus.OPEN
    known = deadline(at(2026, 12, 20))
    assert sorted([unknown, known], key=order) == [known, unknown]
