"""Pure rules of a year's holiday arrangement as the office enters it: it must look like the State
Council's (a notice number, the statutory festivals, consistent make-up days), and a year the
built-in calendar covers is replaced only on purpose, with a reason and its differences shown.

No Flask, no SQLAlchemy (tests/unit/test_architecture.py): plain dates in, problems out.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date, timedelta

import chinese_calendar

from app.workdays import WorkCalendar, YearArrangement

#: 国办发明电〔2025〕7号 — the form of the State Council General Office's yearly notice
#: (关于某年部分节假日安排的通知). Some years came as 国办发〔…〕N号.
NOTICE_RE = re.compile(r"^国办发(?:明电)?〔(\d{4})〕(\d{1,3})号$")
_BRACKETS = str.maketrans({"[": "〔", "]": "〕", "(": "〔", ")": "〕", "（": "〔", "）": "〕", "【": "〔", "】": "〕", "［": "〔", "］": "〕"})  # fmt: skip

#: 《全国年节及纪念日放假办法》 (2007 revision, in force 2008): 清明节、端午节、中秋节 became
#: statutory holidays from 2008; 元旦、春节、劳动节、国庆节 were before.
LUNAR_FESTIVALS_FROM = 2008

#: Festival days that follow the lunar calendar: (春节 正月初一, 端午 五月初五, 中秋 八月十五).
#: From the astronomical tables (cross-checked with the `holidays` package's Chinese calendar).
LUNAR_DAYS: dict[int, tuple[date, date, date]] = {
    y: (date(y, *a), date(y, *b), date(y, *c))
    for y, a, b, c in (
        (2004, (1, 22), (6, 22), (9, 28)),
        (2005, (2, 9), (6, 11), (9, 18)),
        (2006, (1, 29), (5, 31), (10, 6)),
        (2007, (2, 18), (6, 19), (9, 25)),
        (2008, (2, 7), (6, 8), (9, 14)),
        (2009, (1, 26), (5, 28), (10, 3)),
        (2010, (2, 14), (6, 16), (9, 22)),
        (2011, (2, 3), (6, 6), (9, 12)),
        (2012, (1, 23), (6, 23), (9, 30)),
        (2013, (2, 10), (6, 12), (9, 19)),
        (2014, (1, 31), (6, 2), (9, 8)),
        (2015, (2, 19), (6, 20), (9, 27)),
        (2016, (2, 8), (6, 9), (9, 15)),
        (2017, (1, 28), (5, 30), (10, 4)),
        (2018, (2, 16), (6, 18), (9, 24)),
        (2019, (2, 5), (6, 7), (9, 13)),
        (2020, (1, 25), (6, 25), (10, 1)),
        (2021, (2, 12), (6, 14), (9, 21)),
        (2022, (2, 1), (6, 3), (9, 10)),
        (2023, (1, 22), (6, 22), (9, 29)),
        (2024, (2, 10), (6, 10), (9, 17)),
        (2025, (1, 29), (5, 31), (10, 6)),
        (2026, (2, 17), (6, 19), (9, 25)),
        (2027, (2, 6), (6, 9), (9, 15)),
        (2028, (1, 26), (5, 28), (10, 3)),
        (2029, (2, 13), (6, 16), (9, 22)),
        (2030, (2, 3), (6, 5), (9, 12)),
        (2031, (1, 23), (6, 24), (10, 1)),
        (2032, (2, 11), (6, 12), (9, 19)),
        (2033, (1, 31), (6, 1), (9, 8)),
        (2034, (2, 19), (6, 20), (9, 27)),
        (2035, (2, 8), (6, 10), (9, 16)),
        (2036, (1, 28), (5, 30), (10, 4)),
        (2037, (2, 15), (6, 18), (9, 24)),
        (2038, (2, 4), (6, 7), (9, 13)),
        (2039, (1, 24), (5, 27), (10, 2)),
        (2040, (2, 12), (6, 14), (9, 20)),
    )
}

#: Beyond the table: the span each lunar festival always falls in, where a holiday must be listed.
LUNAR_WINDOWS = {
    "spring": ((1, 21), (2, 20)),
    "dragon_boat": ((5, 28), (6, 25)),
    "mid_autumn": ((9, 7), (10, 8)),
}

_WEEKDAY_NAMES = "一二三四五六日"


@dataclass(frozen=True)
class Problem:
    """Why an entry is refused: Chinese and English, and the form field it concerns."""

    field: str
    message: str
    message_en: str


@dataclass(frozen=True)
class Entry:
    """What staff entered for a year, parsed into dates."""

    year: int
    notice_number: str
    holidays: frozenset[date]
    makeup_workdays: frozenset[date]


def normalize_notice_number(text: str) -> str:
    """Spaces out, any bracket pair read as 〔〕 (staff type [] or （）)."""
    return re.sub(r"\s+", "", text or "").translate(_BRACKETS)


def builtin_years() -> frozenset[int]:
    """The years chinese-calendar covers (its arrangement is the State Council's)."""
    return WorkCalendar().confirmed_years()


def consistency_problems(e: Entry) -> list[Problem]:
    """Rules any arrangement obeys (the demo's too): a make-up working day (调休上班) is a Saturday or
    Sunday — a weekday is a working day already — and no day is both a holiday and a make-up day."""
    problems = []
    for d in sorted(e.makeup_workdays):
        if d.weekday() < 5:
            problems.append(
                Problem(
                    "makeup_workdays",
                    f"调休上班日{d.isoformat()}是星期{_WEEKDAY_NAMES[d.weekday()]}，"
                    "调休上班日只能是星期六或星期日",
                    f"The make-up working day {d.isoformat()} is a {d:%A}; make-up working days "
                    "are Saturdays or Sundays",
                )
            )
    for d in sorted(e.holidays & e.makeup_workdays):
        problems.append(
            Problem(
                "makeup_workdays",
                f"{d.isoformat()}不能既是放假日又是调休上班日",
                f"{d.isoformat()} cannot be both a holiday and a make-up working day",
            )
        )
    return problems


def _rest(e: Entry) -> Callable[[date], bool]:
    """Whether a day of the entry's year is a rest day under it (a listed holiday, or a weekend
    day not worked)."""
    return lambda d: d in e.holidays or (d.weekday() >= 5 and d not in e.makeup_workdays)


def qingming(year: int) -> date | None:
    """清明: the solar term's day (chinese-calendar computes the terms for 1900–2100)."""
    try:
        terms = chinese_calendar.get_solar_terms(date(year, 4, 1), date(year, 4, 10))
    except Exception:  # outside its range: no such check
        return None
    return next((d for d, name in terms if name == "清明"), None)


def festival_problems(e: Entry) -> list[Problem]:
    """The statutory festivals (《全国年节及纪念日放假办法》) must be rest days: 元旦 1月1日, 春节
    (正月初一至初三), 清明, 劳动节 5月1日, 端午, 中秋, 国庆节 10月1日至3日. Lunar festivals come from a
    table; beyond it, a holiday must be listed in the span the festival always falls in."""
    y, rest = e.year, _rest(e)
    problems: list[Problem] = []

    def need(days: Iterable[date], zh: str, en: str) -> None:
        missing = [d for d in days if not rest(d)]
        if missing:
            listed = "、".join(d.isoformat() for d in missing)
            problems.append(
                Problem(
                    "holidays",
                    f"缺少{zh}：{listed}应为放假日。国务院的安排总包含法定节假日，请对照通知检查",
                    f"{en} is missing: {', '.join(d.isoformat() for d in missing)} must be a "
                    "holiday. The State Council's arrangement always includes the statutory "
                    "holidays; check the entry against the notice",
                )
            )

    def need_in_window(key: str, zh: str, en: str) -> None:
        (m1, d1), (m2, d2) = LUNAR_WINDOWS[key]
        first, last = date(y, m1, d1), date(y, m2, d2)
        if not any(first <= d <= last for d in e.holidays):
            problems.append(
                Problem(
                    "holidays",
                    f"缺少{zh}：{first.isoformat()}至{last.isoformat()}之间没有放假日",
                    f"{en} is missing: no holiday between {first.isoformat()} and "
                    f"{last.isoformat()}",
                )
            )

    need([date(y, 1, 1)], "元旦（1月1日）", "New Year's Day (1 January)")
    lunar = LUNAR_DAYS.get(y)
    if lunar:
        need(
            [lunar[0] + timedelta(days=i) for i in range(3)],
            "春节（正月初一至初三）",
            "The Spring Festival",
        )
    else:
        need_in_window("spring", "春节", "The Spring Festival")
    if y >= LUNAR_FESTIVALS_FROM:
        day = qingming(y)
        if day:
            need([day], "清明节", "Qingming")
    need([date(y, 5, 1)], "劳动节（5月1日）", "Labour Day (1 May)")
    if y >= LUNAR_FESTIVALS_FROM:
        if lunar:
            need([lunar[1]], "端午节", "The Dragon Boat Festival")
            need([lunar[2]], "中秋节", "The Mid-Autumn Festival")
        else:
            need_in_window("dragon_boat", "端午节", "The Dragon Boat Festival")
            need_in_window("mid_autumn", "中秋节", "The Mid-Autumn Festival")
    need(
        [date(y, 10, d) for d in (1, 2, 3)], "国庆节（10月1日至3日）", "National Day (1–3 October)"
    )
    return problems


def notice_problems(e: Entry) -> list[Problem]:
    """国办发明电〔YYYY〕N号, issued in the year before (as usual) or the year itself."""
    number = normalize_notice_number(e.notice_number)
    if not number:
        return [
            Problem(
                "notice_number",
                "请填写国务院办公厅通知的文号",
                "Enter the number of the State Council notice",
            )
        ]
    match = NOTICE_RE.match(number)
    if not match:
        return [
            Problem(
                "notice_number",
                f"文号“{number}”不是国务院办公厅通知的格式，应为“国办发明电〔{e.year - 1}〕7号”这样的形式",
                f"“{number}” is not the form of a State Council notice number, "
                f"e.g. 国办发明电〔{e.year - 1}〕7号",
            )
        ]
    issued = int(match.group(1))
    if issued not in (e.year - 1, e.year):
        return [
            Problem(
                "notice_number",
                f"文号年份{issued}与{e.year}年的安排不符：{e.year}年的安排由{e.year - 1}年"
                f"（或{e.year}年）的通知发布",
                f"The notice of {issued} cannot be {e.year}'s arrangement: it is published in "
                f"{e.year - 1} (or {e.year})",
            )
        ]
    return []


def official_problems(e: Entry, *, override_reason: str = "") -> list[Problem]:
    """Everything wrong with an entry meant as the State Council's arrangement (empty: fine).

    A year chinese-calendar covers already has the official arrangement: replacing it needs an
    explicit override with a reason (a correction the library has not caught up with)."""
    problems = notice_problems(e)
    if e.year in builtin_years():
        reason = (override_reason or "").strip()
        if not reason:
            problems.append(
                Problem(
                    "year",
                    f"{e.year}年的安排已由内置日历（chinese-calendar，依据国务院通知）提供。"
                    "如确需更正，请勾选“更正内置日历”并说明理由",
                    f"{e.year}'s arrangement is already in the built-in calendar (chinese-calendar, "
                    "from the State Council's notice). To correct it, tick the override and give "
                    "the reason",
                )
            )
        elif len(reason) > 500:
            problems.append(
                Problem(
                    "override_reason",
                    "理由不能超过500个字符",
                    "The reason may have at most 500 characters",
                )
            )
    if not e.holidays:
        problems.append(
            Problem(
                "holidays",
                "放假日不能为空：国务院每年的安排都有法定节假日",
                "The holidays cannot be empty: every year's arrangement has statutory holidays",
            )
        )
    else:
        problems.extend(festival_problems(e))
    problems.extend(consistency_problems(e))
    return problems


# ---- what a new entry changes -------------------------------------------------------------------


@dataclass(frozen=True)
class Changes:
    """Days whose status the entry changes against what was in force for the year."""

    #: "builtin" (chinese-calendar) or "office" (the office's earlier entry).
    against: str
    #: Working days that become rest days.
    new_rest_days: tuple[date, ...]
    #: Rest days that become working days.
    new_working_days: tuple[date, ...]

    @property
    def none(self) -> bool:
        return not self.new_rest_days and not self.new_working_days


def changes(
    arrangement: YearArrangement, previous: YearArrangement | None = None
) -> Changes | None:
    """The entry against the office's earlier entry for the year, else against chinese-calendar
    for a year it covers; None when nothing was in force (a new year)."""
    year = arrangement.year
    if previous is not None:
        before, against = previous.is_working_day, "office"
    elif year in builtin_years():
        before, against = chinese_calendar.is_workday, "builtin"
    else:
        return None
    rest, work = [], []
    day = date(year, 1, 1)
    while day.year == year:
        was, now = before(day), arrangement.is_working_day(day)
        if was and not now:
            rest.append(day)
        elif now and not was:
            work.append(day)
        day += timedelta(days=1)
    return Changes(against, tuple(rest), tuple(work))


#: From this day of each year (month, day) the office is warned that next year's arrangement is
#: not entered yet: the State Council publishes it in October or November, and a publicity period
#: that runs into January cannot be counted without it.
WARN_NEXT_YEAR_FROM = (11, 1)


def years_to_enter(today: date, confirmed_years: Iterable[int]) -> list[int]:
    """The years whose arrangement the office should enter now, oldest first: this year whenever
    it is missing, and next year from 1 November (WARN_NEXT_YEAR_FROM) while it is missing."""
    confirmed = set(confirmed_years)
    due = [today.year]
    if (today.month, today.day) >= WARN_NEXT_YEAR_FROM:
        due.append(today.year + 1)
    return [y for y in due if y not in confirmed]
