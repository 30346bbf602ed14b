"""Statutory deadlines of the oversight records (objections, complaints, cases, sanctions): one
shape, one rule for "due soon" and "missed", and one registry the staff and supervisors' pages read.

Each domain registers a source in its `init_app` (`register_deadline_source`); a source returns the
deadlines of its open and recently closed records. The staff pages warn two working days before
a deadline passes (DESIGN.md "Rules of time": deadlines are instants at 00:00 +08:00, exclusive).
"""

from __future__ import annotations

import enum
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from flask import Flask

from app.wiring import registry
from app.workdays import UnconfirmedYear, WorkCalendar, local_date

#: Staff are warned this many working days before a deadline passes (the issue's rule).
WARN_WORKING_DAYS = 2


class Unit(enum.StrEnum):
    """The unit a deadline is counted in: shown on every page, never mixed up."""

    DAYS = "日"  # calendar days (民法典 arts. 201, 203)
    WORKING_DAYS = "工作日"


class DeadlineStatus(enum.StrEnum):
    OPEN = "open"  # running, more than the warning period left
    DUE_SOON = "due_soon"  # running, the warning period reached (staff are warned)
    MISSED = "missed"  # passed without the step being done
    MET = "met"  # the step was done in time
    LATE = "late"  # the step was done, after the deadline


@dataclass(frozen=True)
class Deadline:
    """One step a record must take by a moment, as staff and supervisors see it."""

    #: Dotted kind, e.g. "complaint.accept", "objection.answer", "case.statement".
    kind: str
    #: What must be done, in Chinese (a msgid), e.g. "受理或不予受理投诉"; and in English.
    label: str
    label_en: str
    #: The record it belongs to, as shown (e.g. a complaint's number) and its staff page.
    subject: str
    url: str
    #: The exclusive instant (00:00 +08:00 after the last day); None while it cannot be counted
    #: because the working days of `unconfirmed_year` are not confirmed (never guessed).
    due_at: datetime | None
    unit: Unit
    #: The length of the period in `unit`, e.g. 3 (工作日).
    length: int
    #: The article it implements, e.g. "《招标投标法实施条例》第六十一条".
    basis: str
    #: When the step was done; None while it is not.
    done_at: datetime | None = None
    #: The year whose arrangement the count needs, when `due_at` is None.
    unconfirmed_year: int | None = None
    #: The office of the record (app.offices): the oversight pages list an account's offices' only.
    office_id: int | None = None
    #: `subject` on the English site, e.g. "Complaint 3 (T-…)"; empty: `subject` serves both.
    subject_en: str = ""


def status_of(deadline: Deadline, now: datetime, calendar: WorkCalendar) -> DeadlineStatus:
    """Whether `deadline` is open, due soon, missed, met or met late at `now`.

    Raises UnconfirmedYear for a deadline that cannot be counted yet (`due_at` None).
    Due soon: at most WARN_WORKING_DAYS working days are left, counting the working days after
    today up to the last day (today itself is being used up already).
    """
    if deadline.due_at is None:
        # Listed, so that nobody loses sight of the step, but with no status until it can be
        # counted: the office confirms the year's arrangement first.
        raise UnconfirmedYear(deadline.unconfirmed_year or local_date(now).year + 1)
    if deadline.done_at is not None:
        return DeadlineStatus.MET if deadline.done_at < deadline.due_at else DeadlineStatus.LATE
    if now >= deadline.due_at:
        return DeadlineStatus.MISSED
    last_day = local_date(deadline.due_at) - timedelta(days=1)
    left = calendar.working_days_between(local_date(now), last_day)
    return DeadlineStatus.DUE_SOON if left <= WARN_WORKING_DAYS else DeadlineStatus.OPEN


def marked(deadline: Deadline, now: datetime, calendar: WorkCalendar) -> DeadlineStatus | None:
    """`status_of` for a page: None (shown as "cannot be counted", with the year) instead of
    UnconfirmedYear while a year the deadline needs is not confirmed."""
    try:
        return status_of(deadline, now, calendar)
    except UnconfirmedYear:
        return None


#: Registry (app.wiring): name → a source of deadlines.
DEADLINE_SOURCES = "app.deadline_sources"
DeadlineSource = Callable[[], Iterable[Deadline]]


def register_deadline_source(app: Flask, name: str, source: DeadlineSource) -> None:
    """Let a domain show its records' deadlines on the staff and supervisors' pages."""
    registry(DEADLINE_SOURCES, app)[name] = source


def all_deadlines() -> list[Deadline]:
    """Every registered source's deadlines, soonest first."""
    found = [d for source in registry(DEADLINE_SOURCES).values() for d in source()]
    return sorted(found, key=order)


def order(d: Deadline) -> tuple:
    """Soonest first; those that cannot be counted yet last."""
    return (d.due_at is None, d.due_at or datetime.min.replace(tzinfo=UTC), d.kind, d.subject)
