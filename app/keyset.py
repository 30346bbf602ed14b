"""Keyset (cursor) pagination for the public lists and the API: pages that cost the same on the
millionth notice as on the first.

A list is ordered newest first by a time and the id (`(published_at, id)`, `(filed_at, id)`…),
each served by an index in that order. A page is read as "the next `per_page` rows after this
one": `?after=<id>` names the last row of the page before, whose key the query continues from
(`WHERE (time, id) < (:t, :id) ORDER BY time DESC, id DESC LIMIT per_page + 1` — an index range
read that stops after one row more than the page, which tells whether there is a next page).
`?before=<id>` reads backwards for the previous page. Nothing counts the table: there is no
"page 7 of 50 000", only newest / previous / next.

`?page=N` of older links still works for the first `MAX_OFFSET_PAGE` pages (an OFFSET that
small costs nothing); beyond it a list answers an empty page that links back to the newest,
rather than an OFFSET that reads a million rows. Every link the platform makes is a cursor.

An unreadable cursor is ignored (the first page), a cursor naming no row gives an empty page:
the same "never an error" promise `?page=` always had.
"""

from __future__ import annotations

from dataclasses import dataclass
from itertools import product
from operator import attrgetter

from flask import request
from sqlalchemy import bindparam, column, literal, select, true, tuple_, union_all, values
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.selectable import CompoundSelect

from app import reads
from app.extensions import db
from app.urls import page_arg, record_id

#: `?page=N` of older links is honoured up to this page; the cursor links take over from there.
MAX_OFFSET_PAGE = 50


@dataclass(frozen=True)
class Cursor:
    """Where a page starts: after a row, before a row, or at an old-style page number."""

    after: int | None = None
    before: int | None = None
    page: int = 1


def cursor_arg() -> Cursor:
    """`?after=` / `?before=` / `?page=` of the current request (one of them; `after` wins)."""
    after = request.args.get("after", type=record_id)
    if after is not None:
        return Cursor(after=after)
    before = request.args.get("before", type=record_id)
    if before is not None:
        return Cursor(before=before)
    return Cursor(page=page_arg())


@dataclass
class Window:
    """One page of a keyset list: its rows and the cursors of the pages around it."""

    items: list
    has_next: bool
    has_prev: bool
    #: The id the next page starts after (the last row's), when there is a next page.
    after: int | None
    #: The id the previous page ends before (the first row's), when there is a previous page.
    before: int | None

    def next_args(self) -> dict | None:
        """The query arguments of the next page (the API's `next`), or None on the last page."""
        return {"after": self.after} if self.has_next else None


@dataclass(frozen=True, eq=False)
class Listing:
    """A list's statement (filtered, not ordered) with the statement of its numbered pages built
    from it once, for a caller that keeps a list's statements per process (`listing`).

    SQLAlchemy keys its compiled SQL by a cache key it works out anew for every statement object,
    and a list's page statement is the biggest of a list page's: building it and its key each
    time cost ~170 µs of the notice list's ~2 ms, running it less (issue 14). A statement kept
    with its LIMIT and OFFSET as parameters keeps its key. The cursor pages (`?after=`,
    `?before=`) are still built on each request from `stmt`.

    `stmt` selects columns, never an entity: its pages are read on the connection
    (`app.reads.rows`), without the ORM's execution and loading (~45 µs a page, issue 14)."""

    stmt: object
    #: `stmt` newest first, its OFFSET and LIMIT the parameters `offset` and `limit`.
    numbered: object


def listing(stmt, *key_cols) -> Listing | Merged:
    """`stmt` as a Listing for `window` with the same `key_cols` (a Merged list as it is: it is
    kept as a Listing is)."""
    if isinstance(stmt, Merged):
        return stmt
    newest_first = [c.desc() for c in key_cols]
    numbered = stmt.order_by(*newest_first).offset(bindparam("offset")).limit(bindparam("limit"))
    return Listing(stmt, numbered)


@dataclass(frozen=True)
class Cuts:
    """How a Merged list's branches are cut from one statement: `base` with its `columns` equal
    to the values of one of `rows` (a branch a row, in their order)."""

    base: object
    columns: tuple
    rows: tuple


@dataclass(frozen=True, eq=False)
class Merged:
    """A list that is the rows of several disjoint statements (`branches`, filtered, not
    ordered), newest first: a list of several notice types (`?type=a,b`), a branch per type;
    of a district's offices, a branch per office (and type).

    Read as one statement (`type IN (a, b)`), the database walks every row in the list's
    order and keeps the asked types' until it has a page: the rarer the types, the farther
    (issue 14; notices.queries.narrowed has the figures). Each branch is read as its
    own index range in the list's order, stopping at the page's LIMIT, all in one statement (a
    UNION ALL; `ranges` for a list's kept statements); the page is cut from their rows here,
    sorted by the key: the UNION ALL promises no order, and a sort in SQL is one the plan tests
    would rightly refuse. A list of one type is one statement, as before.

    The branches select the same columns, never an entity (as a `Listing`'s); `numbered` is
    their union each newest first with the LIMIT `limit` (a parameter): a numbered page takes
    its rows after the first pages' from it. Built by `merged`, kept per process by a caller
    as a Listing is."""

    branches: tuple
    numbered: object
    #: The key columns' names in a branch's rows, to sort them by.
    key: object
    cuts: Cuts


