"""The rules an office entry obeys to count as the State Council's arrangement (app.calendar.rules):
checked against chinese-calendar's own years, each rule on its own, and by properties."""

from __future__ import annotations

from datetime import date, timedelta

import chinese_calendar
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from app.calendar import rules
from app.calendar.rules import Entry, official_problems
from app.workdays import YearArrangement


def days(*spans) -> frozenset[date]:
    """`days("2027-01-01", ("2027-02-06", "2027-02-12"))` → the dates, ranges inclusive."""
    out = set()
    for span in spans:
        first, last = (span, span) if isinstance(span, str) else span
        d, end = date.fromisoformat(first), date.fromisoformat(last)
        while d <= end:
            out.add(d)
            d += timedelta(days=1)
    return frozenset(out)


HOLIDAYS_2027 = days(
    ("2027-01-01", "2027-01-03"),
    ("2027-02-06", "2027-02-12"),
    ("2027-04-03", "2027-04-05"),
    ("2027-05-01", "2027-05-05"),
    "2027-06-09",
    "2027-09-15",
    ("2027-10-01", "2027-10-07"),
)
MAKEUP_2027 = days("2027-02-13", "2027-02-21")
NOTICE = "国办发明电〔2026〕12号"


def entry(year=2027, notice=NOTICE, holidays=HOLIDAYS_2027, makeup=MAKEUP_2027) -> Entry:
    return Entry(year, notice, frozenset(holidays), frozenset(makeup))


def messages(e: Entry, **kw) -> list[tuple[str, str]]:
    return [(p.field, p.message) for p in official_problems(e, **kw)]


def test_a_plausible_arrangement_passes():
    assert official_problems(entry()) == []


@pytest.mark.parametrize("year", [2026, 2027, 2003])
def test_a_year_without_holidays_is_refused(year):
    e = entry(year, f"国办发明电〔{year - 1}〕7号", frozenset(), frozenset())
    found = messages(e, override_reason="更正")
    assert ("holidays", "放假日不能为空：国务院每年的安排都有法定节假日") in found


@pytest.mark.parametrize(
    ("removed", "festival"),
    [
        (days("2027-01-01"), "元旦"),
        (days("2027-02-08"), "春节"),  # 正月初三
        (days("2027-04-05"), "清明节"),
        (days("2027-05-01"), "劳动节"),  # a Saturday: refused once made a make-up day
        (days("2027-06-09"), "端午节"),
        (days("2027-09-15"), "中秋节"),
        (days("2027-10-01"), "国庆节"),
        (days("2027-10-04"), None),  # not a statutory day: the notice may give fewer
    ],
)
def test_each_statutory_festival_must_be_a_rest_day(removed, festival):
    makeup = MAKEUP_2027 | {d for d in removed if d.weekday() >= 5}
    found = messages(entry(holidays=HOLIDAYS_2027 - removed, makeup=makeup))
    if festival is None:
        assert found == []
    else:
        assert len(found) == 1 and found[0][0] == "holidays" and f"缺少{festival}" in found[0][1]


def test_a_festival_on_a_weekend_need_not_be_listed():
    # 2027-10-02 and 03 are a Saturday and a Sunday: rest days without being listed.
    assert official_problems(entry(holidays=HOLIDAYS_2027 - days("2027-10-02", "2027-10-03"))) == []
    # …unless the entry makes one of them a make-up working day.
    found = messages(
        entry(holidays=HOLIDAYS_2027 - days("2027-10-02", "2027-10-03"), makeup=days("2027-10-02"))
    )
    assert any("国庆节" in m for _f, m in found)


def test_beyond_the_lunar_table_the_festivals_are_looked_for_in_their_spans():
    year = 2045
    base = days(
        "2045-01-02",  # 2045-01-01 is a Sunday: a weekday off beside it
        ("2045-02-16", "2045-02-22"),
        "2045-04-04",
        "2045-05-01",
        "2045-06-19",
        "2045-09-25",
        ("2045-10-02", "2045-10-06"),
    )
    e = entry(year, "国办发明电〔2044〕9号", base, frozenset())
    assert rules.qingming(year) == date(2045, 4, 4)
    assert official_problems(e) == []
    no_spring = entry(year, "国办发明电〔2044〕9号", base - days(("2045-02-16", "2045-02-22")), ())
    assert any("缺少春节" in m for _f, m in messages(no_spring))


