"""Unit tests for app.workdays: working days, publicity ends and unconfirmed years."""

import pickle
from datetime import UTC, date, datetime, timedelta

import chinese_calendar
import pytest
from hypothesis import given
from hypothesis import strategies as st

from app.workdays import (
    MAX_CONSECUTIVE_REST_DAYS,
    TZ,
    UnconfirmedYear,
    WorkCalendar,
    YearArrangement,
    calendar_days_end,
    local_date,
)

BUILTIN = WorkCalendar()
EIGHT_HOURS = timedelta(hours=8)

# chinese_calendar 1.11.0 covers 2004–2026. Publishing no later than October 2026 with at most
# 30 working days keeps every span inside it.
covered_dates = st.dates(min_value=date(2004, 1, 1), max_value=date(2026, 10, 31))
periods = st.integers(min_value=1, max_value=30)


def at(year, month, day):
    """00:00 in Asia/Shanghai on the given day."""
    return datetime(year, month, day, tzinfo=TZ)


def days_of(year):
    day = date(year, 1, 1)
    while day.year == year:
        yield day
        day += timedelta(days=1)


def arrangement_like_chinese_calendar(year):
    """The office entry a clerk would type from chinese_calendar's data for `year`."""
    days = list(days_of(year))
    return YearArrangement(
        year=year,
        holidays=frozenset(
            d for d in days if d.weekday() < 5 and not chinese_calendar.is_workday(d)
        ),
        makeup_workdays=frozenset(
            d for d in days if d.weekday() >= 5 and chinese_calendar.is_workday(d)
        ),
    )


ARRANGEMENT_2027 = YearArrangement(2027, frozenset({date(2027, 1, 1)}), frozenset())


# --- Known cases, each checked by hand against chinese_calendar's table ---------------------


@pytest.mark.parametrize(
    ("published_on", "n", "ends_at"),
    [
        # 09-25 is the Mid-Autumn holiday (joined to the weekend), 10-01..10-07 National Day:
        # 09-28, 09-29, 09-30, 10-08, 10-09.
        (date(2026, 9, 24), 5, at(2026, 10, 10)),
        # 02-14 (Sat) and 02-28 (Sat) are 调休 working days around Spring Festival 02-15..02-23:
        # 02-11, 02-12, 02-13, 02-14, 02-24, 02-25, 02-26, 02-27, 02-28, 03-02.
        (date(2026, 2, 10), 10, at(2026, 3, 3)),
        # Spring Festival 2026: 02-14 (Sat, 调休), then 02-24, 02-25.
        (date(2026, 2, 13), 3, at(2026, 2, 26)),
        # National Day 2025 (10-01..10-08): 09-28 (Sun, 调休), 09-29, 09-30, 10-09, 10-10.
        (date(2025, 9, 26), 5, at(2025, 10, 11)),
        # 10-09, 10-10 and 10-11 (Sat, 调休): the period ends at midnight on a Sunday.
        (date(2025, 9, 30), 3, at(2025, 10, 12)),
        # Across New Year: 2026-01-01..01-03 off, 01-04 (Sun, 调休), 01-05, 01-06.
        (date(2025, 12, 31), 3, at(2026, 1, 7)),
        # Spring Festival 2020 was extended to 02-02, cancelling the 02-01 (Sat) 调休 day.
        (date(2020, 1, 23), 1, at(2020, 2, 4)),
        # 2015-09-03/04 were one-off holidays (70th anniversary); 09-06 (Sun) was worked.
        (date(2015, 9, 2), 1, at(2015, 9, 7)),
        # An ordinary week, and a Saturday publication whose day 1 is the Monday.
        (date(2026, 3, 6), 3, at(2026, 3, 12)),
        (date(2026, 3, 7), 1, at(2026, 3, 10)),
    ],
)
def test_publicity_ends_at_midnight_after_the_nth_working_day(published_on, n, ends_at):
    assert BUILTIN.publicity_ends_at(published_on, n) == ends_at


