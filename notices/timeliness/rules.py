"""Pure rules of 公开时限: for each notice type published after an event, the time within which it
must be published, in working days (工作日) or days (日), with its basis; the due moment from the
event; how late a notice was. A type without an event (a policy written by hand) has no limit.

The defaults are below; the setting NOTICE_PUBLISH_LIMITS overrides them per type
(`limits(overrides)`, checked when the app starts)."""

from __future__ import annotations

import enum
import json
from collections.abc import Mapping
from dataclasses import dataclass, replace
from datetime import date, datetime, timedelta

from app.workdays import UnconfirmedYear, WorkCalendar


class Unit(enum.StrEnum):
    WORKING_DAYS = "working_days"  # 工作日, by the State Council's arrangement
    DAYS = "days"  # 日: calendar days, a last day on a rest day moves on (民法典 arts. 201, 203)


UNIT_LABELS = {Unit.WORKING_DAYS: ("个工作日", "working days"), Unit.DAYS: ("日", "days")}


@dataclass(frozen=True)
class Limit:
    """A notice type must be published within `days` `unit` after its event, by `basis`."""

    type: str
    days: int
    unit: Unit
    basis: str
    basis_en: str

    def text(self) -> tuple[str, str]:
        """ "1个工作日" / "1 working days" as a (Chinese, English) pair."""
        zh, en = UNIT_LABELS[self.unit]
        return f"{self.days}{zh}", f"{self.days} {en if self.days != 1 else en[:-1]}"


#: What each type's period is counted from (the day of the event itself does not count), as a
#: (Chinese, English) pair. Only these types can have a limit: the others have no event (a
#: pool call or a trading notice is published when the office is ready; a policy by hand).
EVENTS: dict[str, tuple[str, str]] = {
    "roster_publicity": ("摇号会议确定入围企业", "the pool meeting settling the last category"),
    "roster": ("入围企业名录公示期满", "the end of the roster publicity"),
    "trading_result": ("定标会议摇号", "the award meeting's draws"),
    "trading_failed": ("定标会议确认流标", "the award meeting finding too few respondents"),
    "complaint_decision": ("作出投诉处理决定或不予受理决定", "the complaint's decision or refusal"),
    "sanction": ("作出处理决定", "the sanction's decision"),
}

_OPEN_INFO = (
    "《中华人民共和国政府信息公开条例》第二十六条（自信息形成之日起20个工作日内公开）",
    "Regulations on Open Government Information, art. 26 (published within 20 working days "
    "of the information's making)",
)

#: Where no rule sets a time of its own, the platform commits to a shorter one than the law's
#: general ceiling (art. 26 above), and says so: no basis names a document that does not say it.
_WITHIN_LAW = (
    "，不超过《中华人民共和国政府信息公开条例》第二十六条规定的20个工作日",
    ", well within the 20 working days of art. 26 of the Regulations on Open Government "
    "Information",
)

#: The defaults: the platform's commitment where no rule sets a time, the law where it does.
DEFAULT_LIMITS: dict[str, Limit] = {
    limit.type: limit
    for limit in (
        Limit(
            "roster_publicity",
            2,
            Unit.WORKING_DAYS,
            "本平台公开承诺：摇号会议后2个工作日内公示入围企业名录" + _WITHIN_LAW[0],
            "This platform's commitment: the roster publicity within 2 working days of the pool "
            "meeting" + _WITHIN_LAW[1],
        ),
        Limit(
            "roster",
            3,
            Unit.WORKING_DAYS,
            "本平台公开承诺：入围企业名录公示期满后3个工作日内公布入围企业名单" + _WITHIN_LAW[0],
            "This platform's commitment: the roster within 3 working days of the end of its "
            "publicity" + _WITHIN_LAW[1],
        ),
        Limit(
            "trading_result",
            1,
            Unit.WORKING_DAYS,
            "本平台公开承诺：定标会议后1个工作日内发布交易结果公告" + _WITHIN_LAW[0],
            "This platform's commitment: the result within 1 working day of the award meeting"
            + _WITHIN_LAW[1],
        ),
        Limit(
            "trading_failed",
            1,
            Unit.WORKING_DAYS,
            "本平台公开承诺：定标会议后1个工作日内发布流标公告" + _WITHIN_LAW[0],
            "This platform's commitment: the failed trading within 1 working day of the award "
            "meeting" + _WITHIN_LAW[1],
        ),
        Limit("complaint_decision", 20, Unit.WORKING_DAYS, *_OPEN_INFO),
        Limit(
            "sanction",
            20,
            Unit.WORKING_DAYS,
            "《招标投标违法行为记录公告暂行办法》第六条（自处理决定作出之日起20个工作日内公告）",
            "Interim Measures on Publishing Records of Bidding Violations, art. 6 (published "
            "within 20 working days of the decision)",
        ),
    )
}

_KEYS = {"days", "unit", "basis", "basis_en"}


