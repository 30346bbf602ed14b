"""Read-only queries of notices for pages and the API (no state changes here)."""

from __future__ import annotations

from functools import cache, lru_cache
from operator import itemgetter

from sqlalchemy import bindparam, false, literal, or_, select, union_all
from sqlalchemy.orm import aliased, joinedload, selectinload

from app import reads
from app.extensions import db
from app.keyset import Cursor, Merged, listing, merged, window
from app.offices.queries import newest_per_office
from app.offices.scope import scope_clause
from app.rowpages import PageStatements, page_statements, rows_window
from notices import categories, rules
from notices.errors import NoticeNotFound
from notices.models import Notice
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
):
    """Published notices, newest first, of some types and offices (`office_ids`,
    app.offices.queries.ids_for_filter: None for every office) and of a pool category (its code,
    notices.categories; None for all); corrections and attachments loaded with the page (the
    feed shows them: no query per notice). A keyset page (app.keyset): served by the
    (status, published_at, id) and (status, type, published_at, id) indexes, no count. The
    lists and the API read columns instead (`published_lines`, notices.records)."""
    options = (selectinload(Notice.corrections), selectinload(Notice.attachments))
    stmt = narrowed(_filtered().options(*options), types, office_ids, category)
    if not isinstance(stmt, Merged):
        return window(stmt, page, per_page, Notice.published_at, Notice.id)
    # Several types: their page's keys read a range per type (`narrowed`), as columns (a
    # Merged list's are), then its notices by id.
    keys = select(Notice.id, Notice.published_at).where(Notice.status == NoticeStatus.PUBLISHED)
    found = window(
        narrowed(keys, types, office_ids, category), page, per_page, Notice.published_at, Notice.id
    )
    ids = [r.id for r in found.items]
    loaded = {
        n.id: n for n in db.session.scalars(_filtered().options(*options).where(Notice.id.in_(ids)))
    }
    found.items = [loaded[i] for i in ids]
    return found


def published_lines(
    types: tuple[str, ...],
    page: Cursor | int,
    per_page: int,
    office_ids: list[int] | None = None,
    category: str | None = None,
):
    """`published_page` as the lines of a list (`line_columns`): one statement, and the rows
    are plain rows, not notices for the session to build and track (issue 14: building them
    was most of a list's time). `published_line_rows`, each row read by its columns' types."""
    found = published_line_rows(types, page, per_page, office_ids, category)
    found.items = line_rows(found.items)
    return found


def published_line_rows(
    types: tuple[str, ...],
    page: Cursor | int,
    per_page: int,
    office_ids: list[int] | None = None,
    category: str | None = None,
):
    """`published_lines` with its rows as the driver gives them (app.rowpages): what the notice
    list compares to keep its lines (notices.lines.kept_list), read into lines (`line_rows`)
    only when they changed. Its statements are kept per process (`_kept_lines`)."""
    if not isinstance(page, Cursor):
        page = Cursor(page=max(page or 1, 1))
    offices = None if office_ids is None else tuple(office_ids)
    return rows_window(_kept_lines(types, offices, category), page, per_page)


def line_rows(raw) -> list[tuple]:
    """Rows of `line_columns` as the driver gave them, read by their columns' types: named
    tuples, read by name or position as Rows are (app.reads.typed_rows)."""
    return reads.typed_rows(_line_statement(), raw)


@cache
def _line_statement():
    return select(*line_columns())


@lru_cache(maxsize=256)
def _kept_lines(
    types: tuple[str, ...], office_ids: tuple[int, ...] | None, category: str | None
) -> PageStatements:
    """The statements of a list of `types`, offices and category, built once per process
    (app.rowpages): SQLAlchemy works out a new statement object's cache key each time, which
    cost more than running it (issue 14). The list's types are known types (`parse_types`), its
    offices those of an office filter (`office_filter`) and its category a known one
    (notices.categories.find): a few hundred lists at most; an unusual one is built again."""
    stmt = select(*line_columns()).where(Notice.status == NoticeStatus.PUBLISHED)
    stmt = narrowed(stmt, types, None if office_ids is None else list(office_ids), category)
    kept = listing(stmt, Notice.published_at, Notice.id)
    return page_statements(
        kept if isinstance(kept, Merged) else kept.stmt,
        kept.numbered,
        Notice.published_at,
        Notice.id,
    )


def narrowed(stmt, types, office_ids, category, *clauses):
    """`stmt` on Notice kept to the types, offices and pool category asked for (the lists', the
    feed's and the API's filters) and to any other `clauses` (the API's `?since=`,
    notices.records.changed_since): one statement for one type or all of them of one office or
    all of them; for several, a statement per type and office (app.keyset.merged), each
    a range of an index in the list's order — (status, type, published_at, id), (office_id,
    status, published_at, id), (office_id, status, type, published_at, id) — read to the
    page's LIMIT.

    `type IN (a, b)` walked the published_at index and filtered by type until it had a page,
    where each type's own range reads a page at most (the home page's columns read theirs so,
    `_home_statement`). At 1,000,000 notices on PostgreSQL, ?type=trading_result,
    trading_failed: 755 → 174 buffers, 1.6 → 0.13 ms; its ?after= the middle 1,161 → 174,
    3.8 → 0.12 ms. A district's `office_id IN (d, p1, p2, p3)` walked the published_at index
    filtering by office, or read the type's every notice of the four offices and sorted them:
    ?office=<district> 592 → 84 buffers, its page 3 1,899 → 227, with ?type=trading_result,
    trading_failed 2,351 → 192 (11.9 → 0.4 ms) as a range per office and type (issue 14).

    A pool category is its notices' own column (`category_code`, notices.categories): a range of
    the partial (status, category_code, published_at, id) index, or with offices, a statement
    per office, each a range of the (status, category_code, office_id, published_at, id) one (a
    district's notices of a category filtered from the category's range read 34,827 rows for a
    page at 1,000,000 notices); with types, a filter of each type's range or the category's
    (the database chooses)."""
    kinds = tuple(dict.fromkeys(types))
    offices = None if office_ids is None else tuple(dict.fromkeys(office_ids))
    if category is not None:
        clauses = (categories.clause(category), *clauses)
    stmt = stmt.where(*clauses)
    if offices == ():  # an unknown office (app.offices.queries.office_filter): no notice
        return stmt.where(false())
    if len(kinds) <= 1 and (offices is None or len(offices) == 1):
        if kinds:
            stmt = stmt.where(Notice.type == kinds[0])
        if offices is not None:
            stmt = stmt.where(Notice.office_id == offices[0])
        return stmt
    cuts = [(Notice.type, kinds)] if kinds else []
    if offices is not None:
        cuts.append((Notice.office_id, offices))
    return merged(stmt, cuts, Notice.published_at, Notice.id)


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


#: A home row's (published_at, id) and column number, by position (`line_columns`' order,
#: notices.lines.LINE_FIELDS, and the column after them): read by name, a Row's attribute costs
#: ~0.5 µs (issue 14).
_newest_first, _column = itemgetter(4, 0), itemgetter(7)


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
    home page compares to keep its lists (app.home), read into lines only when they changed."""
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