@pytest.mark.parametrize(
    ("number", "ok"),
    [
        ("国办发明电〔2026〕12号", True),
        ("国办发明电[2026]12号", True),
        ("国办发明电（2026）12号", True),
        (" 国办发明电 〔2026〕 12号 ", True),
        ("国办发〔2027〕1号", True),
        ("国办发明电〔2025〕12号", False),  # two years early
        ("国办发明电〔2028〕12号", False),
        ("文号", False),
        ("国办发明电〔2026〕号", False),
        ("", False),
    ],
)
def test_the_notice_number_has_the_state_councils_form(number, ok):
    found = [f for f, _m in messages(entry(notice=number))]
    assert (found == []) is ok
    if not ok:
        assert found == ["notice_number"]


def test_a_make_up_day_on_a_weekday_or_on_a_holiday_is_refused():
    weekday = messages(entry(makeup=MAKEUP_2027 | days("2027-02-15")))  # a Monday
    assert weekday == [("makeup_workdays", weekday[0][1])] and "星期一" in weekday[0][1]
    both = messages(entry(makeup=MAKEUP_2027 | days("2027-02-06")))  # a Saturday holiday
    assert both == [("makeup_workdays", "2027-02-06不能既是放假日又是调休上班日")]


def builtin_entry(year: int) -> Entry:
    """chinese-calendar's own arrangement for a year it covers, as staff would type it."""
    hol = frozenset(d for d in chinese_calendar.holidays if d.year == year)
    mk = frozenset(d for d in chinese_calendar.workdays if d.year == year)
    return Entry(year, f"国办发明电〔{year - 1}〕1号", hol, mk)


@pytest.mark.parametrize("year", sorted(rules.builtin_years()))
def test_every_official_year_chinese_calendar_knows_passes_the_rules(year):
    """The rules are checked against the real arrangements of 2004–2026."""
    assert messages(builtin_entry(year), override_reason="测试") == []


def test_a_year_chinese_calendar_covers_needs_an_override_with_a_reason():
    found = messages(builtin_entry(2026))
    assert [f for f, _m in found] == ["year"] and "更正内置日历" in found[0][1]
    assert messages(builtin_entry(2026), override_reason="  ") == found
    assert messages(builtin_entry(2026), override_reason="国务院补充通知") == []


def test_the_changes_against_chinese_calendar_name_the_days_added_and_removed():
    e = builtin_entry(2026)
    same = YearArrangement(2026, e.holidays, e.makeup_workdays, e.notice_number)
    assert rules.changes(same).none and rules.changes(same).against == "builtin"
    extra, worked = date(2026, 12, 31), min(e.makeup_workdays)
    changed = YearArrangement(2026, e.holidays | {extra}, e.makeup_workdays - {worked})
    c = rules.changes(changed)
    assert c.new_rest_days == (extra, worked) or set(c.new_rest_days) == {extra, worked}
    assert c.new_working_days == ()
    assert rules.changes(YearArrangement(2027, HOLIDAYS_2027, MAKEUP_2027)) is None
    previous = YearArrangement(2027, HOLIDAYS_2027, MAKEUP_2027)
    fewer = YearArrangement(2027, HOLIDAYS_2027 - days("2027-10-07"), MAKEUP_2027)
    c = rules.changes(fewer, previous)
    assert c.against == "office" and c.new_working_days == (date(2027, 10, 7),)


# ---- properties ---------------------------------------------------------------------------------

YEAR_2027 = sorted(days(("2027-01-01", "2027-12-31")))
REQUIRED_2027 = sorted(
    d
    for d in days(
        "2027-01-01",
        ("2027-02-06", "2027-02-08"),
        "2027-04-05",
        "2027-05-01",
        "2027-06-09",
        "2027-09-15",
        ("2027-10-01", "2027-10-03"),
    )
    if d.weekday() < 5
)


@settings(max_examples=60, deadline=None)
@given(st.sets(st.sampled_from([d for d in YEAR_2027 if d.weekday() < 5]), max_size=15))
def test_more_weekday_holidays_never_make_a_plausible_entry_implausible(extra):
    assert official_problems(entry(holidays=HOLIDAYS_2027 | extra)) == []


@settings(max_examples=40, deadline=None)
@given(st.sampled_from(REQUIRED_2027))
def test_dropping_any_statutory_weekday_is_refused_and_names_the_date(day):
    found = messages(entry(holidays=HOLIDAYS_2027 - {day}))
    assert len(found) == 1 and day.isoformat() in found[0][1]


@settings(max_examples=40, deadline=None)
@given(st.sampled_from([d for d in YEAR_2027 if d.weekday() < 5]))
def test_any_weekday_as_a_make_up_day_is_refused(day):
    found = messages(entry(holidays=HOLIDAYS_2027 - {day}, makeup=MAKEUP_2027 | {day}))
    assert ("makeup_workdays", found[-1][1]) == found[-1] and day.isoformat() in found[-1][1]
