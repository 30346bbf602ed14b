"""公开时限's pure rules (notices.timeliness.rules): the due moment on the working-day calendar,
how late a notice was, the overrides of NOTICE_PUBLISH_LIMITS and the month argument."""

from __future__ import annotations

from datetime import date, datetime, timedelta

import pytest
from hypothesis import example, given
from hypothesis import strategies as st

from app.workdays import TZ, WorkCalendar
from notices.rules import NOTICE_TYPES
from notices.timeliness import rules

CAL = WorkCalendar()  # the built-in years (chinese-calendar), 2004–2026
events = st.dates(date(2020, 1, 1), date(2026, 10, 31))
lengths = st.integers(1, 30)
units = st.sampled_from(list(rules.Unit))


def limit(days: int, unit=rules.Unit.WORKING_DAYS) -> rules.Limit:
    return rules.Limit("trading_result", days, unit, "依据", "basis")


@given(events, lengths)
def test_a_working_day_limit_ends_at_midnight_after_its_nth_working_day(event, n):
    due = rules.due_at(limit(n), event, CAL)
    last = (due - timedelta(days=1)).date()
    assert due.tzinfo is not None and due.time() == datetime.min.time()
    assert CAL.is_working_day(last)
    assert CAL.working_days_between(event, last) == n  # the event's day never counts


@given(events, st.integers(1, 29))
def test_a_longer_limit_is_never_due_sooner(event, n):
    for unit in rules.Unit:
        assert rules.due_at(limit(n, unit), event, CAL) <= rules.due_at(
            limit(n + 1, unit), event, CAL
        )


@given(events, lengths, units, st.integers(-72, 24 * 40))
@example(date(2026, 10, 30), 30, rules.Unit.WORKING_DAYS, 24 * 40)  # published in 2027
def test_late_exactly_when_published_after_the_due_moment(event, n, unit, hours):
    due = rules.due_at(limit(n, unit), event, CAL).astimezone(TZ)
    published = due + timedelta(hours=hours)
    late = rules.lateness(published, due, unit, CAL)
    assert (late is None) == (published <= due)
    if late is not None:
        assert late.hours >= 1 and late.hours >= hours
        # Working days are counted only on confirmed years: a publication in a year the calendar
        # does not know leaves the days unsaid, never guessed (a due date late in 2026 and a
        # publication weeks later reach 2027).
        counted = unit is rules.Unit.DAYS or published.year in CAL.confirmed_years()
        assert (late.days is not None) == counted
        if counted:
            assert late.days >= 0
            # A later publication is never less late.
            later = rules.lateness(published + timedelta(days=1), due, unit, CAL)
            assert later.days is None or later.days >= late.days


def test_lateness_into_an_unconfirmed_year_has_its_hours_and_no_days():
    # Due 2026-12-31 24:00 on the built-in calendar (2004–2026); published 2027-01-04 09:00.
    due = datetime(2027, 1, 1, tzinfo=TZ)
    published = datetime(2027, 1, 4, 9, 0, tzinfo=TZ)
    late = rules.lateness(published, due, rules.Unit.WORKING_DAYS, CAL)
    assert (late.hours, late.days) == (81, None)
    assert rules.lateness(published, due, rules.Unit.DAYS, CAL).days == 4


def test_published_on_the_next_working_day_is_one_working_day_late():
    # Due Friday 2026-11-20 24:00; Monday 11-23 is the first working day past it.
    due = datetime(2026, 11, 21, tzinfo=TZ)
    late = rules.lateness(
        datetime(2026, 11, 23, 9, 0, tzinfo=TZ), due, rules.Unit.WORKING_DAYS, CAL
    )
    assert (late.days, late.hours) == (1, 57)
    by_days = rules.lateness(datetime(2026, 11, 23, 9, 0, tzinfo=TZ), due, rules.Unit.DAYS, CAL)
    assert by_days.days == 3


def test_only_types_with_an_event_have_limits_and_each_names_its_basis():
    assert set(rules.DEFAULT_LIMITS) == set(rules.EVENTS) <= set(NOTICE_TYPES)
    assert not {"policy", "pool_call", "trading_notice", "correction"} & set(rules.DEFAULT_LIMITS)
    for t in rules.DEFAULT_LIMITS.values():
        assert t.basis and t.basis_en and t.days >= 1
    assert rules.DEFAULT_LIMITS["sanction"].days == 20
    assert rules.DEFAULT_LIMITS["trading_result"].text() == ("1个工作日", "1 working day")


def test_overrides_replace_a_limit_keep_its_basis_or_remove_it():
    found = rules.limits({"trading_result": 2, "roster": None, "sanction": {"days": 15}})
    assert found["trading_result"].days == 2
    assert found["trading_result"].basis == rules.DEFAULT_LIMITS["trading_result"].basis
    assert "roster" not in found and found["sanction"].days == 15
    own = rules.limits('{"complaint_decision": {"days": 10, "unit": "days", "basis": "本办法"}}')
    assert own["complaint_decision"].unit is rules.Unit.DAYS
    assert own["complaint_decision"].basis_en == "本办法"  # no English given: the text as written
    assert rules.limits(None) == rules.limits("") == rules.DEFAULT_LIMITS


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"policy": 3}, "'policy' has no event"),
        ({"nonsense": 3}, "'nonsense' has no event"),
        ({"sanction": 0}, "days must be a whole number"),
        ({"sanction": True}, "days must be a whole number"),
        ({"sanction": "3"}, "days must be a whole number"),
        ({"sanction": {"days": 3, "unit": "hours"}}, "unit must be"),
        ({"sanction": {"days": 3, "why": "x"}}, "unknown keys"),
        ({"sanction": {"days": 3, "basis": " "}}, "basis must be a text"),
        ([1, 2], "must map notice types"),
        ("{bad", "not valid JSON"),
    ],
)
def test_a_bad_override_is_refused_with_the_reason(overrides, message):
    with pytest.raises(ValueError, match=message):
        rules.limits(overrides)


def test_the_month_argument_and_the_last_twelve_months():
    assert rules.parse_month("2026-11") == date(2026, 11, 1)
    bad_months = ("2026-13", "2026-00", "26-11", "2026-1", "2026/11", "", "abcd-ef", "9999-12")
    # Digits only in ASCII: "２０２６-１１" (fullwidth) is not November 2026.
    for bad in (*bad_months, "２０２６-１１", "2026-１１", "٢٠٢٦-11"):
        with pytest.raises(ValueError):
            rules.parse_month(bad)
    got = rules.months(date(2026, 11, 25))
    assert len(got) == 12 and got[0] == date(2025, 12, 1) and got[-1] == date(2026, 11, 1)
    assert rules.add_months(date(2026, 12, 1), 1) == date(2027, 1, 1)
