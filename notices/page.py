"""A published notice as its public page reads it (notices.views.detail): its columns, its
published corrections, the notice it corrects and its attachments in one statement of columns,
read as the driver gives them (app.reads), into a light record the page's templates read as
they read a Notice (issue 14)."""

from __future__ import annotations

from functools import cache

from sqlalchemy import and_, bindparam, select
from sqlalchemy.orm import aliased

from app import reads
from notices.errors import NoticeNotFound
from notices.models import Notice, NoticeAttachment, NoticeReading
from notices.rules import NoticeStatus

#: The notice's own columns, every one of the table but its audit columns (who wrote and
#: published it, when it was created): what the page, its related links (notices.related) and
#: its other parts read of a Notice.
_NOTICE = (
    Notice.id,
    Notice.type,
    Notice.title,
    Notice.body,
    Notice.office_id,
    Notice.issuing_body,
    Notice.legal_basis,
    Notice.status,
    Notice.min_working_days,
    Notice.publish_due_at,
    Notice.published_at,
    Notice.publicity_ends_at,
    Notice.corrects_id,
    Notice.subject_type,
    Notice.subject_id,
    Notice.category_code,
)
#: Positions in a row of `_statement`: the notice's columns, then its attachment's, its
#: published correction's and the corrected notice's (None where the outer join found none).
_N = len(_NOTICE)
_A, _C, _K = _N, _N + 5, _N + 9


class LinkedNotice(NoticeReading):
    """A correction of the notice, or the notice it corrects: what the page shows of it (a link,
    a title, a date)."""

    __slots__ = ("id", "published_at", "status", "title")

    def __init__(self, id, title, status, published_at) -> None:
        self.id, self.title, self.status, self.published_at = id, title, status, published_at


class PageAttachment:
    """One of the notice's files as the page lists it."""

    __slots__ = ("content_type", "id", "original_name", "sha256", "size")

    def __init__(self, id, original_name, content_type, size, sha256) -> None:
        self.id, self.original_name, self.content_type = id, original_name, content_type
        self.size, self.sha256 = size, sha256


class PageNotice(NoticeReading):
    """A published notice for its page: the attributes of a Notice that the page reads (its
    columns, `type_info`, `is_published`), its attachments in the order they were added, its
    published corrections, oldest first, and the notice it corrects (or None). Read-only: no
    session tracks it, nothing lazy-loads."""

    __slots__ = (*(c.key for c in _NOTICE), "attachments", "published_corrections", "corrects")

    def __init__(self, columns, attachments, corrections, corrects) -> None:
        for name, value in zip(_FIELDS, columns, strict=True):
            setattr(self, name, value)
        self.attachments = attachments
        self.published_corrections = corrections
        self.corrects = corrects


_FIELDS = tuple(c.key for c in _NOTICE)


def published_notice(notice_id: int) -> tuple[PageNotice, tuple[tuple, ...]]:
    """The published notice `notice_id` for its page (NoticeNotFound if there is none), with its
    attachments, its published corrections and the notice it corrects, and the rows it was read
    from as the driver gives them (what `article` compares): the rows of one statement
    (`_statement`), a row per attachment and correction (seldom more than a few).

    notices.queries.get_published read the same with the ORM's joined loading: its execution,
    its row processors and the objects it built and tracked were ~0.15 ms of a page of 1.3
    (issue 14). A correction published later, a file, any change however made shows on the
    next request: the rows are read on every one."""
    raw = reads.driver_rows(_statement(), {"notice_id": notice_id})
    if not raw:
        raise NoticeNotFound("公告不存在", "No such notice")
    rows = reads.typed_rows(_statement(), raw)
    attachments: dict[int, PageAttachment] = {}
    corrections: dict[int, LinkedNotice] = {}
    for row in rows:
        if row[_A] is not None and row[_A] not in attachments:
            attachments[row[_A]] = PageAttachment(*row[_A:_C])
        if row[_C] is not None and row[_C] not in corrections:
            corrections[row[_C]] = LinkedNotice(*row[_C:_K])
    first = rows[0]
    corrects = None if first[_K] is None else LinkedNotice(*first[_K:])
    notice = PageNotice(
        first[:_N],
        sorted(attachments.values(), key=_by_id),
        sorted(corrections.values(), key=_oldest_first),
        corrects,
    )
    return notice, raw


def _by_id(a: PageAttachment) -> int:
    return a.id


def _oldest_first(c: LinkedNotice):
    return c.published_at, c.id


@cache
def _statement():
    """Built once per process: the notice, outer-joined to its files, to its published
    corrections and to the notice it corrects — a row per file and correction, which cost less
    than a statement for each (as get_published's joins did). Its corrections are the published
    ones: a draft correction announces nothing."""
    attachment, correction, corrected = NoticeAttachment, aliased(Notice), aliased(Notice)
    return (
        select(
            *_NOTICE,
            attachment.id.label("attachment_id"),
            attachment.original_name,
            attachment.content_type,
            attachment.size,
            attachment.sha256,
            correction.id.label("correction_id"),
            correction.title.label("correction_title"),
            correction.status.label("correction_status"),
            correction.published_at.label("correction_published_at"),
            corrected.id.label("corrected_id"),
            corrected.title.label("corrected_title"),
            corrected.status.label("corrected_status"),
            corrected.published_at.label("corrected_published_at"),
        )
        .outerjoin(attachment, attachment.notice_id == Notice.id)
        .outerjoin(
            correction,
            and_(
                correction.corrects_id == Notice.id,
                correction.status == NoticeStatus.PUBLISHED,
            ),
        )
        .outerjoin(corrected, corrected.id == Notice.corrects_id)
        .where(Notice.id == bindparam("notice_id"), Notice.status == NoticeStatus.PUBLISHED)
        # The same rows in the same order while nothing changed (what `article` compares); the
        # corrections are put in their order of publication in Python (`_oldest_first`). Not by
        # their publication here: to spare a sort of a few rows, SQLite then read them through
        # the (status, published_at) index — every published notice, 0.7 s at 1,000,000 —
        # instead of by corrects_id (tests/web/test_list_plans.py).
        .order_by(attachment.id, correction.id)
    )
