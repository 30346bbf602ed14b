"""The 5-working-day clock: from the trading notice to the result letter, one project and all."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from sqlalchemy import String, func, select
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.functions import FunctionElement

from app.calendar.services import current_calendar
from app.extensions import db
from app.workdays import UnconfirmedYear, local_date
from contracts import rules
from contracts.models import EVERY_OFFICE, Project, StatRollup, Trading
from contracts.queries import stats_memo
from notices.models import Notice


def _days(calendar, notice_on: date, letter_on: date) -> int | None:
    try:
        return rules.notice_to_letter_days(calendar, notice_on, letter_on)
    except UnconfirmedYear:  # never guess a year the office has not confirmed
        return None


def notice_to_letter_days(p: Project, calendar=None, notices=None) -> int | None:
    """Working days from the trading notice of the round that was drawn to its result letter
    (DESIGN.md B.5, target 5); None while no round was drawn. `notices`: the project's published
    notices by id when the caller has read them already (only a published notice has a date)."""
    drawn = next((t for t in reversed(p.tradings) if t.is_drawn), None)
    if drawn is None or drawn.letter_issued_at is None:
        return None
    if notices is not None:
        notice = notices.get(drawn.notice_id)
        published = notice.published_at if notice is not None else None
    else:
        published = db.session.scalar(
            select(Notice.published_at).where(Notice.id == drawn.notice_id)
        )
    if published is None:
        return None
    return _days(
        calendar or current_calendar(), local_date(published), local_date(drawn.letter_issued_at)
    )


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


class _local_text(FunctionElement):
    """A stored UTC moment's date in Asia/Shanghai (fixed +08:00, no daylight saving) as text,
    computed in the database so that rows can be grouped by it."""

    type = String()
    inherit_cache = True
    sqlite_format = pg_format = ""


class local_day(_local_text):
    """`YYYY-MM-DD`: the day a notice or a letter counts from."""

    inherit_cache = True
    sqlite_format, pg_format = "%Y-%m-%d", "YYYY-MM-DD"


class local_year(_local_text):
    """`YYYY`: the year of the statistics' rollup (contracts.services.rollup)."""

    inherit_cache = True
    sqlite_format, pg_format = "%Y", "YYYY"


class local_month(_local_text):
    """`YYYY-MM`: the month of the statistics (contracts.queries.stats)."""

    inherit_cache = True
    sqlite_format, pg_format = "%Y-%m", "YYYY-MM"


@compiles(_local_text)
def _local_text_sqlite(element, compiler, **kw):
    moment = compiler.process(element.clauses, **kw)
    return f"strftime('{element.sqlite_format}', {moment}, '+8 hours')"


@compiles(_local_text, "postgresql")
def _local_text_postgresql(element, compiler, **kw):
    moment = compiler.process(element.clauses, **kw)
    return f"to_char({moment} + interval '8 hours', '{element.pg_format}')"


def outcome_in(outcomes, office_ids: list[int] | None):
    """`tradings.outcome IN outcomes`. For some offices' tradings, said through COALESCE (the
    same truth: NULL is in no list), which no index serves: the offices' tradings are then
    found through their projects (office_id, filed_at) and `tradings (project_id)`. SQLite,
    which keeps no statistics, would otherwise walk every trading of the platform of that
    outcome (of the year) by (outcome, held_at) and keep the offices' few."""
    values = [str(o) for o in outcomes]
    if office_ids is not None:
        return func.coalesce(Trading.outcome, "").in_(values)
    return Trading.outcome.in_(values)


def _letter_days(
    office_ids: list[int] | None = None, held: tuple | None = None
) -> list[tuple[int, int | None, int]]:
    """Every drawn trading of a filed project (of `office_ids`, None: every office; whose meeting
    was held within the span `held`, [start, end), if given), counted: rows (office_id, working
    days from its notice to its letter or None for an unconfirmed year, how many tradings) —
    one statement grouped by office and the two local days, so an office's year is at most a
    few hundred pairs of days, each counted on one calendar once, however many tradings."""
    published, letter = local_day(Notice.published_at), local_day(Trading.letter_issued_at)
    stmt = (
        select(Project.office_id, published, letter, func.count())
        .select_from(Trading)
        .join(Notice, Notice.id == Trading.notice_id)
        .join(Project, Project.id == Trading.project_id)
        .where(
            outcome_in([rules.Outcome.DRAWN], office_ids),
            Trading.letter_issued_at.is_not(None),
            Notice.published_at.is_not(None),
            # `filing = 'filed'` (the "filed" CHECK), said so that an office's projects are a
            # range of (office_id, filed_at, id), not a walk of every filed project.
            Project.filed_at.is_not(None),
        )
        .group_by(Project.office_id, published, letter)
    )
    if office_ids is not None:
        stmt = stmt.where(Project.office_id.in_(office_ids))
    if held is not None:
        stmt = stmt.where(Trading.held_at >= held[0], Trading.held_at < held[1])
    return counted_days(db.session.execute(stmt))


