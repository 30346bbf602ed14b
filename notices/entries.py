"""The notices API's pages as keys (issue 14): each notice of a page as everything its record is
made of, as read — which notices.api looks its kept JSON up by — and the page's window.

`published_entries` gives the page `notices.records.published_records` gives, its items each
notice's key `(kind, its row, the rows of its corrections and attachments)`; `record_of(key)`
makes one into that NoticeRecord. The pages of a list kept per process (no `?since=`: one
statement for a type and office, `Merged` branches for several) are read as the driver gives
their rows (`app.reads.driver_rows`, RAW keys), with their statements kept per process — the
numbered pages' (`Listing.numbered`, `Merged.numbered`) and the cursor pages' (`_cursor`, the
cursor's row read by its own kept statement): typing a page's times into aware datetimes and
SQLAlchemy's building, keying and running of its statements cost more than the kept JSON
saves. A record is typed only when its JSON is not kept. A page of `?since=`, or past the
numbered pages, is read as `published_records` reads it (TYPED keys)."""

from __future__ import annotations

from collections import namedtuple
from datetime import datetime
from functools import cache, lru_cache
from typing import NamedTuple

from sqlalchemy import bindparam, select, tuple_, union_all

from app import reads
from app.extensions import db
from app.keyset import MAX_OFFSET_PAGE, Cursor, Listing, Merged, Window, window
from notices.models import Notice
from notices.queries import narrowed
from notices.records import (
    NoticeRecord,
    _by_notice,
    _extras_statement,
    _kept_records,
    _record,
    _records_select,
    changed_since,
)

#: The first element of a key whose values are as the driver gave them.
RAW = "raw"
#: The first element of a key whose values are read by their columns' types.
TYPED = "typed"

#: `_records_select`'s columns by position (notices.records._record_columns).
_ID, _PUBLISHED_AT = 0, 3


class Entries(NamedTuple):
    """A page of the API's list: its window, and each notice's key in the page's order."""

    window: Window
    keys: list[tuple]


def published_entries(
    types: tuple[str, ...],
    page: Cursor | int,
    per_page: int,
    office_ids: list[int] | None = None,
    since: datetime | None = None,
) -> Entries:
    """The page `records.published_records(types, page, per_page, office_ids, since)` gives, as
    keys (the module's docstring says how it is read)."""
    if not isinstance(page, Cursor):
        page = Cursor(page=max(page or 1, 1))
    if since is None:
        stmt = _kept_records(types, None if office_ids is None else tuple(office_ids))
        if page.after is not None or page.before is not None:
            return _raw_entries(_cursor_window(stmt, page, per_page))
        if page.page <= MAX_OFFSET_PAGE:
            return _raw_entries(_numbered_window(stmt, page.page, per_page))
    else:
        stmt = narrowed(_records_select(), types, office_ids, None, changed_since(since))
    pagination = window(stmt, page, per_page, Notice.published_at, Notice.id)
    rows = pagination.items
    ids = [r[_ID] for r in rows]
    found = reads.rows(_extras_statement(len(ids)), _id_params(ids)) if ids else ()
    extras = _by_notice(found)
    keys = [(TYPED, r, _extras_key(extras.get(i))) for r, i in zip(rows, ids, strict=True)]
    return Entries(pagination, keys)


def _raw_entries(pagination: Window) -> Entries:
    """RAW keys of a window of the driver's rows, their extras read so too."""
    ids = [r[_ID] for r in pagination.items]
    found = reads.driver_rows(_extras_statement(len(ids)), _id_params(ids)) if ids else ()
    extras = _by_notice(found)
    keys = [
        (RAW, r, _extras_key(extras.get(i))) for r, i in zip(pagination.items, ids, strict=True)
    ]
    return Entries(pagination, keys)


def _numbered_window(stmt: Listing | Merged, page: int, per_page: int) -> Window:
    """A numbered page as `keyset.window` gives it (`keyset._numbered`), of the driver's rows."""
    offset = (page - 1) * per_page
    limit = per_page + 1
    if isinstance(stmt, Merged):
        # Each branch's first offset + limit rows hold the list's, sorted here.
        rows = _newest_first(reads.driver_rows(stmt.numbered, {"limit": offset + limit}))
        rows = rows[offset : offset + limit]
    else:
        rows = reads.driver_rows(stmt.numbered, {"offset": offset, "limit": limit})
    return _window(rows, per_page, has_prev=page > 1)


