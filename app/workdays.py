"""Working days (工作日) and calendar days (日) on the State Council's holiday schedule."""

# Pure on purpose (DESIGN.md "Architecture"; tests/unit/test_architecture.py): standard library
# and chinese_calendar only, so every deadline can be unit-tested without Flask or a database.

from __future__ import annotations

import functools
import operator
import zoneinfo
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import MAXYEAR, MINYEAR, date, datetime, time, timedelta

import chinese_calendar

__all__ = [
    "MAX_CONSECUTIVE_REST_DAYS",
    "TZ",
    "UnconfirmedYear",
    "WorkCalendar",
    "YearArrangement",
    "calendar_days_end",
    "local_date",
]

#: Dates of publicity are local dates in Asia/Shanghai (DESIGN.md "Rules of time").
TZ = zoneinfo.ZoneInfo("Asia/Shanghai")

#: The longest run of non-working days any arrangement may produce. The longest real one is
#: 10 days (Spring Festival 2020, extended); a longer run means a mistyped office entry, and
#: this bound is what keeps `add_working_days` from looping forever.
MAX_CONSECUTIVE_REST_DAYS = 60

_ONE_DAY = timedelta(days=1)
_WEEKDAY_NAMES = "一二三四五六日"


def _builtin_years() -> frozenset[int]:
    # chinese_calendar refuses any year outside the span of its holiday table (it raises
    # NotImplementedError), so that span is exactly the years it covers.
    years = {d.year for d in chinese_calendar.holidays}
    return frozenset(range(min(years), max(years) + 1))


#: Years chinese_calendar covers (2004–2026 in version 1.11.0).
_BUILTIN_YEARS = _builtin_years()


@functools.cache
def _builtin_workday(d: date) -> bool:
    """chinese_calendar's answer for `d`, kept per process: its table never changes while the
    process runs, the answer costs ~50 µs, and the days asked are those of the years it covers
    (a few thousand at most), while every request's calendar is new (issue 14)."""
    return chinese_calendar.is_workday(d)


class UnconfirmedYear(Exception):
    """A computation touched a year whose holiday arrangement is not confirmed."""

    def __init__(self, year: int) -> None:
        self.year = year
        self.message_en = (
            f"The holiday arrangement for {year} has not been confirmed; working days cannot be "
            "computed. Enter and confirm it under Working-day calendar first."
        )
        super().__init__(
            f"{year}年的节假日安排尚未确认，无法计算工作日。请先在“工作日历”中录入并确认该年安排。"
        )

    def __reduce__(self):
        # The default would call UnconfirmedYear(message); rebuild from the year instead, so the
        # error survives pickling (e.g. across a process pool).
        return (type(self), (self.year,))


def _require_date(value: object, name: str) -> date:
    # datetime is a subclass of date: an aware UTC moment would silently count from the wrong
    # local day, so moments must go through local_date() first.
    if isinstance(value, datetime) or not isinstance(value, date):
        raise TypeError(f"{name} must be a date (use local_date() for a datetime), got {value!r}")
    return value


def _require_count(n: object) -> int:
    n = operator.index(n)  # rejects floats and other non-integers
    if n < 1:
        raise ValueError(f"期限天数必须至少为1天，收到的是{n}。")
    return n


def _midnight_after(day: date) -> datetime:
    # Periods end at 00:00 (+08:00) after their last day, exclusive (DESIGN.md "Rules of time").
    return datetime.combine(day + _ONE_DAY, time(0), tzinfo=TZ)


