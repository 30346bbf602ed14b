"""Calendar use cases: load the working-day calendar, check and confirm a year's arrangement."""

from __future__ import annotations

from datetime import date, timedelta
from functools import cache

from blinker import Namespace
from flask import has_request_context, request
from sqlalchemy import select
from sqlalchemy.orm import joinedload

from app import audit, clock, reads
from app.audit import Action
from app.auth.roles import OFFICE_ROLES
from app.calendar import rules
from app.calendar.errors import ArrangementRefused, CalendarError, CalendarForbidden
from app.calendar.models import CalendarDay, CalendarYear
from app.errors import role_of
from app.extensions import db
from app.offices.rules import OfficeKind
from app.offices.scope import covers, place_of
from app.transactions import transactional
from app.workdays import WorkCalendar, YearArrangement

_signals = Namespace()
#: Sent inside the confirming transaction with `calendar` (the new WorkCalendar) and `actor`.
#: Domains that store computed deadlines (notices) lengthen running periods here — never shorten.
calendar_changed = _signals.signal("calendar-changed")


def arrangement_of(row: CalendarYear) -> YearArrangement:
    return YearArrangement(
        year=row.year,
        holidays=frozenset(d.day for d in row.days if d.kind == "holiday"),
        makeup_workdays=frozenset(d.day for d in row.days if d.kind == "makeup_workday"),
        notice_number=row.notice_number,
    )


def office_years() -> list[CalendarYear]:
    """The confirmed years with their days, in one statement: a project's page reads them (its
    deadlines), and the days loaded year by year were a statement more per confirmed year."""
    return list(db.session.scalars(_years_statement()).unique())


@cache
def _years_statement():
    return select(CalendarYear).options(joinedload(CalendarYear.days)).order_by(CalendarYear.year)


def current_calendar() -> WorkCalendar:
    """The calendar every deadline is computed with: chinese-calendar plus the office's years.
    Read once per request (a project's page counts three deadlines with it): `confirm_year`, the
    one change of the years, forgets it, so what follows in the request reads the years anew."""
    if not has_request_context():
        return _read_calendar()
    # On the request, not on `g`: the tests keep one app context across their requests.
    cached = getattr(request, "_smallworks_calendar", None)
    if cached is None:
        cached = request._smallworks_calendar = _read_calendar()
    return cached


def _read_calendar() -> WorkCalendar:
    """The WorkCalendar of the confirmed years (`arrangement_of` each of `office_years`), read as
    plain rows of the years and their days (app.reads.plain_rows): the ORM's entities and their
    joined collection cost ~150 Python calls on every page that counts a deadline (issue 14)."""
    years: dict[int, tuple[str, set[date], set[date]]] = {}
    for year, notice_number, day, kind in reads.plain_rows(year_days_statement()):
        _number, holidays, makeup = years.setdefault(year, (notice_number, set(), set()))
        if kind == "holiday":
            holidays.add(day)
        elif kind == "makeup_workday":
            makeup.add(day)
    return WorkCalendar(
        YearArrangement(
            year=year,
            holidays=frozenset(holidays),
            makeup_workdays=frozenset(makeup),
            notice_number=number,
        )
        for year, (number, holidays, makeup) in years.items()
    )


@cache
def year_days_statement():
    """Each confirmed year with each of its days (a year without days: one row, day None), by
    year as `office_years`."""
    return (
        select(CalendarYear.year, CalendarYear.notice_number, CalendarDay.day, CalendarDay.kind)
        .outerjoin(CalendarDay, CalendarDay.year == CalendarYear.year)
        .order_by(CalendarYear.year, CalendarDay.day)
    )


def _forget_calendar() -> None:
    if has_request_context():
        request._smallworks_calendar = None


def build_arrangement(
    year: int, notice_number: str, holidays: str, makeup_workdays: str
) -> YearArrangement:
    """Turn the staff's entry into an arrangement, or refuse it with a clear message per field.
    Whether it is the State Council's is `confirm_year`'s question (`check_official`)."""
    number = rules.normalize_notice_number(notice_number)
    if not number:
        raise CalendarError(
            "请填写国务院办公厅通知的文号",
            "Enter the number of the State Council notice",
            field="notice_number",
        )
    hol = parse_days(holidays, year, field="holidays")
    mk = parse_days(makeup_workdays, year, field="makeup_workdays")
    problems = rules.consistency_problems(rules.Entry(year, number, hol, mk))
    if problems:
        raise ArrangementRefused(problems)
    try:
        return YearArrangement(year, hol, mk, number)
    except ValueError as e:
        raise CalendarError(str(e), str(e)) from None


def official_arrangement(
    year: int, notice_number: str, holidays: str, makeup_workdays: str, *, override_reason: str = ""
) -> YearArrangement:
    """The staff's entry as the State Council's arrangement: parsed, then every problem at once
    (each on its field), so the form shows all that is wrong in one round."""
    number = rules.normalize_notice_number(notice_number)
    hol = parse_days(holidays, year, field="holidays")
    mk = parse_days(makeup_workdays, year, field="makeup_workdays")
    entry = rules.Entry(year, number, hol, mk)
    problems = rules.official_problems(entry, override_reason=override_reason)
    if problems:
        raise ArrangementRefused(problems)
    return build_arrangement(year, number, holidays, makeup_workdays)


def check_official(arrangement: YearArrangement, *, override_reason: str = "") -> None:
    """Refuse an entry that does not look like the State Council's arrangement (app.calendar.rules):
    a notice number of its form, the statutory festivals as rest days, consistent make-up days,
    and for a year chinese-calendar covers an explicit override with a reason."""
    entry = rules.Entry(
        arrangement.year,
        arrangement.notice_number,
        arrangement.holidays,
        arrangement.makeup_workdays,
    )
    problems = rules.official_problems(entry, override_reason=override_reason)
    if problems:
        raise ArrangementRefused(problems)