def merged(stmt, cuts, *key_cols) -> Merged:
    """`stmt` cut into a branch for each combination of values of `cuts` — pairs of a column and
    its values, `[(Notice.type, types), (Notice.office_id, offices)]`: `column IN values` for
    each, as disjoint statements, each its own index range in the list's order — as a Merged
    for `window` with the same `key_cols`. An office filter names a district — its office and
    its platforms — and `office_id IN (…)` has no index in a list's order: the database walked
    the whole list filtering by office, or read every row of the offices and sorted them
    (issue 14)."""
    columns = tuple(c for c, _values in cuts)
    rows = tuple(product(*(tuple(dict.fromkeys(vs)) for _column, vs in cuts)))
    branches = tuple(
        stmt.where(*(c == v for c, v in zip(columns, row, strict=True))) for row in rows
    )
    newest_first = [c.desc() for c in key_cols]
    numbered = _union(branches, None, newest_first, bindparam("limit"))
    return Merged(
        branches, numbered, attrgetter(*(c.key for c in key_cols)), Cuts(stmt, columns, rows)
    )


class Ranges(CompoundSelect):
    """The first rows of each of a Merged list's branches (`ranges`): the UNION ALL of their
    ranges; on PostgreSQL (`_lateral_ranges`) one range read per row of a VALUES list of the
    branches' values, `LATERAL`.

    PostgreSQL plans each branch of a UNION ALL on its own, and keeps planning them: a prepared
    statement's generic plan is only taken once it looks no dearer than the custom plans, and
    at 1,000,000 notices a district's list of two types (8 branches, each with its 已更正
    probe) was planned anew on every run, 25 of 25 — ~1.5 ms of planning for 0.4 ms of
    reading, 1.2–1.4× its time at 10,000 notices (issue 14). Written as one range over the
    branches' values it is planned once, and reads the same rows: at 1,000,000 notices 1.78 →
    0.17 ms of planning (0.38 → 0.16 ms of reading), 2.0–2.7 → 0.4–0.7 ms a run prepared, as
    at 10,000 (0.3–0.6 ms). SQLite keeps the UNION ALL (it has no LATERAL).

    Never kept by SQLAlchemy's cache of compiled statements (`inherit_cache = False`): its
    key is its branches', whose values of the cut columns are parameters, while the LATERAL
    form writes them in its SQL. A list's kept statements are compiled once per process by
    `app.reads`, keyed by the statement itself."""

    inherit_cache = False

    def __init__(self, union, lateral):
        super().__init__(union.keyword, *union.selects)
        self.lateral = lateral


@compiles(Ranges, "postgresql")
def _lateral_ranges(element, compiler, **kw):
    return compiler.process(element.lateral, **kw)


def ranges(found: Merged, where, order, limit) -> Ranges:
    """The first `limit` rows in `order` of each branch of `found` (past a cursor's bound
    `where`, if any): one statement (`Ranges`), whose rows the caller sorts."""
    cuts = found.cuts
    listed = values(
        *(column(f"c{i}", c.type) for i, c in enumerate(cuts.columns)),
        name="cut",
        literal_binds=True,
    ).data(list(cuts.rows))
    one = _first(
        cuts.base.where(*(c == v for c, v in zip(cuts.columns, listed.c, strict=True))),
        where,
        order,
        limit,
    ).lateral("ranged")
    lateral = select(*one.c).select_from(listed.join(one, true()))
    return Ranges(_union(found.branches, where, order, limit), lateral)


def _first(stmt, where, order, limit):
    """`stmt`'s first `limit` rows in `order`, past `where` (None: from the first)."""
    stmt = stmt if where is None else stmt.where(where)
    return stmt.order_by(*order).limit(limit)


def _union(branches, where, order, limit):
    """Each branch's first rows (`_first`), in one UNION ALL: each branch's ORDER BY and LIMIT
    inside a subquery (SQLite refuses them in a compound's branches)."""
    return union_all(*(_first(b, where, order, limit).subquery().select() for b in branches))


