"""Keyset pages (app.keyset) of a list kept per process, read as the driver gives their rows.

`app.keyset.window` builds a cursor page's statement on each request and reads every page
through SQLAlchemy's execution and result; the key of the row a cursor names through the ORM.
A list read on every request (the public notice list, issue 14) keeps instead every statement
of its pages once per process (`PageStatements`): the numbered pages', the cursor pages' with
the bound's key as parameters, and the cursor's own row's. Each is read on the driver's cursor
(`app.reads.driver_rows`): the rows are the driver's values, compared by a caller that keeps
what it writes from them (notices.list_lines) and read by their column types only when it
writes anew (`app.reads.typed_rows`).

The statements are those `window` runs — the same SQL, parameters where it had constants;
a Merged list's union written as `app.keyset.Ranges`, one LATERAL range on PostgreSQL — so the
same index ranges are read (tests/web/test_list_plans.py), and a page holds the same rows (the
integration tests of the lists walk every page both ways).
"""

from __future__ import annotations

from dataclasses import dataclass
from operator import itemgetter

from sqlalchemy import bindparam, select, tuple_

from app import reads
from app.keyset import MAX_OFFSET_PAGE, Cursor, Merged, Window, ranges


@dataclass(frozen=True, eq=False)
class PageStatements:
    """Every statement of a list's pages, built once (`page_statements`)."""

    #: Newest first from the parameter `offset` (a Merged list's: each branch's first `limit`).
    numbered: object
    #: The `limit` rows past the key `(k0, k1…)`, newest first (`after`) or oldest (`before`).
    after: object
    before: object
    #: The key of the row whose id is the parameter `id`.
    anchor: object
    merged: bool
    #: A row's key, by position, to merge a Merged list's branches.
    key: object
    #: The position of a row's id.
    id_at: int


def page_statements(stmt, numbered, *key_cols) -> PageStatements:
    """The statements of the pages of `stmt` (a statement of columns, filtered, not ordered, or
    a Merged list of them) newest first by `key_cols` (a time and the id, the id last, each
    among its columns); `numbered` its numbered pages' (a Listing's; a Merged list's are
    built here, as its cursor pages', `app.keyset.ranges`)."""
    merged = isinstance(stmt, Merged)
    names = list((stmt.branches[0] if merged else stmt).selected_columns.keys())
    key = itemgetter(*(names.index(c.key) for c in key_cols))
    bound = tuple_(*(bindparam(f"k{i}", type_=c.type) for i, c in enumerate(key_cols)))
    own = tuple_(*key_cols)
    newest_first = [c.desc() for c in key_cols]
    limit = bindparam("limit")

    def ranged(where, order):
        if not merged:
            return stmt.where(where).order_by(*order).limit(limit)
        return ranges(stmt, where, order, limit)

    return PageStatements(
        numbered=ranges(stmt, None, newest_first, limit) if merged else numbered,
        after=ranged(own < bound, newest_first),
        before=ranged(own > bound, key_cols),
        anchor=select(*key_cols).where(key_cols[-1] == bindparam("id")),
        merged=merged,
        key=key,
        id_at=names.index(key_cols[-1].key),
    )


def rows_window(kept: PageStatements, cursor: Cursor, per_page: int) -> Window:
    """`app.keyset.window` of the list: its page's rows as the driver gives them (plain tuples), and the cursors around it. One statement, and one more to read the key of
    the row a cursor names."""
    if cursor.after is not None or cursor.before is not None:
        found = reads.plain_rows(kept.anchor, {"id": cursor.after or cursor.before})
        if not found or None in found[0]:
            return Window((), False, False, None, None)
        params = {f"k{i}": v for i, v in enumerate(found[0])}
        params["limit"] = per_page + 1
        if cursor.after is not None:
            rows = _merged(kept, reads.driver_rows(kept.after, params), True, per_page + 1)
            return _window(kept, rows, per_page, has_prev=True)
        rows = _merged(kept, reads.driver_rows(kept.before, params), False, per_page + 1)
        more = len(rows) > per_page
        return _window(kept, rows[:per_page][::-1], per_page, has_prev=more, has_next=True)
    if cursor.page > MAX_OFFSET_PAGE:
        return Window((), False, True, None, None)
    offset = (cursor.page - 1) * per_page
    if kept.merged:
        rows = reads.driver_rows(kept.numbered, {"limit": offset + per_page + 1})
        rows = sorted(rows, key=kept.key, reverse=True)[offset : offset + per_page + 1]
    else:
        rows = reads.driver_rows(kept.numbered, {"offset": offset, "limit": per_page + 1})
    return _window(kept, rows, per_page, has_prev=cursor.page > 1)


def _merged(kept: PageStatements, rows, newest_first: bool, limit: int):
    """A Merged list's branches' rows in the list's order, its first `limit` (the database's
    own order, for one statement: it has its ORDER BY)."""
    if not kept.merged:
        return rows
    return sorted(rows, key=kept.key, reverse=newest_first)[:limit]


def _window(
    kept: PageStatements, rows, per_page: int, *, has_prev: bool, has_next: bool | None = None
) -> Window:
    more = len(rows) > per_page if has_next is None else has_next
    items = tuple(rows[:per_page])
    return Window(
        items=items,
        has_next=bool(items) and more,
        has_prev=has_prev,
        after=items[-1][kept.id_at] if items else None,
        before=items[0][kept.id_at] if items else None,
    )