@dataclass(frozen=True)
class YearArrangement:
    """The office's entry for one year: the State Council's arrangement."""

    #: The calendar year the arrangement is for.
    year: int
    #: Statutory holidays and the rest days around them: non-working even on a weekday.
    holidays: frozenset[date]
    #: 调休 make-up working days: weekend days that are working days.
    makeup_workdays: frozenset[date]
    #: The State Council notice it comes from, e.g. 国办发明电〔2025〕7号.
    notice_number: str = ""

    def __post_init__(self) -> None:
        year = operator.index(self.year)
        if not MINYEAR <= year <= MAXYEAR:
            raise ValueError(f"年份{year}无效。")
        # Accept any iterable from a form or a table, but store frozensets so the entry is
        # hashable and cannot change after it was validated.
        holidays = frozenset(self.holidays)
        makeup = frozenset(self.makeup_workdays)
        object.__setattr__(self, "year", year)
        object.__setattr__(self, "holidays", holidays)
        object.__setattr__(self, "makeup_workdays", makeup)

        for label, days in (("放假日", holidays), ("调休上班日", makeup)):
            for d in days:
                if isinstance(d, datetime) or not isinstance(d, date):
                    raise ValueError(f"{label}中的{d!r}不是日期。")
            for d in sorted(days):
                if d.year != year:
                    raise ValueError(f"{label}{d.isoformat()}不在{year}年内。")
        overlap = sorted(holidays & makeup)
        if overlap:
            raise ValueError(f"{overlap[0].isoformat()}不能既是放假日又是调休上班日。")
        for d in sorted(makeup):
            # A 调休 day moves work onto a weekend; a weekday is a working day already.
            if d.weekday() < 5:
                raise ValueError(
                    f"调休上班日{d.isoformat()}是星期{_WEEKDAY_NAMES[d.weekday()]}，"
                    "调休上班日只能是星期六或星期日。"
                )

    def is_working_day(self, d: date) -> bool:
        """Whether `d`, a day of this year, is a working day under this arrangement."""
        if d.year != self.year:
            raise ValueError(f"{d.isoformat()}不在{self.year}年内。")
        return d in self.makeup_workdays or (d.weekday() < 5 and d not in self.holidays)