def test_a_publicity_running_into_2027_is_refused_naming_2027():
    with pytest.raises(UnconfirmedYear) as raised:
        BUILTIN.publicity_ends_at(date(2026, 12, 24), 10)
    assert raised.value.year == 2027


def test_once_the_office_confirms_2027_the_same_publicity_gets_its_end():
    # 12-25, 12-28..12-31, then 2027-01-01 (Fri) off, 01-04..01-08.
    calendar = WorkCalendar([ARRANGEMENT_2027])
    assert calendar.publicity_ends_at(date(2026, 12, 24), 10) == at(2027, 1, 9)


def test_the_publication_date_itself_never_counts_even_on_a_working_day():
    # 民法典 art. 201: Tuesday 2026-03-10 is a working day, but day 1 is Wednesday.
    assert BUILTIN.add_working_days(date(2026, 3, 10), 1) == date(2026, 3, 11)


def test_unconfirmed_year_speaks_chinese_and_english_and_survives_pickling():
    error = UnconfirmedYear(2027)
    assert str(error) == (
        "2027年的节假日安排尚未确认，无法计算工作日。请先在“工作日历”中录入并确认该年安排。"
    )
    assert "2027" in error.message_en
    assert "Working-day calendar" in error.message_en
    copy = pickle.loads(pickle.dumps(error))  # noqa: S301 — our own bytes, just made
    assert (copy.year, str(copy), copy.message_en) == (2027, str(error), error.message_en)


# --- Which years are confirmed ----------------------------------------------------------------


def test_the_builtin_years_are_exactly_those_chinese_calendar_answers_for():
    for year in range(2000, 2031):
        try:
            chinese_calendar.is_workday(date(year, 6, 1))
            covered = True
        except NotImplementedError:
            covered = False
        assert BUILTIN.is_confirmed(year) is covered, year
    assert BUILTIN.confirmed_years() == frozenset(range(2004, 2027))


def test_an_office_entry_confirms_its_year_with_or_without_the_builtin_data():
    assert WorkCalendar([ARRANGEMENT_2027]).is_confirmed(2027)
    office_only = WorkCalendar([ARRANGEMENT_2027], use_builtin=False)
    assert office_only.confirmed_years() == frozenset({2027})
    assert not office_only.is_confirmed(2026)


def test_the_office_entry_replaces_the_builtin_data_for_its_year_completely():
    bare_2026 = YearArrangement(2026, frozenset(), frozenset())
    calendar = WorkCalendar([bare_2026])
    assert calendar.is_working_day(date(2026, 10, 1))  # a Thursday, a holiday only in the builtin
    assert not calendar.is_working_day(date(2026, 2, 14))  # a Saturday, 调休 only in the builtin
    assert not calendar.is_working_day(date(2025, 10, 1))  # 2025 still comes from the builtin


def test_two_office_entries_for_one_year_are_refused():
    with pytest.raises(ValueError, match="2027年"):
        WorkCalendar([ARRANGEMENT_2027, YearArrangement(2027, frozenset(), frozenset())])


def test_an_office_copy_of_chinese_calendar_agrees_with_it_on_every_day_it_covers():
    office = WorkCalendar(
        [arrangement_like_chinese_calendar(y) for y in range(2004, 2027)], use_builtin=False
    )
    for year in range(2004, 2027):
        for day in days_of(year):
            assert office.is_working_day(day) is chinese_calendar.is_workday(day), day


# --- Properties over the covered years ----------------------------------------------------------


@given(covered_dates, periods)
def test_every_publicity_ends_at_a_shanghai_midnight(published_on, n):
    ends_at = BUILTIN.publicity_ends_at(published_on, n)
    assert ends_at.tzinfo is TZ
    assert ends_at.utcoffset() == EIGHT_HOURS
    assert (ends_at.hour, ends_at.minute, ends_at.second, ends_at.microsecond) == (0, 0, 0, 0)


