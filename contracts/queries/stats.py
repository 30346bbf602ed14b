"""The public statistics (公开数据): one aggregate statement per figure, over one year and office.

Each figure is grouped in the database and comes back as a handful of rows (a month, a category,
a rate, a company), so a page costs the same few statements whatever the number of projects. The
award draws' fairness reads the draw records themselves — the candidates frozen at the meeting and
the ranking drawn — not the trading's current winner, which a refusal to sign may have passed on.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from decimal import Decimal

from sqlalchemy import case, func, select, true

from app.calendar.services import current_calendar
from app.clock import TZ
from app.extensions import db
from contractors.models import Contractor, PoolCategory
from contracts import rules
from contracts.models import EVERY_OFFICE, Project, StatRollup, Trading, TradingResponse
from contracts.queries import stats_memo
from contracts.queries.figures import (
    LetterDistribution,
    distribution,
    letter_distribution,
    local_month,
    outcome_in,
)
from contracts.queries.stats_memo import FIRST_YEAR, LAST_YEAR
from lottery.models import Draw


def year_span(year: int) -> tuple[datetime, datetime]:
    """The local calendar year as UTC instants [start, end)."""
    start = datetime(year, 1, 1, tzinfo=TZ).astimezone(UTC)
    return start, datetime(year + 1, 1, 1, tzinfo=TZ).astimezone(UTC)


def _scoped(stmt, office_column, office_ids: list[int] | None):
    return stmt if office_ids is None else stmt.where(office_column.in_(office_ids))


def _drawn_tradings(year: int, office_ids: list[int] | None, *columns):
    start, end = year_span(year)
    stmt = (
        select(*columns)
        .select_from(Trading)
        .join(Project, Project.id == Trading.project_id)
        .where(
            outcome_in([rules.Outcome.DRAWN], office_ids),
            Trading.held_at >= start,
            Trading.held_at < end,
        )
    )
    return _scoped(stmt, Project.office_id, office_ids)


@dataclass(frozen=True)
class Volume:
    """Projects awarded and their contract value (yuan) in one month or one category."""

    key: str
    label: str
    label_en: str
    projects: int
    value: Decimal


def monthly(year: int, office_ids: list[int] | None) -> list[Volume]:
    """Each month of `year` (all twelve, empty ones at zero) by its award meetings."""
    month = local_month(Trading.held_at).label("month")
    rows = db.session.execute(
        _drawn_tradings(
            year, office_ids, month, func.count(), func.sum(Trading.contract_price)
        ).group_by(month)
    ).all()
    found = {m: (n, v) for m, n, v in rows}
    out = []
    for i in range(1, 13):
        key = f"{year}-{i:02d}"
        n, v = found.get(key, (0, Decimal("0")))
        out.append(Volume(key, f"{i}月", f"{i:02d}", n, Decimal(v or 0)))
    return out


def by_category(year: int, office_ids: list[int] | None) -> list[Volume]:
    """Each pool category with awards in `year`, largest value first."""
    rows = db.session.execute(
        _drawn_tradings(
            year,
            office_ids,
            PoolCategory.code,
            PoolCategory.name,
            PoolCategory.name_en,
            func.count(),
            func.sum(Trading.contract_price),
        )
        .join(PoolCategory, PoolCategory.code == Project.category_code)
        .group_by(PoolCategory.code, PoolCategory.name, PoolCategory.name_en)
    ).all()
    volumes = [Volume(c, n, en or n, k, Decimal(v or 0)) for c, n, en, k, v in rows]
    return sorted(volumes, key=lambda v: (-v.value, v.key))


def discount_rates(year: int, office_ids: list[int] | None) -> list[tuple[Decimal, int]]:
    """How often each discount rate (下浮率, percent) was drawn, by rate."""
    stmt = _drawn_tradings(year, office_ids, Trading.discount_rate, func.count()).group_by(
        Trading.discount_rate
    )
    return [(Decimal(r), n) for r, n in db.session.execute(stmt.order_by(Trading.discount_rate))]


def _candidates_of_each_draw():
    """The draws' candidate lists as rows (table-valued JSON: SQLite's json_each, PostgreSQL's
    json_array_elements_text; both may name the draw's column without LATERAL)."""
    if db.session.get_bind().dialect.name == "postgresql":
        return func.json_array_elements_text(Draw.candidates).table_valued("value").render_derived()
    return func.json_each(Draw.candidates).table_valued("value")


