"""Offices for pages and the API: by code, the districts, each district's platforms."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from types import MappingProxyType

from flask import has_request_context, request
from sqlalchemy import select, union_all

from app import reads
from app.extensions import db

from .models import Office, Placed
from .rules import OfficeKind
from .scope import scope_ids


def ref(office: Office | OfficeRow | None) -> dict | None:
    """An office as API v1 names it on a record: `{"code": …, "name": …}`."""
    return None if office is None else {"code": office.code, "name": office.name}


@dataclass(frozen=True)
class OfficeRow(Placed):
    """An office as pages and the API read it: its columns, held by no session (`office_index`).

    The same names as `Office` (and its properties); a service that changes an office loads the
    model itself.
    """

    id: int
    code: str
    name: str
    name_en: str
    kind: str
    parent_id: int | None
    sort_order: int
    created_at: datetime


#: Every column of the offices, in `OfficeRow`'s order.
_COLUMNS = ("id", "code", "name", "name_en", "kind", "parent_id", "sort_order", "created_at")
#: Read on the DBAPI cursor (issue 14): SQLAlchemy's statement execution and result rows cost
#: more than the read itself, and the values are compared as the driver gives them.
_READ = "SELECT id, code, name, name_en, kind, parent_id, sort_order, created_at FROM offices"


class _Offices:
    """Every office by id and in page order, built from one read of the table's columns: `raw`
    as the driver gave them, turned into Python values by the columns' own types."""

    def __init__(self, raw: tuple, dialect) -> None:
        self.raw = raw
        table = Office.__table__
        convert = [
            table.c[name].type.dialect_impl(dialect).result_processor(dialect, None)
            for name in _COLUMNS
        ]
        by_id = {}
        for values in raw:
            row = OfficeRow(*(f(v) if f else v for f, v in zip(convert, values, strict=True)))
            by_id[row.id] = row
        #: Shared by the requests while the table is unchanged: read-only.
        self.by_id = MappingProxyType(by_id)
        offices = sorted(by_id.values(), key=lambda o: (o.sort_order, o.code))
        platforms: dict[int, list[OfficeRow]] = {}
        for o in offices:
            if not o.is_district:
                platforms.setdefault(o.parent_id, []).append(o)
        self.grouped = [(d, platforms.get(d.id, [])) for d in offices if d.is_district]


#: The offices last read by this process (issue 14). Each request still reads every column of
#: the table — a few dozen short rows, one statement — and this is used only when what it read
#: is equal (on the same kind of database), so it can never be stale: a rename, an office
#: created, a change made in SQL by hand all show on the next request. What it saves is
#: building the objects and the order again.
_last: tuple[str, _Offices] | None = None


def _read() -> _Offices:
    global _last
    connection = db.session.connection()  # the session's transaction, as any other read
    cursor = connection.connection.cursor()
    try:
        cursor.execute(_READ)
        raw = tuple(map(tuple, cursor.fetchall()))
    finally:
        cursor.close()
    dialect = connection.dialect
    last = _last
    if last is not None and last[0] == dialect.name and last[1].raw == raw:
        return last[1]
    offices = _Offices(raw, dialect)
    _last = (dialect.name, offices)
    return offices


def _offices() -> _Offices:
    """The offices of the current request, read once per request (or per call outside one)."""
    if not has_request_context():
        return _read()
    # On the request, not on `g`: the tests keep one app context across their requests.
    cached = getattr(request, "_smallworks_offices", None)
    if cached is None:
        cached = request._smallworks_offices = _read()
    return cached


def office_index() -> Mapping[int, OfficeRow]:
    """Every office by id, read in one statement once per request: pages and the API look up
    the office of each record here (`office_of`), never with a query per record."""
    return _offices().by_id


def office_of(record) -> OfficeRow | None:
    """The office of a record with an `office_id` (a notice, a project, a draw…), or None."""
    office_id = getattr(record, "office_id", None)
    return None if office_id is None else office_index().get(office_id)


def record_ref(record) -> dict | None:
    """`ref` of a record's office, for API v1 (`"office": {"code", "name"}` or null)."""
    return ref(office_of(record))


def by_code(code: str) -> Office | None:
    return db.session.scalar(select(Office).where(Office.code == code))


def all_offices() -> list[OfficeRow]:
    """Every office, each district followed by its platforms."""
    return [o for d, platforms in grouped() for o in (d, *platforms)]


def grouped() -> list[tuple[OfficeRow, list[OfficeRow]]]:
    """Every district with its platforms, in page order (from the offices of the request): one
    pass over the offices, not one per district (a province has hundreds of offices, and every
    public list asks for them). Shared while the offices are unchanged: never change the lists."""
    return _offices().grouped


def by_code_cached(code: str) -> OfficeRow | None:
    """An office by its code among the offices of the request (no query beyond the one)."""
    if len(code) > _MAX_FILTER_CODE:
        return None
    return next((o for o in office_index().values() if o.code == code), None)


