"""Read-only queries of notices for pages and the API (no state changes here)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from functools import cache, lru_cache
from operator import itemgetter

from sqlalchemy import Integer, Row, String, and_, bindparam, literal, null, or_, select, union_all
from sqlalchemy.orm import aliased, joinedload, selectinload

from app import reads
from app.extensions import db
from app.keyset import Cursor, Listing, listing, window
from app.offices.models import Office
from app.offices.queries import newest_per_office
from app.offices.scope import scope_clause
from notices import categories, rules
from notices.errors import NoticeNotFound
from notices.models import Notice, NoticeAttachment
from notices.rules import NoticeStatus

PER_PAGE_HOME = 6


def _filtered():
    return select(Notice).where(Notice.status == NoticeStatus.PUBLISHED)


def _published():
    return _filtered().order_by(Notice.published_at.desc(), Notice.id.desc())


def parse_types(raw: str | None) -> tuple[str, ...]:
    """`?type=a,b` → the known types among them (unknown ones are ignored, not an error page)."""
    if not raw:
        return ()
    return tuple(t for t in raw.split(",") if t in rules.NOTICE_TYPES)


def published_page(
    types: tuple[str, ...],
    page: Cursor | int,
    per_page: int,
    office_ids: list[int] | None = None,
    category: str | None = None,
    since: datetime | None = None,
):
    """Published notices, newest first, of some types and offices (`office_ids`,
    app.offices.queries.ids_for_filter: None for every office) and of a pool category (its code,
    notices.categories; None for all); corrections and attachments loaded with the page (the
    feed shows them: no query per notice). A keyset page (app.keyset): served by the
    (status, published_at, id) and (status, type, published_at, id) indexes, no count. The
    lists and the API read columns instead (`published_lines`, `published_records`)."""
    stmt = _filtered().options(selectinload(Notice.corrections), selectinload(Notice.attachments))
    stmt = _narrowed(stmt, types, office_ids, category, since)
    return window(stmt, page, per_page, Notice.published_at, Notice.id)


def published_lines(
    types: tuple[str, ...],
    page: Cursor | int,
    per_page: int,
    office_ids: list[int] | None = None,
    category: str | None = None,
):
    """`published_page` as the lines of a list (`line_columns`): one statement, and the rows
    are plain rows, not notices for the session to build and track (issue 14: building them
    was most of a list's time). Without a category its statements are kept per process
    (`_kept_lines`); a category's clause is asked of the app's registry on each request."""
    if category is None:
        offices = None if office_ids is None else tuple(office_ids)
        stmt = _kept_lines(types, offices)
    else:
        stmt = select(*line_columns()).where(Notice.status == NoticeStatus.PUBLISHED)
        stmt = _narrowed(stmt, types, office_ids, category, None)
    return window(stmt, page, per_page, Notice.published_at, Notice.id)


@lru_cache(maxsize=256)
def _kept_lines(types: tuple[str, ...], office_ids: tuple[int, ...] | None) -> Listing:
    """The statements of a list of `types` and offices, built once per process (app.keyset
    Listing): the list's types are known types (`parse_types`) and its offices those of an
    office filter (`office_filter`), a few hundred lists at most; an unusual one is built again."""
    stmt = select(*line_columns()).where(Notice.status == NoticeStatus.PUBLISHED)
    stmt = _narrowed(stmt, types, None if office_ids is None else list(office_ids), None, None)
    return listing(stmt, Notice.published_at, Notice.id)


def _narrowed(stmt, types, office_ids, category, since):
    """`stmt` on Notice kept to the types, offices, pool category and `?since=` asked for."""
    if types:
        stmt = stmt.where(Notice.type.in_(types))
    if office_ids is not None:
        stmt = stmt.where(Notice.office_id.in_(office_ids))
    if category is not None:
        stmt = stmt.where(categories.clause(category))
    if since is not None:
        stmt = stmt.where(changed_since(since))
    return stmt


@cache
def line_columns() -> tuple:
    """What a line of a public notice list shows (templates/_macros/notices.html `notice_list`):
    its link, title, type, office, publicity and date, and `corrected` — whether a published
    correction exists (the 已更正 badge), a probe of the corrects_id index for the page's rows
    only, where loading every correction was a second statement and an object each.
    Built once per process: an aliased class costs more to build than the page to read.

    The probe is a scalar subquery with LIMIT 1, not an EXISTS: PostgreSQL may plan an EXISTS in
    the select list as a *hashed* subplan — every published notice's corrects_id read into a
    hash, on every request — and chooses it by the rows its node would return without the
    LIMIT above it. On 10,000 notices it did, for every list and every home column: /notices/
    spent 9–12 ms reading 10,000 rows for 21 lines, and the home page 65–90 ms; the cost grew
    with the table until the hash no longer fitted in work_mem (it did not at 1,000,000). A
    scalar subquery is never hashed (tests/web/test_list_plans.py)."""
    correction = aliased(Notice)
    corrected = (
        select(literal(1))
        .where(correction.corrects_id == Notice.id, correction.status == NoticeStatus.PUBLISHED)
        .limit(1)
        .scalar_subquery()
        .is_not(None)
    )
    return (
        Notice.id,
        Notice.type,
        Notice.title,
        Notice.office_id,
        Notice.published_at,
        Notice.publicity_ends_at,
        corrected.label("corrected"),
    )


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
    """When a published notice last changed: its publication or its newest published correction."""
    return max([n.published_at, *(at for _id, at in n.corrections)])


@dataclass(frozen=True, slots=True)
class NoticeRecord:
    """A published notice as API v1 gives it (notices.api.serializer), read as columns: the
    notice's (`columns`), its published corrections' (id, published_at), oldest first, and its
    attachments' columns, in the order they were added."""

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
    """`published_page` as NoticeRecords (the API): two statements whatever the page's size —
    the page with its notices' offices, then its corrections and attachments — and plain rows,
    not notices for the session to build and track. Without `since` its statements are kept per
    process (`_kept_records`), as the list page's are."""
    if since is None:
        stmt = _kept_records(types, None if office_ids is None else tuple(office_ids))
    else:
        stmt = _narrowed(_records_select(), types, office_ids, None, since)
    pagination = window(stmt, page, per_page, Notice.published_at, Notice.id)
    pagination.items = _records(pagination.items)
    return pagination


@lru_cache(maxsize=256)
def _kept_records(types: tuple[str, ...], office_ids: tuple[int, ...] | None) -> Listing:
    """The API list's statements of `types` and offices, built once per process (`_kept_lines`
    says why and how many)."""
    stmt = _records_select()
    stmt = _narrowed(stmt, types, None if office_ids is None else list(office_ids), None, None)
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
    ids = [r.id for r in rows]
    found = reads.rows(_extras_statement(), {"ids": ids})
    corrections: dict[int, list[tuple[int, datetime]]] = {}
    # The published ones, in Notice.corrections' order (published_at), then the id: the order
    # the relationship gave. Both are done here (_extras_statement says why).
    published = (c for c in found if c.status == NoticeStatus.PUBLISHED)
    for c in sorted(published, key=lambda c: (c.published_at, c.id)):
        corrections.setdefault(c.notice_id, []).append((c.id, c.published_at))
    attachments: dict[int, list[Row]] = {}
    # An attachment's row has no status; in the order they were added (their ids).
    for a in sorted((a for a in found if a.status is None), key=lambda a: a.id):
        attachments.setdefault(a.notice_id, []).append(a)
    return [NoticeRecord(r, corrections.get(r.id, []), attachments.get(r.id, [])) for r in rows]


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


#: A home row's (published_at, id) and column number, by position (`line_columns`' order,
#: notices.lines.LINE_FIELDS, and the column after them): read by name, a Row's attribute costs
#: ~0.5 µs (issue 14).
_newest_first, _column = itemgetter(4, 0), itemgetter(7)


@cache
def _extras_statement():
    """The corrections and the attachments of some notices (`ids`), one statement (a UNION ALL,
    issue 14: a statement less per API page). A correction's row has its `status` and
    `published_at` and no file's columns; an attachment's has no status.

    By the ids alone, neither filtered nor ordered: given `status = 'published'` as well, SQLite
    (which keeps no statistics) searched the (status, …) index — every published notice —
    rather than the corrects_id one, 0.7–1.6 s a page at 1,000,000 notices. A notice has a few
    corrections, drafts included, and a few files: the caller keeps the published corrections
    and sorts both."""
    ids = bindparam("ids", expanding=True)
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


def get_published(notice_id: int) -> Notice:
    """A published notice with its attachments, its corrections and the notice it corrects, in
    one statement (`_published_statement`)."""
    notice = (
        db.session.scalars(_published_statement(), {"notice_id": notice_id}).unique().one_or_none()
    )
    if notice is None:
        raise NoticeNotFound("公告不存在", "No such notice")
    return notice


#: What a notice's page shows of the notices that correct it, or that it corrects: a link, a
#: title, a date (and whether a correction is published) — never their bodies.
_LINKED_NOTICE = (Notice.id, Notice.title, Notice.status, Notice.published_at, Notice.corrects_id)


@cache
def _published_statement():
    """Built once per process. The notice's few files, its corrections (seldom one or two) and
    the notice it corrects are joined: the join repeats the notice's row for each file and
    correction, which cost less than a second statement for the corrections (selectinload's
    loading cost more than the statement, issue 14) and a third for the corrected notice."""
    return (
        select(Notice)
        .where(Notice.id == bindparam("notice_id"), Notice.status == NoticeStatus.PUBLISHED)
        .options(
            joinedload(Notice.attachments),
            joinedload(Notice.corrections).load_only(*_LINKED_NOTICE),
            joinedload(Notice.corrects).load_only(*_LINKED_NOTICE),
        )
    )


def home_notice_rows(per_office: int) -> tuple[tuple, ...]:
    """The rows of `home_notices`, as the driver gives them (`app.reads.driver_rows`): what the
    home page compares to keep its lists (app.public), read into lines only when they changed."""
    return reads.driver_rows(_home_statement(per_office))


def home_notices(
    per_office: int, read: tuple[tuple, ...] | None = None
) -> tuple[list[dict], dict[int, list]]:
    """The home page's notices, in one statement: its columns (rules.COLUMNS), each with its
    newest `PER_PAGE_HOME` lines (`line_columns`), and the newest `per_office` published
    notices of every office for its cards, by office id (0: no cards, and no read for them).

    A UNION ALL of one index range read per type of each column — a statement per column (and
    one more for its corrections) was twelve — and one branch of the offices' newest lines, their ids read
    inside it (app.offices.queries.newest_per_office) whatever the number of offices. The
    columns and the cards' ids and lines were three statements: each cost SQLAlchemy's
    execution and result more than SQLite's own work (issue 14). `read`: its
    `home_notice_rows`, already read."""
    if read is None:
        read = home_notice_rows(per_office)
    found: dict[int, list] = {}
    for row in reads.typed_rows(_home_statement(per_office), read):
        found.setdefault(_column(row), []).append(row)
    # UNION ALL promises no order across or within its branches: sorted here (a few dozen rows).
    columns = [
        {
            "key": key,
            "label": label,
            "types": types,
            "items": sorted(found.get(i, []), key=_newest_first, reverse=True)[:PER_PAGE_HOME],
        }
        for i, (key, label, types) in enumerate(rules.COLUMNS)
    ]
    by_office: dict[int, list] = {}
    for n in sorted(found.get(len(rules.COLUMNS), []), key=_newest_first, reverse=True):
        by_office.setdefault(n.office_id, []).append(n)
    return columns, by_office


@cache
def _home_statement(per_office: int):
    """Built once per process: the columns and the sizes are constants (building the branches
    cost more than running them). The cards' branch is numbered after the columns."""
    # One branch per type, not per column: a column of several types (results and failures,
    # say) read as `type IN (…)` walked the published_at index and filtered by type until it
    # had its lines — at 1,000,000 notices on PostgreSQL 692 buffers for one column where a
    # type's own (status, type, published_at, id) range read 32. Each type's newest lines are
    # read here, and the column's newest cut from them in `home_notices`.
    branches = [
        select(*line_columns(), literal(i).label("column"))
        .where(Notice.status == NoticeStatus.PUBLISHED, Notice.type == type_)
        .order_by(Notice.published_at.desc(), Notice.id.desc())
        .limit(PER_PAGE_HOME)
        .subquery()
        .select()
        for i, (_key, _label, types) in enumerate(rules.COLUMNS)
        for type_ in types
    ]
    if per_office > 0:
        # Fetched by id and ordered in Python: ORDER BY published_at made SQLite walk every
        # published notice by (status, published_at, id) to avoid sorting the few hundred ids.
        newest = aliased(Notice)  # the ids' own table, not correlated to the lines'
        ids = newest_per_office(
            newest.id,
            newest.office_id,
            (newest.published_at.desc(), newest.id.desc()),
            (newest.status == NoticeStatus.PUBLISHED,),
            per_office,
        )
        branches.append(
            select(*line_columns(), literal(len(rules.COLUMNS)).label("column")).where(
                Notice.id.in_(ids)
            )
        )
    return union_all(*branches)


def search(q: str, page: Cursor | int, per_page: int = 20):
    like = "%" + q.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
    stmt = (
        _filtered()
        .where(or_(Notice.title.ilike(like, escape="\\"), Notice.body.ilike(like, escape="\\")))
        .options(selectinload(Notice.corrections))  # the 已更正 badge: no query per result
    )
    return window(stmt, page, per_page, Notice.published_at, Notice.id)


def staff_list(page: int, per_page: int = 30, *, actor=None, sms_failed: bool = False):
    """The notices of the offices `actor` covers (app.offices.scope), drafts first; with
    `sms_failed`, only those with messages that did not reach the phone (the dashboard's count,
    notices.sms.queries.failed)."""
    from notices.sms.queries import notice_ids_with_failures

    stmt = select(Notice).order_by(Notice.status, Notice.created_at.desc(), Notice.id.desc())
    clause = scope_clause(Notice.office_id, actor)
    if clause is not None:
        stmt = stmt.where(clause)
    if sms_failed:
        stmt = stmt.where(Notice.id.in_(notice_ids_with_failures(actor)))
    return db.paginate(stmt, page=max(page, 1), per_page=per_page, error_out=False)


def get_any(notice_id: int) -> Notice:
    notice = db.session.get(Notice, notice_id)
    if notice is None:
        raise NoticeNotFound("公告不存在", "No such notice")
    return notice


def published_choices() -> list[tuple[int, str]]:
    """Published notices a correction may point to, newest first."""
    rows = db.session.execute(
        select(Notice.id, Notice.title)
        .where(Notice.status == NoticeStatus.PUBLISHED)
        .order_by(Notice.published_at.desc())
    )
    return [(r.id, f"#{r.id} {r.title}") for r in rows]


def next_publicity_end(now):
    """The earliest end of a notice's publicity at or after `now` (app.pagecache's time edge):
    every page that says 公示中 — a notice, the lists, the home page — changes then without a
    write. Pool calls' states and candidate lists follow their notices' ends too."""
    from sqlalchemy import func

    return db.session.scalar(
        select(func.min(Notice.publicity_ends_at)).where(Notice.publicity_ends_at >= now)
    )
