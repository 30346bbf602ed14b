"""The notice-to-letter distribution counted per distinct number of days (contracts.queries.
figures._distribution) is the one counted per trading: the same buckets, total and median; and
the working days of many pairs counted in one walk are each pair's own count."""

from __future__ import annotations

import statistics
from datetime import date

from hypothesis import given
from hypothesis import strategies as st

from app.workdays import WorkCalendar
from contracts import rules
from contracts.queries.figures import _days, _distribution, working_days

rows = st.lists(
    st.tuples(st.just(1), st.one_of(st.none(), st.integers(0, 30)), st.integers(1, 50)),
    max_size=30,
)


@given(rows)
def test_counting_per_number_of_days_gives_the_figures_of_every_trading(rows):
    days = [d for _o, d, n in rows for _ in range(n)]
    counted = [d for d in days if d is not None]
    target = rules.LETTER_TARGET_WORKING_DAYS
    got = _distribution(rows)
    assert got.total == len(counted)
    assert got.uncounted == len(days) - len(counted)
    assert got.within_target == sum(1 for d in counted if d <= target)
    expected = statistics.median(counted) if counted else None
    assert got.median == expected and type(got.median) is type(expected)
    assert dict(got.buckets) == {
        **{str(k): sum(1 for d in counted if max(d, 1) == k) for k in range(1, target + 1)},
        f">{target}": sum(1 for d in counted if d > target),
    }


days = st.dates(min_value=date(2024, 11, 1), max_value=date(2028, 2, 1))


@given(st.lists(st.tuples(days, days), max_size=20))
def test_working_days_of_many_pairs_are_each_pairs_own_count(pairs):
    calendar = WorkCalendar()
    got = working_days(calendar, pairs)
    assert got == {(a, b): _days(calendar, a, b) for a, b in pairs}