def working_days(calendar, pairs) -> dict[tuple[date, date], int | None]:
    """`calendar.working_days_between(a, b)` for every pair, None where a day it counts is in a
    year the calendar has not confirmed (as `_days`): the days from the first to the last are
    walked once and each pair is a difference of running counts, so a thousand pairs cost one
    walk of the span they cover instead of a walk each."""
    pairs = set(pairs)
    if not pairs:
        return {}
    first = min(a for a, _b in pairs)
    last = max(b for _a, b in pairs)
    working = unconfirmed = 0
    #: For each day from `first`: working days and unconfirmed days in (first, day].
    running = {first: (0, 0)}
    day = first
    while day < last:
        day += timedelta(days=1)
        try:
            working += calendar.is_working_day(day)
        except UnconfirmedYear:
            unconfirmed += 1
        running[day] = (working, unconfirmed)
    out: dict[tuple[date, date], int | None] = {}
    for a, b in pairs:
        if b <= a:
            out[a, b] = 0
            continue
        (wa, ua), (wb, ub) = running[a], running[b]
        out[a, b] = wb - wa if ub == ua else None
    return out


def counted_days(rows) -> list[tuple[int, int | None, int]]:
    """Rows (office_id, notice day, letter day, how many) as (office_id, working days or None,
    how many): each pair of days counted once, on the calendar in force."""
    rows = [
        (office_id, date.fromisoformat(notice_on), date.fromisoformat(letter_on), n)
        for office_id, notice_on, letter_on, n in rows
    ]
    counted = working_days(current_calendar(), ((a, b) for _o, a, b, _n in rows))
    return [(office_id, counted[a, b], n) for office_id, a, b, n in rows]


def _median(counts: dict[int, int], total: int) -> float | int | None:
    """statistics.median of the multiset `counts` (value → how many) without expanding it: the
    middle value (odd total) or the mean of the two middle ones, as statistics.median gives."""
    if not total:
        return None
    wanted = {(total - 1) // 2, total // 2}  # 0-based positions of the middle value(s)
    found: dict[int, int] = {}
    seen = 0
    for value in sorted(counts):
        for position in wanted - found.keys():
            if seen <= position < seen + counts[value]:
                found[position] = value
        seen += counts[value]
    low, high = found[(total - 1) // 2], found[total // 2]
    return low if total % 2 else (low + high) / 2


def _distribution(rows) -> LetterDistribution:
    """The distribution of rows (…, days or None, how many): counted per distinct number of
    days, so its cost is that of the rows, not of the tradings they count."""
    counts: dict[int, int] = {}
    uncounted = 0
    for *_rest, d, n in rows:
        if d is None:
            uncounted += n
        else:
            counts[d] = counts.get(d, 0) + n
    target = rules.LETTER_TARGET_WORKING_DAYS
    buckets = [
        (str(k), sum(n for d, n in counts.items() if max(d, 1) == k)) for k in range(1, target + 1)
    ]
    buckets.append((f">{target}", sum(n for d, n in counts.items() if d > target)))
    total = sum(counts.values())
    return LetterDistribution(
        buckets=tuple(buckets),
        total=total,
        within_target=sum(n for d, n in counts.items() if d <= target),
        median=_median(counts, total),
        uncounted=uncounted,
    )


def letter_distribution(
    office_ids: list[int] | None = None, held: tuple | None = None
) -> LetterDistribution:
    """Over all drawn tradings of filed projects (of `office_ids`, None: every office; held
    within `held`, None: ever): one grouped statement, counted with one calendar."""
    return _distribution(_letter_days(office_ids, held))


def distribution(rows) -> LetterDistribution:
    """The distribution of rows (office_id, notice day, letter day, how many): the statistics'
    rollup (contracts.queries.stats) hands its pairs of days here."""
    return _distribution(counted_days(rows))


def scope_letters(office_ids: list[int] | None) -> LetterDistribution:
    """The distribution over every year of `office_ids` (None: every office) from the statistics'
    rollup, as `letter_distribution(office_ids)` counts it from the tradings: the staff
    dashboard's figure, at the cost of the rollup's pairs of days."""
    return letter_figures([EVERY_OFFICE] if office_ids is None else office_ids)[0]


def letter_figures(
    office_ids: list[int],
) -> tuple[LetterDistribution, dict[int, LetterDistribution]]:
    """The distribution over all of `office_ids` and of each on its own (a district's page lists
    its platforms' figures beside its whole), from the statistics' rollup
    (contracts.models.StatRollup) — a few hundred pairs of days an office a year — as kept for
    the offices' data version of every year and the calendar they are counted on
    (contracts.queries.stats_memo): a statement for the version, and the rows read and counted
    only when it moved. Shared while kept: never change the answer."""
    return stats_memo.kept(
        "office_letters",
        (*stats_memo.scope_of(None, office_ids), current_calendar().key),
        stats_memo.data_version(None, office_ids),
        lambda: _letter_figures(office_ids),
    )


def _letter_figures(
    office_ids: list[int],
) -> tuple[LetterDistribution, dict[int, LetterDistribution]]:
    """`letter_figures` read and counted: one statement for the whole and each office."""
    rows = counted_days(
        (office_id, *key.split(" "), n)
        for office_id, key, n in db.session.execute(
            select(StatRollup.office_id, StatRollup.key, func.sum(StatRollup.n))
            .where(StatRollup.figure == "letter", StatRollup.office_id.in_(office_ids))
            .group_by(StatRollup.office_id, StatRollup.key)
            .having(func.sum(StatRollup.n) > 0)
        )
    )
    return _distribution(rows), {
        i: _distribution([r for r in rows if r[0] == i]) for i in office_ids
    }