def draw_entries(year: int, office_ids: list[int] | None) -> list[rules.DrawEntries]:
    """For every company that was a candidate of an award draw drawn in `year`: how many draws of
    each size it entered and how many it won (ranked first) — one statement, grouped by company
    and draw size, then their names — with the response commitments it gave to the tradings decided that year
    (a second statement). Companies no longer registered keep their code as their name."""
    start, end = year_span(year)
    entry = _candidates_of_each_draw()
    size = func.json_array_length(Draw.candidates)
    won = case((entry.c.value == Draw.result[0].as_string(), 1), else_=0)
    stmt = (
        select(entry.c.value, size, Draw.winners, func.count(), func.sum(won))
        .select_from(Draw)
        .join(entry, true())
        .where(
            Draw.status == "drawn",
            # An award is a ranking whose first place takes the contract (the rate is a pick).
            Draw.kind == "ranking",
            Draw.winners == 1,
            Draw.subject_type.in_(rules.DRAW_SUBJECT_TYPES),
            Draw.drawn_at >= start,
            Draw.drawn_at < end,
        )
        # Grouped by the candidate's code alone (its name comes after, from far fewer rows):
        # a join before the grouping would carry the name through the sort of every entry.
        .group_by(entry.c.value, size, Draw.winners)
    )
    stmt = _scoped(stmt, Draw.office_id, office_ids)
    companies: dict[str, dict] = {}
    for uscc, n, winners, count, wins in db.session.execute(stmt):
        c = companies.setdefault(uscc, {"entries": [], "wins": 0})
        c["entries"].append((int(n), int(winners), int(count)))
        c["wins"] += int(wins or 0)
    names = stats_memo.names(list(companies))
    responses = dict(
        db.session.execute(
            _scoped(
                select(Contractor.uscc, func.count())
                .select_from(TradingResponse)
                .join(Trading, Trading.id == TradingResponse.trading_id)
                .join(Project, Project.id == Trading.project_id)
                .join(Contractor, Contractor.id == TradingResponse.contractor_id)
                .where(
                    TradingResponse.withdrawn_at.is_(None),
                    # Decided (`outcome IS NOT NULL`, its CHECK's values) said as a list, so the
                    # year is a range of (outcome, held_at) per outcome: IS NOT NULL made SQLite
                    # scan every response ever given.
                    outcome_in(list(rules.Outcome), office_ids),
                    Trading.held_at >= start,
                    Trading.held_at < end,
                )
                .group_by(Contractor.uscc),
                Project.office_id,
                office_ids,
            )
        ).all()
    )
    return [
        rules.DrawEntries(
            uscc,
            names.get(uscc, uscc),
            tuple(sorted(c["entries"])),
            c["wins"],
            responses.get(uscc, 0),
        )
        for uscc, c in sorted(companies.items())
    ]


def fairness(year: int, office_ids: list[int] | None) -> rules.Fairness:
    """The award draws' fairness test of `year` (contracts.rules.fairness)."""
    entries = draw_entries(year, office_ids)
    # Every award draw has exactly one winner, so the draws are the wins counted.
    return rules.company_fairness(entries, draws=sum(e.wins for e in entries))


def parse_year(raw: str | None, default: int) -> int | None:
    """`?year=`: blank gives `default`; four ASCII digits within FIRST_YEAR..LAST_YEAR give that
    year; anything else None (the caller answers 400)."""
    text = (raw or "").strip()
    if not text:
        return default
    if len(text) != 4 or not text.isascii() or not text.isdigit():
        return None
    year = int(text)
    return year if FIRST_YEAR <= year <= LAST_YEAR else None


@dataclass(frozen=True)
class Figures:
    """Every figure of the statistics page for one year and office (None: every office)."""

    year: int
    months: list[Volume]
    categories: list[Volume]
    rates: list[tuple[Decimal, int]]
    letters: LetterDistribution
    fairness: rules.Fairness

    @property
    def projects(self) -> int:
        return sum(m.projects for m in self.months)

    @property
    def value(self) -> Decimal:
        return sum((m.value for m in self.months), Decimal("0"))


