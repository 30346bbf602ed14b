"""The published notices as API v1 gives them (notices.api): NoticeRecords read as columns —
a page of them, or one — with their corrections and attachments, and the `?since=` of the list."""

from __future__ import annotations

from datetime import datetime
from functools import cache, lru_cache
from typing import NamedTuple

from sqlalchemy import Integer, Row, String, and_, bindparam, null, or_, select, union_all
from sqlalchemy.orm import aliased

from app import reads
from app.extensions import db
from app.keyset import Cursor, Listing, Merged, listing, window
from app.offices.models import Office
from notices.errors import NoticeNotFound
from notices.models import Notice, NoticeAttachment
from notices.queries import narrowed
from notices.rules import NoticeStatus


class NoticeRecord(NamedTuple):
    """A published notice as API v1 gives it (notices.api.serializer), read as columns: the
    notice's (`columns`), its published corrections' (id, published_at), oldest first, and its
    attachments' columns, in the order they were added. A named tuple: a page builds fifty, and
    a frozen dataclass's __init__ (object.__setattr__ per field) cost ~1 µs each (issue 14)."""

    columns: Row
    corrections: list[tuple[int, datetime]]
    attachments: list[Row]

    @property
    def published_at(self) -> datetime:
        return self.columns.published_at


def published_records(
    types: tuple[str, ...],
    page: Cursor | int,
    per_page: int,
    office_ids: list[int] | None = None,
    since: datetime | None = None,
):
    """notices.queries.published_page as NoticeRecords (the API): two statements whatever the
    page's size — the page with its notices' offices, then its corrections and attachments — and
    plain rows, not notices for the session to build and track. Without `since` its statements
    are kept per process (`_kept_records`), as the list page's are."""
    if since is None:
        stmt = _kept_records(types, None if office_ids is None else tuple(office_ids))
    else:
        stmt = narrowed(_records_select(), types, office_ids, None, changed_since(since))
    pagination = window(stmt, page, per_page, Notice.published_at, Notice.id)
    pagination.items = _records(pagination.items)
    return pagination


@lru_cache(maxsize=256)
def _kept_records(types: tuple[str, ...], office_ids: tuple[int, ...] | None) -> Listing | Merged:
    """The API list's statements of `types` and offices, built once per process
    (notices.queries._kept_lines says why and how many)."""
    stmt = _records_select()
    stmt = narrowed(stmt, types, None if office_ids is None else list(office_ids), None)
    return listing(stmt, Notice.published_at, Notice.id)


def published_record(notice_id: int) -> NoticeRecord:
    """One published notice as a NoticeRecord (`GET /api/v1/notices/<id>`)."""
    rows = db.session.execute(_records_select().where(Notice.id == notice_id)).all()
    if not rows:
        raise NoticeNotFound("公告不存在", "No such notice")
    return _records(rows)[0]


def _records(rows: list[Row]) -> list[NoticeRecord]:
    if not rows:
        return []
    ids = [r[0] for r in rows]  # `_record_columns`' first; by position (issue 14)
    found = reads.rows(_extras_statement(len(ids)), {f"id{k}": i for k, i in enumerate(ids)})
    extras = _by_notice(found)
    return [_record(r, extras.get(i, ())) for r, i in zip(rows, ids, strict=True)]


def _by_notice(found) -> dict[int, list]:
    """The rows of `_extras_statement` by the notice they belong to (their first column)."""
    extras: dict[int, list] = {}
    for row in found:
        extras.setdefault(row[0], []).append(row)
    return extras


def _record(row, extras) -> NoticeRecord:
    """A NoticeRecord of a notice's row and the rows of its corrections and attachments."""
    # The published corrections, in Notice.corrections' order (published_at), then the id: the
    # order the relationship gave. Both are done here (_extras_statement says why).
    published = (c for c in extras if c.status == NoticeStatus.PUBLISHED)
    corrections = [(c.id, c.published_at) for c in sorted(published, key=_correction_order)]
    # An attachment's row has no status; in the order they were added (their ids).
    attachments = sorted((a for a in extras if a.status is None), key=_attachment_order)
    return NoticeRecord(row, corrections, attachments)


def _correction_order(c) -> tuple:
    return (c.published_at, c.id)


def _attachment_order(a) -> int:
    return a.id


@cache
def _record_columns() -> tuple:
    """The columns of a notice that API v1 shows, in the order notices.api.serializer reads
    them by position, its office's code and name last (`_records_select` joins them)."""
    return (
        Notice.id,
        Notice.type,
        Notice.title,
        Notice.published_at,
        Notice.publicity_ends_at,
        Notice.min_working_days,
        Notice.corrects_id,
        Notice.issuing_body,
        Notice.office_id,
        Notice.legal_basis,
        Office.code.label("office_code"),
        Office.name.label("office_name"),
    )


def _records_select():
    """Published notices as `_record_columns`, each with its office joined by its primary key:
    the API's `office` field without reading every office for it (issue 14). An outer join, as
    the lookup in the offices it replaces: a notice is never left out for its office."""
    return (
        select(*_record_columns())
        .outerjoin_from(Notice, Office, Office.id == Notice.office_id)
        .where(Notice.status == NoticeStatus.PUBLISHED)
    )


@lru_cache(maxsize=128)
def _extras_statement(n: int):
    """The corrections and the attachments of some notices (`ids`), one statement (a UNION ALL,
    issue 14: a statement less per API page). A correction's row has its `status` and
    `published_at` and no file's columns; an attachment's has no status.

    By the ids alone, neither filtered nor ordered: given `status = 'published'` as well, SQLite
    (which keeps no statistics) searched the (status, …) index — every published notice —
    rather than the corrects_id one, 0.7–1.6 s a page at 1,000,000 notices. A notice has a few
    corrections, drafts included, and a few files: the caller keeps the published corrections
    and sorts both.

    Of `n` ids, each its own parameter (`id0`…), the statement kept per size: an expanding
    parameter (`IN` of a list) has its SQL written anew on every execution, ~40 µs of the API's
    page (issue 14); a page has at most its size of ids, a few dozen statements in all."""
    ids = [bindparam(f"id{k}") for k in range(n)]
    a = NoticeAttachment
    corrections = select(
        Notice.corrects_id.label("notice_id"),
        Notice.id,
        Notice.published_at,
        Notice.status,
        null().cast(String).label("original_name"),
        null().cast(String).label("content_type"),
        null().cast(Integer).label("size"),
        null().cast(String).label("sha256"),
    ).where(Notice.corrects_id.in_(ids))
    files = select(
        a.notice_id,
        a.id,
        null().cast(Notice.published_at.type),
        null().cast(String),
        a.original_name,
        a.content_type,
        a.size,
        a.sha256,
    ).where(a.notice_id.in_(ids))
    return union_all(corrections, files)


def changed_since(since: datetime):
    """The published notices that changed at or after `since` (the API's `?since=`): published
    then, or corrected then — a correction is a notice of its own, and publishing it changes
    the notice it corrects (`corrected_by`). Served by the published_at and corrects_id indexes."""
    correction = aliased(Notice)
    return or_(
        Notice.published_at >= since,
        select(correction.id)
        .where(
            and_(
                correction.corrects_id == Notice.id,
                correction.status == NoticeStatus.PUBLISHED,
                correction.published_at >= since,
            )
        )
        .exists(),
    )


def last_changed(n: NoticeRecord) -> datetime | None:
    """When a published notice last changed: its publication or its newest published correction
    (the last of `corrections`, oldest first)."""
    if n.corrections:
        return max(n.published_at, n.corrections[-1][1])
    return n.published_at