def limits(overrides: Mapping | None = None) -> dict[str, Limit]:
    """The limits in force: the defaults, each type in `overrides` replaced. A value is a whole
    number of days (the default's unit and basis kept), None (no limit for that type), or a
    mapping with `days` and optionally `unit` ("working_days" or "days"), `basis`, `basis_en`.
    Raises ValueError naming the type and what is wrong."""
    found = dict(DEFAULT_LIMITS)
    if isinstance(overrides, str):  # the environment's JSON
        try:
            overrides = json.loads(overrides) if overrides.strip() else None
        except json.JSONDecodeError as e:
            raise ValueError(f"NOTICE_PUBLISH_LIMITS is not valid JSON: {e}") from None
    if overrides is None:
        return found
    if not isinstance(overrides, Mapping):
        raise ValueError(
            "NOTICE_PUBLISH_LIMITS must map notice types to limits, e.g. "
            '{"trading_result": 2} or {"sanction": {"days": 15, "basis": "…"}}'
        )
    for type_code, value in overrides.items():
        if type_code not in EVENTS:
            raise ValueError(
                f"NOTICE_PUBLISH_LIMITS: {type_code!r} has no event to count a limit from; "
                f"the types that do are {', '.join(sorted(EVENTS))}"
            )
        if value is None:
            found.pop(type_code, None)
            continue
        if not isinstance(value, Mapping):
            value = {"days": value}
        unknown = set(value) - _KEYS
        if unknown:
            raise ValueError(
                f"NOTICE_PUBLISH_LIMITS[{type_code!r}]: unknown keys {sorted(unknown)}; "
                f"use {sorted(_KEYS)}"
            )
        days = value.get("days")
        if isinstance(days, bool) or not isinstance(days, int) or not 1 <= days <= 365:
            raise ValueError(
                f"NOTICE_PUBLISH_LIMITS[{type_code!r}]: days must be a whole number from 1 to "
                f"365, not {days!r}"
            )
        try:
            unit = Unit(value.get("unit", found.get(type_code, DEFAULT_LIMITS[type_code]).unit))
        except ValueError:
            raise ValueError(
                f"NOTICE_PUBLISH_LIMITS[{type_code!r}]: unit must be 'working_days' or 'days', "
                f"not {value.get('unit')!r}"
            ) from None
        base = DEFAULT_LIMITS[type_code]
        basis = value.get("basis", base.basis)
        basis_en = value.get("basis_en", basis if "basis" in value else base.basis_en)
        if not isinstance(basis, str) or not basis.strip() or not isinstance(basis_en, str):
            raise ValueError(f"NOTICE_PUBLISH_LIMITS[{type_code!r}]: basis must be a text")
        found[type_code] = replace(
            base, days=days, unit=unit, basis=basis.strip(), basis_en=basis_en.strip()
        )
    return found


def due_at(limit: Limit, event_on: date, calendar: WorkCalendar) -> datetime:
    """The exclusive moment by which a notice of an event on the local date `event_on` must be
    published: 00:00 (+08:00) after the last day, the event's day not counting (民法典 art. 201).
    Raises UnconfirmedYear when the count reaches a year nobody confirmed (never guessed)."""
    if limit.unit is Unit.WORKING_DAYS:
        return calendar.publicity_ends_at(event_on, limit.days)
    return calendar.calendar_days_end(event_on, limit.days)


def on_time(published_at: datetime, publish_due_at: datetime) -> bool:
    return published_at <= publish_due_at


@dataclass(frozen=True)
class Lateness:
    hours: int  # whole hours past the due moment, rounded up
    days: int | None  # working days (or days) used past it, None when they cannot be counted
    unit: Unit


def lateness(
    published_at: datetime, publish_due_at: datetime, unit: Unit, calendar: WorkCalendar
) -> Lateness | None:
    """How late a notice was (None: on time), from local aware times. The days are those past
    the due moment up to and including the publication's day: due at 00:00 of a working day and
    published that day is 1 working day late. An unconfirmed year leaves `days` None."""
    if on_time(published_at, publish_due_at):
        return None
    seconds = (published_at - publish_due_at).total_seconds()
    hours = int(-(-seconds // 3600))
    start, end = publish_due_at.date() - timedelta(days=1), published_at.date()
    if publish_due_at.time() != datetime.min.time():
        start += timedelta(days=1)  # due inside a day: that day is not a day late
    if unit is Unit.DAYS:
        return Lateness(hours, max((end - start).days, 0), unit)
    try:
        days = calendar.working_days_between(start, end)
    except UnconfirmedYear:
        days = None
    return Lateness(hours, days, unit)


def parse_month(text: str) -> date:
    """`2026-11` → date(2026, 11, 1); ValueError otherwise."""
    year, sep, month = (text or "").strip().partition("-")
    digits = (year + month).isascii() and year.isdigit() and month.isdigit()
    if not (sep and len(year) == 4 and len(month) == 2 and digits):
        raise ValueError(text)
    if not 2000 <= int(year) <= 2999:
        raise ValueError(text)
    return date(int(year), int(month), 1)


def add_months(first: date, n: int) -> date:
    index = first.year * 12 + first.month - 1 + n
    return date(index // 12, index % 12 + 1, 1)


def months(today: date, count: int = 12) -> list[date]:
    """The first days of the `count` months ending with today's, oldest first."""
    this = today.replace(day=1)
    return [add_months(this, -i) for i in range(count - 1, -1, -1)]