def live_figures(year: int, office_ids: list[int] | None) -> Figures:
    """The page's figures computed from the tradings and draws themselves (six grouped
    statements over the year's rows): what the rollup must always equal (its tests)."""
    return Figures(
        year=year,
        months=monthly(year, office_ids),
        categories=by_category(year, office_ids),
        rates=discount_rates(year, office_ids),
        letters=letter_distribution(office_ids, year_span(year)),
        fairness=fairness(year, office_ids),
    )


def _rollup_rows(year: int, offices: list[int]) -> dict[str, list[tuple[str, int, Decimal]]]:
    """The rollup's rows of the page's figures but the test, by figure: (key, n, total)."""
    n = func.sum(StatRollup.n)
    rows: dict[str, list[tuple[str, int, Decimal]]] = {}
    for figure, key, count, total in db.session.execute(
        select(StatRollup.figure, StatRollup.key, n, func.sum(StatRollup.total))
        .where(
            StatRollup.year == year,
            StatRollup.office_id.in_(offices),
            StatRollup.figure.in_(["month", "category", "rate", "letter"]),
        )
        .group_by(StatRollup.figure, StatRollup.key)
        .having(n > 0)
    ):
        rows.setdefault(figure, []).append((key, int(count), Decimal(total or 0)))
    return rows


def figures(year: int, office_ids: list[int] | None, *, named: bool = True) -> Figures:
    """The page's figures from the statistics' rollup (contracts.models.StatRollup): its rows of
    the year and offices (or the every-office rows), the notice-to-letter distribution counted
    from them and the fairness test, each as kept for the rollup's data version (stats_memo) —
    the same figures as `live_figures`, at the cost of one statement for the version and one
    for the categories' names, not of the year's tradings nor of the rollup's rows. With `named`
    False the companies carry their codes as names: the caller names the rows it shows
    (stats_memo.named)."""
    version = stats_memo.data_version(year, office_ids)
    fair = stats_memo.fairness(year, office_ids, version)
    scope = stats_memo.scope_of(year, office_ids)
    offices = [EVERY_OFFICE] if office_ids is None else office_ids
    rows = stats_memo.kept("figures", scope, version, lambda: _rollup_rows(year, offices))
    letters = stats_memo.kept(
        "letters",
        (*scope, current_calendar().key),
        version,
        lambda: distribution(
            (None, *key.split(" "), count) for key, count, _t in rows.get("letter", [])
        ),
    )
    found = {key: (count, total) for key, count, total in rows.get("month", [])}
    months = []
    for i in range(1, 13):
        key = f"{year}-{i:02d}"
        count, total = found.get(key, (0, Decimal("0")))
        months.append(Volume(key, f"{i}月", f"{i:02d}", count, total))
    volumes = {key: (count, total) for key, count, total in rows.get("category", [])}
    named_categories = db.session.execute(
        select(PoolCategory.code, PoolCategory.name, PoolCategory.name_en).where(
            PoolCategory.code.in_(list(volumes))
        )
    ).all()
    categories = sorted(
        (Volume(c, name, en or name, *volumes[c]) for c, name, en in named_categories),
        key=lambda v: (-v.value, v.key),
    )
    rates = sorted((Decimal(key), count) for key, count, _t in rows.get("rate", []))
    if named:
        fair = dataclasses.replace(fair, companies=tuple(stats_memo.named(fair.companies)))
    return Figures(
        year=year, months=months, categories=categories, rates=rates, letters=letters, fairness=fair
    )


@dataclass
class Numbered:
    """One page of a list held in memory, numbered like `?page=` (the pager of
    templates/_macros/notices.html): a page beyond the last shows the last."""

    items: list
    page: int
    pages: int
    #: How many items come before this page's first.
    start: int

    @property
    def has_prev(self) -> bool:
        return self.page > 1

    @property
    def has_next(self) -> bool:
        return self.page < self.pages

    @property
    def prev_num(self) -> int:
        return self.page - 1

    @property
    def next_num(self) -> int:
        return self.page + 1


def numbered(items: Sequence, page: int, per_page: int) -> Numbered:
    """Page `page` (from 1, as `app.urls.page_arg` bounds it) of `items`, `per_page` a page."""
    pages = max(1, -(-len(items) // per_page))
    page = min(max(page, 1), pages)
    start = (page - 1) * per_page
    return Numbered(list(items[start : start + per_page]), page, pages, start)