def review_year(arrangement: YearArrangement, *, override_reason: str = "") -> rules.Changes | None:
    """The confirmation page: the entry checked as `confirm_year` will check it, and the days it
    changes against what is in force (the office's earlier entry, else chinese-calendar)."""
    check_official(arrangement, override_reason=override_reason)
    row = db.session.get(CalendarYear, arrangement.year)
    return rules.changes(arrangement, arrangement_of(row) if row is not None else None)


def confirms_years(actor) -> bool:
    """Whether `actor` confirms a year's arrangement: the calendar is national and shared, so a
    district office's staff (or administrator) or the deployment's administrator confirm it,
    never a street/town platform's clerk."""
    if role_of(actor) not in OFFICE_ROLES:
        return False
    place = place_of(actor)
    return place.kind == OfficeKind.DISTRICT if place is not None else covers(actor, None)


def _require_confirmer(actor) -> None:
    # The command line and the demo name no account; an account is checked.
    if getattr(actor, "role", None) is not None and not confirms_years(actor):
        raise CalendarForbidden(
            "只有区公管办工作人员或部署管理员可以确认节假日安排",
            "Only a district office's staff or the deployment administrator may confirm a"
            " year's arrangement",
        )


@transactional
def confirm_year(
    arrangement: YearArrangement,
    *,
    actor=None,
    is_demo: bool = False,
    override_reason: str = "",
) -> CalendarYear:
    """Store (or replace) the office's arrangement for a year, in one transaction.

    Only an entry that looks like the State Council's (`check_official`) — except the demo's
    labelled arrangement, which says it is none. A replacement may lengthen running publicity
    periods but never shortens one (DESIGN.md): listeners of `calendar_changed` apply that rule
    and write their own audit entries.
    """
    _require_confirmer(actor)
    if not is_demo:
        check_official(arrangement, override_reason=override_reason)
    # The request's calendar is read anew after the change (committed, or rolled back).
    _forget_calendar()
    try:
        return _store_year(
            arrangement, actor=actor, is_demo=is_demo, override_reason=override_reason
        )
    finally:
        _forget_calendar()


def _store_year(
    arrangement: YearArrangement, *, actor, is_demo: bool, override_reason: str
) -> CalendarYear:
    # One confirmation at a time: two at once both found no row (or both replaced its days)
    # and the later insert broke pk_calendar_days — a 500. The chain's lock, which `record`
    # below takes anyway, is taken first (audit.hold_chain: one lock order for every use case);
    # the year is then read as the one before committed it.
    audit.hold_chain(db.session)
    row = db.session.get(CalendarYear, arrangement.year)
    before = None
    if row is not None:
        db.session.refresh(row)
        before = _snapshot(arrangement_of(row), row.notice_number)
        row.days.clear()
        db.session.flush()
    else:
        row = CalendarYear(year=arrangement.year)
        db.session.add(row)
    row.notice_number = arrangement.notice_number
    row.is_demo = is_demo
    row.confirmed_at = clock.now()
    row.confirmed_by_id = getattr(actor, "id", None)
    row.days = [CalendarDay(day=d, kind="holiday") for d in sorted(arrangement.holidays)] + [
        CalendarDay(day=d, kind="makeup_workday") for d in sorted(arrangement.makeup_workdays)
    ]
    db.session.flush()
    audit.record(
        Action.CALENDAR_YEAR_CONFIRMED,
        "calendar_year",
        arrangement.year,
        actor=actor,
        before=before,
        after=_snapshot(arrangement, arrangement.notice_number)
        | {"is_demo": is_demo}
        | ({"override_reason": override_reason.strip()} if override_reason.strip() else {}),
    )
    calendar_changed.send(_read_calendar(), actor=actor)
    return row


def _snapshot(arrangement: YearArrangement, notice_number: str) -> dict:
    return {
        "notice_number": notice_number,
        "holidays": sorted(d.isoformat() for d in arrangement.holidays),
        "makeup_workdays": sorted(d.isoformat() for d in arrangement.makeup_workdays),
    }


def parse_days(text: str, year: int, *, field: str | None = None) -> frozenset[date]:
    """Parse one date or range per line or comma: `2027-01-01`, `2027-02-05~2027-02-13`."""
    days: set[date] = set()
    for raw in text.replace("，", ",").replace("\n", ",").split(","):
        item = raw.strip()
        if not item:
            continue
        for sep in ("~", "～", "至", ".."):
            if sep in item:
                first, last = (part.strip() for part in item.split(sep, 1))
                break
        else:
            first = last = item
        try:
            start, end = date.fromisoformat(first), date.fromisoformat(last)
        except ValueError:
            raise CalendarError(
                f"无法识别的日期：“{item}”，请使用 2027-01-01 或 2027-02-05~2027-02-13 的格式",
                f"Cannot read the date {item!r}; use 2027-01-01 or 2027-02-05~2027-02-13",
                field=field,
            ) from None
        if end < start or (end - start).days > 60:
            raise CalendarError(
                f"日期范围不正确：“{item}”", f"Bad date range: {item!r}", field=field
            )
        day = start
        while day <= end:
            if day.year != year:
                raise CalendarError(
                    f"日期{day.isoformat()}不在{year}年内",
                    f"{day.isoformat()} is not in {year}",
                    field=field,
                )
            days.add(day)
            day += timedelta(days=1)
    return frozenset(days)