def window(stmt, cursor: Cursor | int, per_page: int, *key_cols) -> Window:
    """A page of `stmt` (filtered, not ordered) newest first by `key_cols` — a time and the id,
    `(Notice.published_at, Notice.id)`, or the id alone; the last is the id the cursors name.
    `stmt` may be a `Listing` of them, kept by the caller, or a `Merged` list. `cursor` is a
    Cursor, or a page number. One statement, and one more to read the key of the row a cursor
    names."""
    if not isinstance(cursor, Cursor):
        cursor = Cursor(page=max(cursor or 1, 1))
    if cursor.after is not None or cursor.before is not None:
        bounds = _bounds(cursor, key_cols)
        if bounds is None:
            return Window([], False, False, None, None)
        key, bound = bounds
        if cursor.after is not None:
            newest_first = [c.desc() for c in key_cols]
            rows = _range(stmt, key < bound, newest_first, per_page + 1, newest_first=True)
            return _window(rows, per_page, has_prev=True)
        rows = _range(stmt, key > bound, key_cols, per_page + 1, newest_first=False)
        more = len(rows) > per_page
        return _window(list(reversed(rows[:per_page])), per_page, has_prev=more, has_next=True)
    if cursor.page > MAX_OFFSET_PAGE:
        return Window([], False, True, None, None)
    offset = (cursor.page - 1) * per_page
    return _window(
        _numbered(stmt, key_cols, offset, per_page + 1), per_page, has_prev=cursor.page > 1
    )


def _bounds(cursor: Cursor, key_cols):
    """The key and the key's value at the row a cursor names, or None for no such row."""
    id_col = key_cols[-1]
    key = tuple_(*key_cols) if len(key_cols) > 1 else id_col
    anchor = db.session.execute(
        select(*key_cols).where(id_col == (cursor.after or cursor.before))
    ).first()
    if anchor is None or None in anchor:
        return None
    values = [literal(v, c.type) for v, c in zip(anchor, key_cols, strict=True)]
    return key, tuple_(*values) if len(values) > 1 else values[0]


def _range(stmt, where, order, limit: int, *, newest_first: bool) -> list:
    """The first `limit` rows of `stmt` in `order` (its key's, newest or oldest first) past the
    cursor's bound `where`."""
    if isinstance(stmt, Merged):
        # Each branch's first `limit`, merged.
        rows = reads.rows(_union(stmt.branches, where, order, limit))
        rows.sort(key=stmt.key, reverse=newest_first)
        return rows[:limit]
    if isinstance(stmt, Listing):
        return reads.rows(stmt.stmt.where(where).order_by(*order).limit(limit))
    return _rows(stmt.where(where).order_by(*order).limit(limit))


def _numbered(stmt, key_cols, offset: int, limit: int) -> list:
    """`limit` rows of `stmt` newest first from the `offset`-th (a numbered page)."""
    if isinstance(stmt, Merged):
        # Each branch's first offset + limit rows hold the list's (at most 50 pages deep).
        rows = reads.rows(stmt.numbered, {"limit": offset + limit})
        rows.sort(key=stmt.key, reverse=True)
        return rows[offset : offset + limit]
    if isinstance(stmt, Listing):
        return reads.rows(stmt.numbered, {"offset": offset, "limit": limit})
    newest_first = [c.desc() for c in key_cols]
    return _rows(stmt.order_by(*newest_first).offset(offset).limit(limit))


def _rows(stmt, params: dict | None = None) -> list:
    """The page and one row more (`stmt` is limited to it): the records of a statement of one
    entity (`select(Notice)`), else its rows as they are (`select(Notice.id, Notice.title, …)`,
    read by attribute)."""
    result = db.session.execute(stmt, params)
    if len(result.keys()) == 1:
        return list(result.scalars().unique())
    return result.all()


def _window(rows: list, per_page: int, *, has_prev: bool, has_next: bool | None = None) -> Window:
    more = len(rows) > per_page if has_next is None else has_next
    items = rows[:per_page]
    return Window(
        items=items,
        has_next=bool(items) and more,
        has_prev=has_prev,
        after=items[-1].id if items else None,
        before=items[0].id if items else None,
    )


@dataclass
class ListWindow:
    """One page of a list held in memory (`list_window`), shaped for `app.api.paginated`."""

    items: list
    has_next: bool
    #: The cursor of the page's last item: the next page starts after it.
    after: str | None

    def next_args(self) -> dict | None:
        return {"after": self.after} if self.has_next else None


def list_window(items: list, per_page: int, *, key, token, parse) -> ListWindow:
    """A cursor page of a short list built in memory (the offices, today's pool, the published
    sanctions: hundreds or thousands of rows, read whole), as stable as the table lists.

    The list is ordered by `key(item)`; `?after=<token>` — `token(item)` of the last item of the
    page before — continues with the items whose key comes after `parse(token)`, so an item added
    or removed meanwhile never shifts a page (a removed item's token still works: its key does).
    `parse` gives None for an unreadable token (the first page, as for the table lists).
    `?page=N` of older links still works."""
    items = sorted(items, key=key)
    raw = request.args.get("after")
    start = parse(raw) if raw else None
    if start is not None:
        rest = [item for item in items if key(item) > start]
    else:
        rest = items[(page_arg() - 1) * per_page :]
    shown = rest[:per_page]
    return ListWindow(shown, len(rest) > per_page, token(shown[-1]) if shown else None)
