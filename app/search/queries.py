"""Read-only queries of the site search: the entries matching a query, filtered, by date or by
relevance."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from sqlalchemy import cast, column, func, literal, select, table, text
from sqlalchemy.dialects.postgresql import TSQUERY

from app import clock
from app.extensions import db
from app.keyset import MAX_OFFSET_PAGE, Cursor, window
from app.search import rules
from app.search.models import SearchEntry

_FTS = table("search_fts", column("rowid"))


@dataclass(frozen=True)
class Filters:
    """What narrows a search: each None for all."""

    kind: str | None = None
    type: str | None = None
    category: str | None = None
    stage: str | None = None
    #: Local dates (Asia/Shanghai), both inclusive.
    since: date | None = None
    until: date | None = None


@dataclass
class RankedPage:
    """A page of results by relevance: numbered, bounded like `?page` (app.keyset)."""

    items: list
    page: int
    has_next: bool

    @property
    def has_prev(self) -> bool:
        return self.page > 1


def _is_postgresql() -> bool:
    return db.session.get_bind().dialect.name == "postgresql"


def _pg_clauses(query: rules.Query):
    ones, longer = rules.tsquery_texts(query)
    pairs = [(SearchEntry.unigrams, ones), (SearchEntry.bigrams, longer)]
    return [(col, cast(literal(q), TSQUERY)) for col, q in pairs if q]


def _start(day: date) -> datetime:
    return datetime.combine(day, time(), tzinfo=clock.TZ)


def _filtered(stmt, filters: Filters):
    if filters.kind:
        stmt = stmt.where(SearchEntry.kind == filters.kind)
    if filters.type:
        stmt = stmt.where(SearchEntry.type == filters.type)
    if filters.category:
        stmt = stmt.where(SearchEntry.category == filters.category)
    if filters.stage:
        stmt = stmt.where(SearchEntry.stage == filters.stage)
    if filters.since:
        stmt = stmt.where(SearchEntry.published_at >= _start(filters.since))
    if filters.until:
        stmt = stmt.where(SearchEntry.published_at < _start(filters.until + timedelta(days=1)))
    return stmt


#: Relevance orders the newest this many matches (within the filters): ranking every match of a
#: word in half the index costs seconds at a million entries, these cost milliseconds (bench/search.py).
RANK_WINDOW = 2000


def _matching(query: rules.Query, filters: Filters):
    """(the entries matching every word of `query` within `filters`, the column giving the
    order of publication — each database's own, so that the newest matches are read first and
    the read stops after a page)."""
    if _is_postgresql():
        stmt = select(SearchEntry)
        for col, q in _pg_clauses(query):
            stmt = stmt.where(col.op("@@")(q))
        return _filtered(stmt, filters), SearchEntry.id
    # FTS5 returns its matches in rowid order and stops at the LIMIT: the newest page of a
    # word found in every entry is read in a fraction of a millisecond.
    stmt = (
        select(SearchEntry)
        .join(_FTS, _FTS.c.rowid == SearchEntry.id)
        .where(text("search_fts MATCH :match").bindparams(match=rules.fts5_match(query)))
    )
    return _filtered(stmt, filters), _FTS.c.rowid


def _rank(query: rules.Query):
    """Better first (ascending): bm25 on SQLite, minus ts_rank on PostgreSQL."""
    if _is_postgresql():
        return -sum((func.ts_rank(col, q) for col, q in _pg_clauses(query)), literal(0.0))
    return func.bm25(text("search_fts"))


def search(
    query: rules.Query,
    filters: Filters,
    sort: rules.Sort,
    cursor: Cursor,
    per_page: int = 20,
):
    """The entries matching every word of `query`, within `filters`. By date: newest first in
    the order they were made public (an entry's id: app.search.services.put gives a new one at
    each publication), as a keyset page (app.keyset.Window). By relevance: the RANK_WINDOW
    newest matches ordered by bm25 / ts_rank, as a RankedPage of at most MAX_OFFSET_PAGE pages."""
    stmt, order = _matching(query, filters)
    if sort == rules.Sort.DATE:
        return window(stmt, cursor, per_page, order)
    ranked = (
        stmt.with_only_columns(SearchEntry.id.label("id"), _rank(query).label("rank"))
        .order_by(order.desc())
        .limit(RANK_WINDOW)
        .subquery()
    )
    page = min(max(cursor.page, 1), MAX_OFFSET_PAGE)
    rows = db.session.scalars(
        select(SearchEntry)
        .join(ranked, ranked.c.id == SearchEntry.id)
        .order_by(ranked.c.rank, SearchEntry.id.desc())
        .offset((page - 1) * per_page)
        .limit(per_page + 1)
    ).all()
    return RankedPage(
        items=list(rows[:per_page]),
        page=page,
        has_next=len(rows) > per_page and page < MAX_OFFSET_PAGE,
    )


def url_of(entry: SearchEntry) -> str | None:
    """The public page of a result (its kind's domain says where: app.search.services.URLS)."""
    from app.search.services import URLS
    from app.wiring import registry

    url_of_key = registry(URLS).get(entry.kind)
    return url_of_key(entry.key) if url_of_key else None
