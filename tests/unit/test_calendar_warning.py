"""The dashboard's calendar warning (issue 13, item 11): from 1 November, next year's working-day
calendar must be entered; this year's is asked for whenever it is missing. A pure rule."""

from __future__ import annotations

from datetime import date

from hypothesis import given
from hypothesis import strategies as st

from app.calendar.rules import years_to_enter

days = st.dates(min_value=date(2000, 1, 1), max_value=date(2098, 12, 31))


def test_next_year_is_asked_for_from_the_first_of_november():
    assert years_to_enter(date(2026, 10, 31), {2026}) == []
    assert years_to_enter(date(2026, 11, 1), {2026}) == [2027]
    assert years_to_enter(date(2026, 12, 31), {2026}) == [2027]
    assert years_to_enter(date(2026, 11, 1), {2026, 2027}) == []


def test_a_missing_current_year_is_asked_for_all_year_round_before_next_year():
    assert years_to_enter(date(2027, 3, 1), {2026}) == [2027]
    assert years_to_enter(date(2027, 11, 2), set()) == [2027, 2028]


@given(days, st.frozensets(st.integers(1999, 2100)))
def test_only_missing_years_this_or_next_and_next_only_from_november(today, confirmed):
    due = years_to_enter(today, confirmed)
    assert due == sorted(due)
    assert set(due) <= {today.year, today.year + 1}
    assert not set(due) & confirmed
    assert (today.year in due) == (today.year not in confirmed)
    from_november = today >= date(today.year, 11, 1)
    assert (today.year + 1 in due) == (from_november and today.year + 1 not in confirmed)
