"""Read-only queries of notices for pages and the API (no state changes here)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import and_, or_, select
from sqlalchemy.orm import aliased, joinedload, selectinload

from app.extensions import db
from app.keyset import Cursor, window
from app.offices.queries import newest_per_office
from app.offices.scope import scope_clause
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
    since: datetime | None = None,
):
    """Published notices, newest first, of some types and offices (`office_ids`,
    app.offices.queries.ids_for_filter: None for every office) and of a pool category (its code,
    notices.categories; None for all); corrections and attachments loaded with the page (the
    list and the API show them: no query per notice). A keyset page (app.keyset): served by
    the (status, published_at, id) and (status, type, published_at, id) indexes, no count."""
    stmt = _filtered().options(selectinload(Notice.corrections), selectinload(Notice.attachments))
    if types:
        stmt = stmt.where(Notice.type.in_(types))
    if office_ids is not None:
        stmt = stmt.where(Notice.office_id.in_(office_ids))
    if category is not None:
        stmt = stmt.where(categories.clause(category))
    if since is not None:
        stmt = stmt.where(changed_since(since))
    return window(stmt, page, per_page, Notice.published_at, Notice.id)


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


def last_changed(n: Notice) -> datetime | None:
    """When a published notice last changed: its publication or its newest published correction
    (the list loads the corrections with the page)."""
    return max([n.published_at, *(c.published_at for c in n.published_corrections)])


def latest_by_office(limit: int = 3) -> dict[int, list[Notice]]:
    """The newest `limit` published notices of every office, for the home page's office cards:
    one statement for all offices (app.offices.queries.newest_per_office), whatever their number."""
    newest = newest_per_office(
        Notice.id,
        Notice.office_id,
        (Notice.published_at.desc(), Notice.id.desc()),
        (Notice.status == NoticeStatus.PUBLISHED,),
        limit,
    )
    # Fetched by id and ordered here: ORDER BY published_at made SQLite walk every published
    # notice by (status, published_at, id) to avoid sorting the few hundred it was given.
    notices = db.session.scalars(
        select(Notice).where(Notice.id.in_(newest)).options(selectinload(Notice.corrections))
    ).all()
    out: dict[int, list[Notice]] = {}
    for n in sorted(notices, key=lambda n: (n.published_at, n.id), reverse=True):
        out.setdefault(n.office_id, []).append(n)
    return out


def get_published(notice_id: int) -> Notice:
    """A published notice with its attachments (joined: one statement for the notice and its
    few files) and its corrections (a second: a self-join would repeat the notice's body)."""
    notice = (
        db.session.scalars(
            select(Notice)
            .where(Notice.id == notice_id, Notice.status == NoticeStatus.PUBLISHED)
            .options(joinedload(Notice.attachments), selectinload(Notice.corrections))
        )
        .unique()
        .one_or_none()
    )
    if notice is None:
        raise NoticeNotFound("公告不存在", "No such notice")
    return notice


def home_columns() -> list[dict]:
    columns = []
    for key, label, types in rules.COLUMNS:
        items = db.session.scalars(
            _published()
            .where(Notice.type.in_(types))
            .limit(PER_PAGE_HOME)
            .options(selectinload(Notice.corrections))  # the 已更正 badge: no query per notice
        ).all()
        columns.append({"key": key, "label": label, "types": types, "items": items})
    return columns


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
