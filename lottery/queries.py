"""Read-only queries of draws for pages and the API (no state changes here)."""

from __future__ import annotations

import functools
import json
from collections.abc import Collection
from datetime import datetime
from functools import cache

from sqlalchemy import JSON, Row, Text, bindparam, cast, false, func, or_, select

from app import reads
from app.extensions import db
from app.keyset import Cursor, merged, window
from lottery import rules
from lottery.errors import DrawNotFound
from lottery.models import Draw


def parse_status(raw: str | None) -> str | None:
    """`?status=drawn` → "drawn"; anything unknown means all (a filter, not an error page)."""
    return raw if raw in rules.STATUSES else None


def page(
    status: str | None,
    page: Cursor | int,
    per_page: int,
    office_ids: list[int] | None = None,
    since: datetime | None = None,
):
    """Draws newest first (by commitment), optionally of one status and of some offices
    (`office_ids`, app.offices.queries.ids_for_filter: None for every office): a keyset page
    (app.keyset) by the (committed_at, id) and (status, committed_at, id) indexes, no count."""
    where = [Draw.status == status] if status else []
    if since is not None:
        where.append(changed_since(since))
    if office_ids is None:
        return window(select(Draw).where(*where), page, per_page, Draw.committed_at, Draw.id)
    if not office_ids:  # an unknown office (app.offices.queries.office_filter): none
        return window(select(Draw).where(false()), page, per_page, Draw.committed_at, Draw.id)
    # Of some offices (a district's: its own and its platforms'), each office and status a range
    # of the (office_id, status, committed_at, id) index, merged (app.keyset.Merged): `office_id
    # IN (…)` has no index in the list's order, and PostgreSQL walked every draw's, filtering
    # by office (1,335 buffers for a page at 1,000,000 notices; issue 14). Then the page's draws
    # by id.
    cuts = [(Draw.office_id, office_ids)]
    if not status:
        cuts.append((Draw.status, rules.STATUSES))
    keys = merged(
        select(Draw.id, Draw.committed_at).where(*where), cuts, Draw.committed_at, Draw.id
    )
    found = window(keys, page, per_page, Draw.committed_at, Draw.id)
    ids = [r.id for r in found.items]
    loaded = (
        {d.id: d for d in db.session.scalars(select(Draw).where(Draw.id.in_(ids)))} if ids else {}
    )
    found.items = [loaded[i] for i in ids]
    return found


def changed_since(since: datetime):
    """Draws whose record changed at or after `since` (the API's `?since=`): committed, drawn
    (result and seed published) or abandoned (seed revealed) then."""
    return or_(Draw.committed_at >= since, Draw.drawn_at >= since, Draw.abandoned_at >= since)


def last_changed(d: Draw) -> datetime:
    """When a draw's published record last changed (its last step)."""
    return max(m for m in (d.committed_at, d.drawn_at, d.abandoned_at) if m is not None)


def existing_ids(draw_ids: Collection[str]) -> set[str]:
    """The draw ids among `draw_ids` that name a draw (one statement).

    Read as the driver gives them (app.reads): every notice's page asks (app.links, the draw ids
    of its body), and the ORM's execution of an expanding IN list was ~0.1 ms of a trading
    notice's page (issue 14). The list is written with a parameter per id, padded with NULLs
    (which match nothing) to a power of two, so a process keeps a few statements, not one for
    each count of ids."""
    if not draw_ids:
        return set()
    ids = list(draw_ids)
    size = 1 << (len(ids) - 1).bit_length()
    ids += [None] * (size - len(ids))
    found = reads.driver_rows(_existing_statement(size), {f"id{i}": v for i, v in enumerate(ids)})
    return {row[0] for row in found}


@functools.lru_cache(maxsize=16)
def _existing_statement(size: int):
    """Built once per process and size (a power of two; app.links looks up at most 500 ids)."""
    return select(Draw.draw_id).where(Draw.draw_id.in_([bindparam(f"id{i}") for i in range(size)]))


def get(draw_id: str) -> Draw:
    d = db.session.scalar(select(Draw).where(Draw.draw_id == draw_id))
    if d is None:
        raise DrawNotFound(f"抽签记录不存在：{draw_id}", f"No such draw: {draw_id}")
    return d


def page_row(draw_id: str) -> Row | None:
    """The draw `draw_id` as its record page reads it (`_page_statement`), or None."""
    return db.session.execute(_page_statement(), {"draw_id": draw_id}).one_or_none()


def draw_of(values: dict) -> Draw:
    """A detached, read-only Draw of a page row's values (`_page_statement`: its JSON columns
    parsed here), for the pages and rules that read a draw's fields; never added to a session."""
    return Draw(
        **{
            k: json.loads(v) if k in _JSON_COLUMNS and v is not None else v
            for k, v in values.items()
        }
    )


#: The columns a record page has no use for: the sealed seed is opened by the draw alone.
_NOT_ON_THE_PAGE = frozenset({"sealed_seed"})


@cache
def _page_statement():
    """Built once per process. Every column of the draw but the sealed seed, as Core values (no
    record object to build), the JSON ones as their stored text: the row is then plain values,
    whole, which the page keeps its worked-out record under (lottery.pages.record_page)."""
    table = Draw.__table__
    columns = [
        cast(c, Text).label(c.name) if isinstance(c.type, JSON) else c
        for c in table.c
        if c.name not in _NOT_ON_THE_PAGE
    ]
    return select(*columns).where(table.c.draw_id == bindparam("draw_id"))


_JSON_COLUMNS = frozenset(c.name for c in Draw.__table__.c if isinstance(c.type, JSON))


def draw_metrics(_now):
    """/metrics: the draws on the platform, by status."""
    from prometheus_client.core import GaugeMetricFamily

    draws = GaugeMetricFamily(
        "smallworks_draws", "Draws on the platform, by status.", labels=["status"]
    )
    for status, count in db.session.execute(
        select(Draw.status, func.count()).group_by(Draw.status)
    ):
        draws.add_metric([status], count)
    yield draws