def platforms_cached(office: OfficeRow) -> list[OfficeRow]:
    """A district's platforms in page order (none for a platform), from the request's offices."""
    if not office.is_district:
        return []
    return sorted(
        (o for o in office_index().values() if o.parent_id == office.id),
        key=lambda o: (o.sort_order, o.code),
    )


def districts() -> list[Office]:
    return list(
        db.session.scalars(
            select(Office)
            .where(Office.kind == OfficeKind.DISTRICT)
            .order_by(Office.sort_order, Office.code)
        )
    )


def platforms_of(district_id: int) -> list[Office]:
    return list(
        db.session.scalars(
            select(Office)
            .where(Office.parent_id == district_id)
            .order_by(Office.sort_order, Office.code)
        )
    )


#: A filter code longer than any office code names no office (and is never sent to the database).
_MAX_FILTER_CODE = 40


@dataclass(frozen=True)
class OfficeFilter:
    """`?office=<code>` of a public list, resolved once per request.

    `ids` is None when no office was asked for (no filter), the office's id, or a district's id
    with its platforms' ids; an unknown code gives `ids == []` (an empty list, never a 500) and
    `unknown` is true so the page can say so. `offices` are every office in page order (one
    query), for the select of `templates/_macros/offices.html`; `key` the table's rows they were
    made of, as read: the same key, the same offices (a list keeps its office select per process
    by it and the code, templates/notices/index.html, issue 14).
    """

    code: str
    office: OfficeRow | None
    ids: list[int] | None
    offices: list[OfficeRow] = field(default_factory=list)
    key: tuple = ()

    @property
    def unknown(self) -> bool:
        return bool(self.code) and self.office is None

    @property
    def arg(self) -> str | None:
        """The code to keep in links (pagination), or None."""
        return self.code or None


def office_filter(raw: str | None) -> OfficeFilter:
    """Resolve `?office=` (None or blank: no filter) against every office, loaded in one query."""
    read = _offices()
    offices = [o for d, platforms in read.grouped for o in (d, *platforms)]
    code = (raw or "").strip()
    if not code:
        return OfficeFilter("", None, None, offices, read.raw)
    if len(code) > _MAX_FILTER_CODE:
        # Keep the echo short: the page shows what was asked for next to "unknown".
        return OfficeFilter(code[:_MAX_FILTER_CODE] + "…", None, [], offices, read.raw)
    office = next((o for o in offices if o.code == code), None)
    if office is None:
        return OfficeFilter(code, None, [], offices, read.raw)
    ids = [office.id]
    if office.is_district:
        ids.extend(o.id for o in offices if o.parent_id == office.id)
    return OfficeFilter(code, office, ids, offices, read.raw)


def ids_for_filter(code: str | None) -> list[int] | None:
    """The office ids a public list keeps for `?office=<code>`: None (no code: no filter), `[]`
    (unknown code: nothing), the platform's id, or a district's id and its platforms' ids."""
    return office_filter(code).ids


def newest_per_office(id_column, office_column, order_by, where, limit: int):
    """The statement of the ids of the newest `limit` rows of every office, one statement
    whatever the number of offices: a UNION ALL of `limit` reads of the offices, the k-th for
    each office row its k-th newest, `WHERE office_id = offices.id … ORDER BY … LIMIT 1 OFFSET
    k`, a seek into the range of (office_id, time, id) — NULL for an office with fewer rows.
    The statement's size does not grow with the offices: a UNION ALL of one branch per office
    was four hundred branches for SQLAlchemy to build and key on every request (half of the
    home page's time), and a window function over every row sorted them all. One column of
    ids, so that a statement of the rows' lines can read them as `IN (…)` rather than after
    them (issue 14); `newest_ids` reads them alone. Its parts are constants: callers build it
    once and keep it; where the lines' table is `id_column`'s own, pass an alias's columns."""
    return union_all(
        *(
            select(
                select(id_column)
                .where(office_column == Office.id, *where)
                .order_by(*order_by)
                .offset(k)
                .limit(1)
                .scalar_subquery()
            ).select_from(Office)
            for k in range(limit)
        )
    )


def newest_ids(statement) -> list[int]:
    """The ids a `newest_per_office` statement finds (an office with fewer rows has NULLs)."""
    return [i for (i,) in reads.rows(statement) if i is not None]


def filter_clause(column, flt: OfficeFilter):
    """A WHERE clause on an office_id `column` for the filter, or None (no filter)."""
    return None if flt.ids is None else column.in_(flt.ids)


def in_scope(actor) -> list[OfficeRow]:
    """The offices `actor` covers (app.offices.scope.covers), each district followed by its
    platforms: the choices of an office select on a staff or administrator form."""
    ids = scope_ids(actor)
    offices = all_offices()
    return offices if ids is None else [o for o in offices if o.id in set(ids)]
