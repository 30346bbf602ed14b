"""The notices API's pages as keys (issue 14): each notice of a page as everything its record is
made of, as read — which notices.api looks its kept JSON up by — and the page's window.

`published_entries` gives the page `notices.records.published_records` gives, its items each
notice's key `(kind, its row, the rows of its corrections and attachments)`; `record_of(key)`
makes one into that NoticeRecord. The pages of a list kept per process (no `?since=`: one
statement for a type and office, `Merged` branches for several) are read as the driver gives
their rows (`app.reads.driver_rows`, RAW keys), with their statements kept per process — the
numbered pages' and the cursor pages', the cursor's row read by its own kept statement
(`app.rowpages`, by which the notice list reads its pages too): typing a page's times into
aware datetimes and SQLAlchemy's building, keying and running of its statements cost more than
the kept JSON saves. A record is typed only when its JSON is not kept. A page of `?since=`, or
past the numbered pages, is read as `published_records` reads it (TYPED keys)."""

from __future__ import annotations

from collections import namedtuple
from datetime import datetime
from functools import cache, lru_cache
from typing import NamedTuple

from app import reads
from app.keyset import MAX_OFFSET_PAGE, Cursor, Merged, Window, window
from app.rowpages import PageStatements, page_statements, rows_window
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

#: The id's position among `_records_select`'s columns (notices.records._record_columns).
_ID = 0


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
        offices = None if office_ids is None else tuple(office_ids)
        if page.after is not None or page.before is not None or page.page <= MAX_OFFSET_PAGE:
            return _raw_entries(rows_window(_kept_pages(types, offices), page, per_page))
        stmt = _kept_records(types, offices)  # past the numbered pages: as published_records
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


@lru_cache(maxsize=256)
def _kept_pages(types: tuple[str, ...], office_ids: tuple[int, ...] | None) -> PageStatements:
    """Every statement of the pages of the API's list of `types` and offices, built once per
    process (app.rowpages), as the notice list's are (notices.queries._kept_lines)."""
    kept = _kept_records(types, office_ids)
    return page_statements(
        kept if isinstance(kept, Merged) else kept.stmt,
        kept.numbered,
        Notice.published_at,
        Notice.id,
    )


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