@given(covered_dates, periods)
def test_the_day_before_the_end_is_a_working_day(published_on, n):
    last_day = local_date(BUILTIN.publicity_ends_at(published_on, n)) - timedelta(days=1)
    assert chinese_calendar.is_workday(last_day)


@given(covered_dates, periods)
def test_exactly_n_working_days_lie_between_publication_and_the_end(published_on, n):
    last_day = local_date(BUILTIN.publicity_ends_at(published_on, n)) - timedelta(days=1)
    # Counted with chinese_calendar directly, not with the code under test.
    days = [published_on + timedelta(days=i) for i in range(1, (last_day - published_on).days + 1)]
    assert sum(chinese_calendar.is_workday(d) for d in days) == n


@given(covered_dates, periods)
def test_one_more_working_day_always_ends_strictly_later(published_on, n):
    assert BUILTIN.publicity_ends_at(published_on, n + 1) > BUILTIN.publicity_ends_at(
        published_on, n
    )


@given(covered_dates, covered_dates, periods)
def test_publishing_later_never_ends_earlier(first, second, n):
    earlier, later = sorted((first, second))
    assert BUILTIN.publicity_ends_at(earlier, n) <= BUILTIN.publicity_ends_at(later, n)


@given(covered_dates, periods)
def test_working_days_between_counts_back_what_add_working_days_added(start, n):
    assert BUILTIN.working_days_between(start, BUILTIN.add_working_days(start, n)) == n


@given(covered_dates, covered_dates)
def test_no_working_days_lie_between_a_day_and_an_earlier_or_equal_one(start, end):
    if end <= start:
        assert BUILTIN.working_days_between(start, end) == 0
    else:
        assert BUILTIN.working_days_between(start, end) >= 0


@given(st.dates(min_value=date(2024, 10, 1), max_value=date(2025, 12, 31)), periods)
def test_an_office_entry_identical_to_chinese_calendar_gives_the_same_ends(published_on, n):
    # 2025 from the office, 2024 and 2026 from the builtin: spans cross both year boundaries.
    office = WorkCalendar([arrangement_like_chinese_calendar(2025)])
    assert office.publicity_ends_at(published_on, n) == BUILTIN.publicity_ends_at(published_on, n)
    assert office.is_working_day(published_on) is BUILTIN.is_working_day(published_on)


# --- Unconfirmed years are refused, never guessed ---------------------------------------------


@given(st.dates(max_value=date(9998, 12, 31)))
def test_without_builtin_data_or_office_entries_every_date_is_unconfirmed(day):
    calendar = WorkCalendar(use_builtin=False)
    with pytest.raises(UnconfirmedYear) as raised:
        calendar.is_working_day(day)
    assert raised.value.year == day.year
    with pytest.raises(UnconfirmedYear):
        calendar.publicity_ends_at(day, 1)


@given(
    st.dates(min_value=date(2026, 1, 1), max_value=date(2026, 12, 31)),
    st.dates(min_value=date(2027, 1, 1), max_value=date(2040, 12, 31)),
)
def test_any_span_touching_2027_without_an_office_entry_names_2027(start, end):
    for compute in (BUILTIN.check_span, BUILTIN.working_days_between):
        with pytest.raises(UnconfirmedYear) as raised:
            compute(start, end)
        assert raised.value.year == 2027


@given(st.dates(min_value=date(2026, 1, 1), max_value=date(2026, 12, 31)), periods)
def test_a_period_running_past_2026_names_2027(published_on, extra):
    n = BUILTIN.working_days_between(published_on, date(2026, 12, 31)) + extra
    with pytest.raises(UnconfirmedYear) as raised:
        BUILTIN.publicity_ends_at(published_on, n)
    assert raised.value.year == 2027