class WorkCalendar:
    """Working days from the office's confirmed years, falling back on chinese_calendar."""

    def __init__(
        self, office_years: Iterable[YearArrangement] = (), *, use_builtin: bool = True
    ) -> None:
        office: dict[int, YearArrangement] = {}
        for arrangement in office_years:
            # Two entries for one year would leave the answer to their order: refuse instead.
            if arrangement.year in office:
                raise ValueError(f"{arrangement.year}年的节假日安排录入了不止一次。")
            office[arrangement.year] = arrangement
        self._office = office
        self._use_builtin = use_builtin
        # A calendar never changes once made (a new entry makes a new calendar): each day's
        # answer is kept, so counting the working days of a thousand tradings (an office's
        # notice-to-letter figures) asks chinese_calendar about each date once, not each time.
        self._known: dict[date, bool] = {}

    @property
    def key(self) -> tuple:
        """What the calendar's answers depend on, hashable: calendars of equal keys count every
        day alike, so a figure counted on one holds for the other (a figure kept per process,
        contracts.queries.stats_memo)."""
        return (self._use_builtin, tuple(self._office[y] for y in sorted(self._office)))

    def confirmed_years(self) -> frozenset[int]:
        """The years whose working days can be computed."""
        builtin = _BUILTIN_YEARS if self._use_builtin else frozenset()
        return builtin | frozenset(self._office)

    def is_confirmed(self, year: int) -> bool:
        """Whether `year`'s arrangement is known, from the office or from chinese_calendar."""
        return year in self._office or (self._use_builtin and year in _BUILTIN_YEARS)

    def is_working_day(self, d: date) -> bool:
        """Whether `d` is a 工作日; raises UnconfirmedYear rather than guess an unknown year."""
        _require_date(d, "d")
        known = self._known.get(d)
        if known is not None:
            return known
        # The office entry wins for its year completely: it is how a correction to the
        # built-in data, or a new year's notice, takes effect.
        arrangement = self._office.get(d.year)
        if arrangement is not None:
            known = self._known[d] = arrangement.is_working_day(d)
            return known
        if self._use_builtin and d.year in _BUILTIN_YEARS:
            known = self._known[d] = _builtin_workday(d)
            return known
        # Never guess (DESIGN.md "Rules of time"): weekends-only would be wrong for every
        # year, by the holidays and the 调休 days alike.
        raise UnconfirmedYear(d.year)

    def add_working_days(self, start: date, n: int) -> date:
        """The `n`th working day after `start`; `start` itself never counts."""
        _require_date(start, "start")
        n = _require_count(n)
        # 民法典 art. 201: the day a period starts does not count; day 1 is the first working
        # day after it.
        day, counted, rest_run = start, 0, 0
        while True:
            day += _ONE_DAY
            if self.is_working_day(day):
                counted += 1
                rest_run = 0
                if counted == n:
                    return day
            else:
                rest_run += 1
                if rest_run > MAX_CONSECUTIVE_REST_DAYS:
                    raise ValueError(
                        f"自{(day - timedelta(days=rest_run - 1)).isoformat()}起连续超过"
                        f"{MAX_CONSECUTIVE_REST_DAYS}天没有工作日，请检查工作日历的录入。"
                    )

    def publicity_ends_at(self, published_on: date, n: int) -> datetime:
        """When a publicity of `n` working days published on `published_on` ends (exclusive)."""
        # A publicity of N working days ends at 00:00 (+08:00) after the Nth working day
        # (DESIGN.md "Rules of time").
        return _midnight_after(self.add_working_days(published_on, n))

    def calendar_days_end(self, start: date, n: int) -> datetime:
        """When a period of `n` calendar days (日) after `start` ends (exclusive), by 民法典
        arts. 201 and 203: the first day does not count, and a period whose last day is a rest
        day (a statutory holiday or a weekend) ends at the end of the next working day.

        E.g. the 10-day complaint window of 《招标投标法实施条例》 art. 60, the 3-day answer to
        an objection of art. 54. Raises UnconfirmedYear if the last day's year is unconfirmed.
        """
        _require_date(start, "start")
        last = start + timedelta(days=_require_count(n))
        rest_run = 0
        while not self.is_working_day(last):
            last += _ONE_DAY
            rest_run += 1
            if rest_run > MAX_CONSECUTIVE_REST_DAYS:
                raise ValueError(
                    f"自{(last - timedelta(days=rest_run)).isoformat()}起连续超过"
                    f"{MAX_CONSECUTIVE_REST_DAYS}天没有工作日，请检查工作日历的录入。"
                )
        return _midnight_after(last)

    def working_days_between(self, start: date, end: date) -> int:
        """The number of working days `d` with `start < d <= end` (0 if `end <= start`)."""
        _require_date(start, "start")
        _require_date(end, "end")
        count, day = 0, start + _ONE_DAY
        while day <= end:
            count += self.is_working_day(day)
            day += _ONE_DAY
        return count

    def check_span(self, start: date, end: date) -> None:
        """Raise UnconfirmedYear for the first unconfirmed year in `[start, end]`."""
        _require_date(start, "start")
        _require_date(end, "end")
        for year in range(start.year, end.year + 1):
            if not self.is_confirmed(year):
                raise UnconfirmedYear(year)


def local_date(moment: datetime) -> date:
    """The Asia/Shanghai date of an aware datetime."""
    if not isinstance(moment, datetime):
        raise TypeError(f"moment must be a datetime, got {moment!r}")
    # Times are stored in UTC (DESIGN.md "Rules of time"); a naive one has no defined day.
    if moment.utcoffset() is None:
        raise ValueError(f"需要带时区的时间，收到的是无时区的{moment.isoformat()}。")
    return moment.astimezone(TZ).date()


def calendar_days_end(published_on: date, n: int) -> datetime:
    """When a period of `n` calendar days (日) after `published_on` ends (exclusive).

    For 日, not 工作日: e.g. the 10-day complaint window of 《招标投标法实施条例》 art. 60. As
    with working days, the first day does not count (民法典 art. 201). It needs no confirmed
    year, so it does not apply 民法典 art. 203 (a period whose last day is a rest day ends on the
    next working day): a legal period counted in 日 uses `WorkCalendar.calendar_days_end`.
    """
    _require_date(published_on, "published_on")
    n = _require_count(n)
    return _midnight_after(published_on + timedelta(days=n))
