"""Read-only queries of the site search: the entries matching a query, filtered, by date or by
relevance."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from time import monotonic

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


@dataclass(frozen=True)
class Statistics:
    """What PostgreSQL's ANALYZE knows of the index: its number of entries, and the share of the
    entries holding each of its commonest grams (pg_stats.most_common_elems of the two tsvector
    columns: about the 1,000 commonest of each)."""

    entries: int
    shares: dict[str, float]


#: Statistics are read again after this many seconds (autovacuum's ANALYZE refreshes them).
STATISTICS_TTL = 300.0
_statistics_cache: dict[str, tuple[float, Statistics]] = {}


def statistics() -> Statistics:
    """The index's statistics (cached a few minutes per database): one catalogue read."""
    url = str(db.session.get_bind().url)
    cached = _statistics_cache.get(url)
    if cached and cached[0] > monotonic():
        return cached[1]
    rows = db.session.execute(
        text(
            "SELECT most_common_elems::text::text[], most_common_elem_freqs FROM pg_stats "
            "WHERE schemaname = current_schema() AND tablename = 'search_entries' "
            "AND attname IN ('unigrams', 'bigrams') AND most_common_elems IS NOT NULL"
        )
    ).all()
    entries = db.session.scalar(
        text("SELECT reltuples FROM pg_class WHERE oid = to_regclass('search_entries')")
    )
    shares = {g: f for grams, freqs in rows for g, f in zip(grams, freqs, strict=False)}
    found = Statistics(entries=max(int(entries or 0), 0), shares=shares)
    _statistics_cache[url] = (monotonic() + STATISTICS_TTL, found)
    return found


def _pg_words(query: rules.Query, filters: Filters, wanted: int) -> list:
    """The conditions of every word of `query` on PostgreSQL, in the form that makes the cheaper
    read (rules.walk_is_cheaper): `@@`, which the GIN indexes answer — every match collected,
    then sorted —, or the same test as a plain function, `ts_match_vq`, which no index answers,
    so that the planner walks the entries newest first and stops after the `wanted` newest.
    Both forms match exactly the same entries. The statistics of the grams propose a walk; the
    share of matches among the newest PROBE entries (within `filters`) confirms it — a word of
    common grams may itself be rare (a project code: every pair of digits is common)."""
    stats = statistics()
    shares = {t: rules.term_share(t, stats.shares) for t in query.terms}
    rarest = min(shares.values(), default=0.0)
    tests = [func.ts_match_vq(col, q) for col, q in _pg_terms(query)]
    if rules.walk_is_cheaper(rarest, wanted, stats.entries) and rules.walk_is_cheaper(
        _recent_share(tests, filters), wanted, stats.entries
    ):
        return tests
    # Through the index: the rare words only (a common one would add a long posting list to
    # read, for nothing: the rows the rare ones find are tested against it anyway).
    return [
        test if shares[term] > rarest and shares[term] >= COMMON_SHARE else col.op("@@")(q)
        for term, test, (col, q) in zip(query.terms, tests, _pg_terms(query), strict=True)
    ]


def _pg_terms(query: rules.Query):
    for term in query.terms:
        col = SearchEntry.unigrams if len(term) == 1 else SearchEntry.bigrams
        yield col, cast(literal(rules.term_tsquery(term)), TSQUERY)


#: A word in at least this share of the entries is tested on the rows a rarer word finds rather
#: than read from the index itself.
COMMON_SHARE = 0.05
#: The newest this many entries are tested to confirm that a word is common enough to walk.
PROBE = 500


def _recent_share(tests: list, filters: Filters) -> float:
    """The share of the PROBE newest entries that pass `tests` and `filters` (an index range
    read of PROBE rows)."""
    # Two statements: with the bound a number, the planner knows it is a short range (as a
    # subquery, it would plan for a third of the table and start parallel workers).
    floor = db.session.scalar(
        select(SearchEntry.id).order_by(SearchEntry.id.desc()).offset(PROBE - 1).limit(1)
    )
    stmt = select(func.count()).where(SearchEntry.id >= (floor or 0), *tests)
    return db.session.scalar(_filtered(stmt, filters)) / PROBE


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
#: As many as the numbered pages can show (MAX_OFFSET_PAGE pages of the page's 20).
RANK_WINDOW = MAX_OFFSET_PAGE * 20


def _matching(query: rules.Query, filters: Filters, wanted: int):
    """(the entries matching every word of `query` within `filters`, the column giving the
    order of publication — each database's own, so that the newest matches are read first and
    the read stops after the `wanted` newest)."""
    if _is_postgresql():
        stmt = select(SearchEntry).where(*_pg_words(query, filters, wanted))
        return _filtered(stmt, filters), SearchEntry.id
    # FTS5 returns its matches in rowid order and stops at the LIMIT: the newest page of a
    # word found in every entry is read in a fraction of a millisecond.
    stmt = (
        select(SearchEntry)
        .join(_FTS, _FTS.c.rowid == SearchEntry.id)
        .where(text("search_fts MATCH :match").bindparams(match=rules.fts5_match(query)))
    )
    return _filtered(stmt, filters), _FTS.c.rowid


#: On SQLite, a word in the title counts this many times one in the text.
TITLE_WEIGHT = 2


def _rank(query: rules.Query):
    """Better first (ascending): minus ts_rank on PostgreSQL; on SQLite, minus the times the
    words appear (TITLE_WEIGHT for each in the title). Not FTS5's bm25: its first call counts,
    for each word's weight, every entry holding the word — all million of "2025" — while the
    newest RANK_WINDOW matches are all that is ranked."""
    if _is_postgresql():
        return -sum((func.ts_rank(col, q) for col, q in _pg_clauses(query)), literal(0.0))
    return -sum(
        (
            TITLE_WEIGHT * _occurrences(SearchEntry.title, term)
            + _occurrences(SearchEntry.text, term)
            for term in query.terms
        ),
        literal(0),
    )


def _occurrences(col, term: str):
    """How many times `term` (normalised: lower case) appears in `col` (ASCII lower-cased: SQLite's
    lower(); a count for the order only — which entries match is the index's)."""
    folded = func.lower(col)
    return (func.length(folded) - func.length(func.replace(folded, term, ""))) / len(term)


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
    newest matches ordered by _rank, as a RankedPage of at most MAX_OFFSET_PAGE pages."""
    if sort == rules.Sort.DATE:
        wanted = per_page * min(max(cursor.page, 1), MAX_OFFSET_PAGE) + 1
        stmt, order = _matching(query, filters, wanted)
        return window(stmt, cursor, per_page, order)
    stmt, order = _matching(query, filters, RANK_WINDOW)
    # The rank is computed outside the window: on the RANK_WINDOW rows, not on every match the
    # index found before the newest were picked.
    newest = (
        stmt.with_only_columns(SearchEntry.id.label("id"))
        .order_by(order.desc())
        .limit(RANK_WINDOW)
        .subquery()
    )
    page = min(max(cursor.page, 1), MAX_OFFSET_PAGE)
    rows = db.session.scalars(
        select(SearchEntry)
        .join(newest, newest.c.id == SearchEntry.id)
        .order_by(_rank(query), SearchEntry.id.desc())
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