def test_check_span_names_the_first_unconfirmed_year_and_accepts_confirmed_spans():
    calendar = WorkCalendar([YearArrangement(2028, frozenset(), frozenset())])
    with pytest.raises(UnconfirmedYear) as raised:
        calendar.check_span(date(2003, 12, 1), date(2029, 1, 1))
    assert raised.value.year == 2003
    with pytest.raises(UnconfirmedYear) as raised:
        calendar.check_span(date(2026, 12, 1), date(2029, 1, 1))
    assert raised.value.year == 2027
    calendar.check_span(date(2004, 1, 1), date(2026, 12, 31))
    calendar.check_span(date(2028, 3, 1), date(2028, 3, 1))


def test_a_run_of_rest_days_longer_than_any_arrangement_allows_is_an_error_not_a_hang():
    # A mistyped entry: the whole year off. Without the bound the count would never finish.
    all_off = YearArrangement(2030, frozenset(days_of(2030)), frozenset())
    with pytest.raises(ValueError, match=str(MAX_CONSECUTIVE_REST_DAYS)):
        WorkCalendar([all_off]).add_working_days(date(2029, 12, 31), 1)


# --- Arguments ----------------------------------------------------------------------------------


@pytest.mark.parametrize("n", [0, -1])
def test_a_period_of_fewer_than_one_day_is_refused(n):
    with pytest.raises(ValueError):
        BUILTIN.add_working_days(date(2026, 3, 2), n)
    with pytest.raises(ValueError):
        calendar_days_end(date(2026, 3, 2), n)


def test_a_fractional_period_or_a_datetime_for_a_date_is_refused():
    with pytest.raises(TypeError):
        BUILTIN.add_working_days(date(2026, 3, 2), 2.5)
    with pytest.raises(TypeError):
        BUILTIN.publicity_ends_at(datetime(2026, 3, 2, 20, tzinfo=UTC), 3)
    with pytest.raises(TypeError):
        BUILTIN.is_working_day(datetime(2026, 3, 2, tzinfo=TZ))


# --- Local dates and calendar days (日) ----------------------------------------------------------


def test_local_date_is_the_shanghai_date_of_an_aware_moment():
    assert local_date(datetime(2025, 12, 31, 15, 59, 59, tzinfo=UTC)) == date(2025, 12, 31)
    assert local_date(datetime(2025, 12, 31, 16, 0, tzinfo=UTC)) == date(2026, 1, 1)
    assert local_date(at(2026, 10, 10)) == date(2026, 10, 10)


def test_local_date_refuses_a_naive_moment():
    with pytest.raises(ValueError):
        local_date(datetime(2026, 1, 1, 12, 0))


def test_a_calendar_day_window_counts_every_day_and_needs_no_confirmed_year():
    # The 10-day complaint window (《招标投标法实施条例》 art. 60) runs over National Day.
    assert calendar_days_end(date(2026, 9, 30), 10) == at(2026, 10, 11)
    assert calendar_days_end(date(2031, 12, 25), 10) == at(2032, 1, 5)


# Asia/Shanghai was +08:00 without summer time only from 1992 (LMT before 1901, DST in the 1940s
# and 1986–1991), so the "+08:00" half of this property holds from then on.
@given(
    st.dates(min_value=date(1992, 1, 1), max_value=date(2200, 12, 31)),
    st.integers(min_value=1, max_value=3000),
)
def test_a_calendar_day_window_ends_at_midnight_after_its_last_day(published_on, n):
    ends_at = calendar_days_end(published_on, n)
    assert ends_at.utcoffset() == EIGHT_HOURS
    assert ends_at.time() == datetime.min.time()
    assert local_date(ends_at) - timedelta(days=1) == published_on + timedelta(days=n)


