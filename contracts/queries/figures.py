"""The 5-working-day clock: from the trading notice to the result letter, one project and all."""

from __future__ import annotations

import statistics
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select

from app.calendar.services import current_calendar
from app.extensions import db
from app.workdays import UnconfirmedYear, local_date
from contracts import rules
from contracts.models import Project, Trading
from notices.models import Notice


def _working_days(calendar, notice_at: datetime, letter_at: datetime) -> int | None:
    try:
        return rules.notice_to_letter_days(calendar, local_date(notice_at), local_date(letter_at))
    except UnconfirmedYear:  # never guess a year the office has not confirmed
        return None


def notice_to_letter_days(p: Project, calendar=None) -> int | None:
    """Working days from the trading notice of the round that was drawn to its result letter
    (DESIGN.md B.5, target 5); None while no round was drawn."""
    drawn = next((t for t in reversed(p.tradings) if t.is_drawn), None)
    if drawn is None or drawn.letter_issued_at is None:
        return None
    published = db.session.scalar(select(Notice.published_at).where(Notice.id == drawn.notice_id))
    if published is None:
        return None
    return _working_days(calendar or current_calendar(), published, drawn.letter_issued_at)


@dataclass(frozen=True)
class LetterDistribution:
    """Notice-to-letter over every drawn project: how many took 1, 2, 3, 4, 5 and more than 5
    working days (0 counts with 1), how many met the 5-day target, and the median."""

    buckets: tuple[tuple[str, int], ...]
    total: int
    within_target: int
    median: float | None
    #: Drawn projects whose days could not be counted (a year the calendar has not confirmed).
    uncounted: int = 0
    target: int = rules.LETTER_TARGET_WORKING_DAYS

    @property
    def share_within(self) -> float | None:
        return self.within_target / self.total if self.total else None

    @property
    def largest(self) -> int:
        return max((n for _k, n in self.buckets), default=0)


def _drawn_letters(office_ids: list[int] | None = None, held: tuple | None = None):
    """Every drawn trading of a filed project (whose meeting was held within the span `held`,
    [start, end), if given) with its notice's publication and its letter: rows (office_id,
    published_at, letter_issued_at) — one query."""
    stmt = (
        select(Project.office_id, Notice.published_at, Trading.letter_issued_at)
        .join(Notice, Notice.id == Trading.notice_id)
        .join(Project, Project.id == Trading.project_id)
        .where(
            Trading.outcome == rules.Outcome.DRAWN,
            Trading.letter_issued_at.is_not(None),
            Notice.published_at.is_not(None),
            # `filing = 'filed'` (the "filed" CHECK), said so that an office's projects are a
            # range of (office_id, filed_at, id), not a walk of every filed project.
            Project.filed_at.is_not(None),
        )
    )
    if office_ids is not None:
        stmt = stmt.where(Project.office_id.in_(office_ids))
    if held is not None:
        stmt = stmt.where(Trading.held_at >= held[0], Trading.held_at < held[1])
    return db.session.execute(stmt).all()


def _distribution(days: list[int | None]) -> LetterDistribution:
    counted = [d for d in days if d is not None]
    target = rules.LETTER_TARGET_WORKING_DAYS
    buckets = [(str(n), sum(1 for d in counted if max(d, 1) == n)) for n in range(1, target + 1)]
    buckets.append((f">{target}", sum(1 for d in counted if d > target)))
    return LetterDistribution(
        buckets=tuple(buckets),
        total=len(counted),
        within_target=sum(1 for d in counted if d <= target),
        median=statistics.median(counted) if counted else None,
        uncounted=len(days) - len(counted),
    )


def letter_distribution(
    office_ids: list[int] | None = None, held: tuple | None = None
) -> LetterDistribution:
    """One query over all drawn tradings of filed projects (of `office_ids`, None: every office;
    held within `held`, None: ever), counted with one calendar."""
    calendar = current_calendar()
    # A year of a province is tens of thousands of rows but a few thousand distinct pairs of
    # local dates: each pair is counted on the calendar once.
    counted: dict[tuple, int | None] = {}
    days = []
    for _office, published, letter in _drawn_letters(office_ids, held):
        key = (local_date(published), local_date(letter))
        if key not in counted:
            counted[key] = _working_days(calendar, published, letter)
        days.append(counted[key])
    return _distribution(days)


def letter_distributions(office_ids: list[int]) -> dict[int, LetterDistribution]:
    """The distribution of each office of `office_ids` on its own (a district's page lists its
    platforms' figures): one query for all of them, one calendar."""
    calendar = current_calendar()
    days: dict[int, list[int | None]] = {i: [] for i in office_ids}
    for office_id, published, letter in _drawn_letters(office_ids):
        days[office_id].append(_working_days(calendar, published, letter))
    return {i: _distribution(d) for i, d in days.items()}