def _cursor_window(stmt: Listing | Merged, cursor: Cursor, per_page: int) -> Window:
    """A cursor page as `keyset.window` gives it (`keyset._bounds`, `keyset._range`), of the
    driver's rows, by statements kept per process."""
    anchor_id = cursor.after if cursor.after is not None else cursor.before
    anchor = reads.plain_rows(_anchor(), {"anchor": anchor_id})
    if not anchor or None in anchor[0]:
        return Window([], False, False, None, None)
    newest_first = cursor.after is not None
    published_at, notice_id = anchor[0]
    params = {"t": published_at, "i": notice_id, "limit": per_page + 1}
    rows = reads.driver_rows(_cursor(stmt, newest_first), params)
    if isinstance(stmt, Merged):
        rows = _newest_first(rows) if newest_first else _newest_first(rows)[::-1]
        rows = rows[: per_page + 1]
    if newest_first:
        return _window(rows, per_page, has_prev=True)
    more = len(rows) > per_page
    return _window(list(reversed(rows[:per_page])), per_page, has_prev=more, has_next=True)


def _window(rows, per_page: int, *, has_prev: bool, has_next: bool | None = None) -> Window:
    """`keyset._window` of rows read by position."""
    more = len(rows) > per_page if has_next is None else has_next
    items = list(rows[:per_page])
    return Window(
        items=items,
        has_next=bool(items) and more,
        has_prev=has_prev,
        after=items[-1][_ID] if items else None,
        before=items[0][_ID] if items else None,
    )


def _newest_first(rows) -> list:
    """The driver's rows of several branches in the list's order, newest first by (published_at,
    id) read by their type (the driver's text of a time need not sort as the time does)."""
    read = _published_at_reader()
    if read is None:
        return sorted(rows, key=lambda r: (r[_PUBLISHED_AT], r[_ID]), reverse=True)
    return sorted(rows, key=lambda r: (read(r[_PUBLISHED_AT]), r[_ID]), reverse=True)


def _published_at_reader():
    """The conversion of the driver's published_at into its column's value (None: as it is)."""
    dialect = db.session().connection().dialect
    return reads._typing(_typing_statement(), dialect)[1][_PUBLISHED_AT]


@cache
def _anchor():
    """The key of the row a cursor names (`keyset._bounds`' statement, kept)."""
    return select(Notice.published_at, Notice.id).where(Notice.id == bindparam("anchor"))


@lru_cache(maxsize=512)
def _cursor(stmt: Listing | Merged, newest_first: bool):
    """The statement of a cursor page of `stmt` (a list kept per process), kept: the rows past
    the key `(:t, :i)` in the list's order (`newest_first`) or the other, `:limit` of them —
    `keyset._range`'s statement, its bound and LIMIT parameters rather than values."""
    key = tuple_(Notice.published_at, Notice.id)
    bound = tuple_(
        bindparam("t", type_=Notice.published_at.type), bindparam("i", type_=Notice.id.type)
    )
    if newest_first:
        where, order = key < bound, (Notice.published_at.desc(), Notice.id.desc())
    else:
        where, order = key > bound, (Notice.published_at, Notice.id)
    limit = bindparam("limit")
    if isinstance(stmt, Merged):
        return union_all(
            *(
                b.where(where).order_by(*order).limit(limit).subquery().select()
                for b in stmt.branches
            )
        )
    return stmt.stmt.where(where).order_by(*order).limit(limit)


def _id_params(ids: list[int]) -> dict[str, int]:
    return {f"id{k}": i for k, i in enumerate(ids)}


def _extras_key(rows: list | None) -> tuple:
    """A notice's extras in one order whatever order the database gave them in (the UNION ALL
    promises none): corrections before attachments, each by its id (unique within its kind)."""
    if not rows:
        return ()
    return tuple(tuple(r) for r in sorted(rows, key=_extras_order))


def _extras_order(row) -> tuple:
    return (row[3] is None, row[1])  # an attachment has no status; its id, or the correction's


def record_of(key: tuple) -> NoticeRecord:
    """The NoticeRecord of a key of `published_entries`: its values read by their columns'
    types if they are the driver's."""
    kind, row, extras = key
    if kind == RAW:
        row = reads.typed_rows(_typing_statement(), (row,))[0]
        extras = reads.typed_rows(_extras_statement(1), extras)
    else:
        extras = [_extras_row()._make(values) for values in extras]
    return _record(row, extras)


@cache
def _typing_statement():
    """A statement of `_record_columns` kept per process, by which a RAW row is typed
    (app.reads.typed_rows keeps its conversions per statement)."""
    return _records_select()


@cache
def _extras_row() -> type:
    """The named tuple of `_extras_statement`'s columns, for a TYPED key's extras."""
    return namedtuple("Extra", _extras_statement(1).selected_columns.keys())