def test_a_calendar_day_period_ending_on_national_day_ends_on_the_next_working_day():
    # 民法典 art. 203: the 10-day window of 《招标投标法实施条例》 art. 60 from 24 September 2026
    # would end on 4 October, inside the holiday (1–7 October); it ends with 8 October instead.
    assert BUILTIN.calendar_days_end(date(2026, 9, 24), 10) == at(2026, 10, 9)
    # Ending on a 调休 Saturday (10 October 2026 is a working day) it is not extended.
    assert BUILTIN.calendar_days_end(date(2026, 9, 30), 10) == at(2026, 10, 11)


def test_a_calendar_day_period_ending_on_a_weekend_ends_on_monday():
    # 3 days from Wednesday 25 November 2026 end on Saturday the 28th → Monday the 30th.
    assert BUILTIN.calendar_days_end(date(2026, 11, 25), 3) == at(2026, 12, 1)


def test_a_calendar_day_period_refuses_an_unconfirmed_last_year():
    with pytest.raises(UnconfirmedYear):
        WorkCalendar(use_builtin=False).calendar_days_end(date(2026, 12, 25), 10)


@given(covered_dates, periods)
def test_a_calendar_day_period_ends_after_a_working_day_never_before_the_plain_count(start, n):
    ends_at = BUILTIN.calendar_days_end(start, n)
    last = local_date(ends_at) - timedelta(days=1)
    assert ends_at >= calendar_days_end(start, n)
    assert BUILTIN.is_working_day(last)
    # Every day between the plain last day and the real one is a rest day (art. 203).
    day = start + timedelta(days=n)
    while day < last:
        assert not BUILTIN.is_working_day(day)
        day += timedelta(days=1)


# --- YearArrangement validation -------------------------------------------------------------------


def test_an_arrangement_accepts_any_iterable_and_stores_frozensets():
    arrangement = YearArrangement(
        2027, [date(2027, 1, 1)], {date(2027, 2, 6)}, notice_number="国办发明电〔2026〕1号"
    )
    assert arrangement.holidays == frozenset({date(2027, 1, 1)})
    assert isinstance(arrangement.makeup_workdays, frozenset)
    assert hash(arrangement) == hash(
        YearArrangement(
            2027,
            frozenset({date(2027, 1, 1)}),
            frozenset({date(2027, 2, 6)}),
            notice_number="国办发明电〔2026〕1号",
        )
    )


def test_an_arrangement_may_list_a_weekend_day_as_a_holiday():
    # 2027-01-02 is a Saturday; listing it is redundant but not wrong.
    YearArrangement(2027, frozenset({date(2027, 1, 1), date(2027, 1, 2)}), frozenset())


@pytest.mark.parametrize(
    ("holidays", "makeup", "message"),
    [
        ({date(2026, 12, 31)}, set(), "不在2027年内"),
        (set(), {date(2028, 1, 1)}, "不在2027年内"),
        ({date(2027, 2, 6)}, {date(2027, 2, 6)}, "既是放假日又是调休上班日"),
        (set(), {date(2027, 2, 8)}, "只能是星期六或星期日"),
        ({datetime(2027, 1, 1, tzinfo=TZ)}, set(), "不是日期"),
        ({"2027-01-01"}, set(), "不是日期"),
    ],
)
def test_an_inconsistent_arrangement_is_refused_in_chinese(holidays, makeup, message):
    with pytest.raises(ValueError, match=message):
        YearArrangement(2027, frozenset(holidays), frozenset(makeup))


def test_calendars_of_equal_arrangements_have_one_key_and_another_year_another():
    def year(notice: str) -> YearArrangement:
        return YearArrangement(2031, {date(2031, 1, 1)}, set(), notice)

    one, same = (
        WorkCalendar([year("国办发明电〔2030〕1号")]),
        WorkCalendar([year("国办发明电〔2030〕1号")]),
    )
    assert one.key == same.key and hash(one.key) == hash(same.key)
    assert one.key != WorkCalendar([year("国办发明电〔2030〕2号")]).key != WorkCalendar().key
    assert WorkCalendar().key != WorkCalendar(use_builtin=False).key
