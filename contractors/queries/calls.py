"""A call and what its state is derived from: the data lists a call uses, its applications'
entries and the qualified, consultation opinions, the facts, state and timeline, the open calls,
the lottery meeting, and the drawn selections."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from functools import cache

from sqlalchemy import and_, bindparam, func, select

from app import clock, reads
from app.calendar.services import current_calendar
from app.extensions import db
from app.i18n import loc
from app.offices.scope import scope_clause
from contractors import rules
from contractors.errors import PoolNotFound
from contractors.models import (
    ApplicationEntry,
    Consultation,
    Contractor,
    FailReason,
    PoolApplication,
    PoolCall,
    PoolCallCategory,
    PoolCategory,
    PoolSelection,
)

from .objections import open_objections

# ---- data lists -------------------------------------------------------------------------------


def notice_categories() -> list:
    """The categories as the notice list's and feed's filter offers them (notices.categories):
    the active ones in their order, as `categories()` gives them, read as three columns by a
    statement built once per process, on the driver's cursor (issue 14: loading them as records
    cost /notices/ about 200 µs of its 2 ms, SQLAlchemy's execution of their columns ~40). Read
    on every call; the Category objects are made again only when what was read differs from
    what this process read last (`_kept_categories`)."""
    from notices.categories import Category

    global _kept_categories
    statement = _notice_categories_statement()
    raw = reads.driver_rows(statement)
    read, found = _kept_categories
    if raw != read:
        found = tuple(Category(*row) for row in reads.typed_rows(statement, raw))
        _kept_categories = (raw, found)
    return list(found)


#: The categories' rows last read by this process, as the driver gave them, and the categories
#: made of them (immutable).
_kept_categories: tuple[tuple, tuple] = ((), ())


@cache
def _notice_categories_statement():
    return (
        select(PoolCategory.code, PoolCategory.name, PoolCategory.name_en)
        .where(PoolCategory.is_active.is_(True))
        .order_by(PoolCategory.sort_order, PoolCategory.id)
    )


def categories(*, active_only: bool = True) -> list[PoolCategory]:
    """The pool's categories (data rows, in their sort order)."""
    stmt = select(PoolCategory).order_by(PoolCategory.sort_order, PoolCategory.id)
    if active_only:
        stmt = stmt.where(PoolCategory.is_active.is_(True))
    return list(db.session.scalars(stmt))


def category_words() -> list:
    """Every category's code, name and English name, in their sort order: the labels a page
    writes (contractors.views.public.category_label), read as columns, not as PoolCategory
    objects for the session to build (most of a project page's reading, issue 14)."""
    return reads.plain_rows(_CATEGORY_WORDS)


_CATEGORY_WORDS = select(PoolCategory.code, PoolCategory.name, PoolCategory.name_en).order_by(
    PoolCategory.sort_order, PoolCategory.id
)


def fail_reasons() -> list[FailReason]:
    """The list a fail's reason is chosen from (data rows, in their sort order)."""
    return list(db.session.scalars(select(FailReason).order_by(FailReason.sort_order)))


def reason_labels(*, shown: bool = False) -> dict[str, str]:
    """Fail reason code → label: Chinese (notices), or `shown` on a page, in the request's
    language (its English label on the English site)."""
    if shown:
        return {r.code: loc(r.label, r.label_en or r.label) for r in fail_reasons()}
    return {r.code: r.label for r in fail_reasons()}


# ---- calls ------------------------------------------------------------------------------------


def get_call(call_id: int) -> PoolCall:
    call = db.session.get(PoolCall, call_id)
    if call is None:
        raise PoolNotFound("征集不存在", "No such pool call")
    return call


def calls(actor=None) -> list[PoolCall]:
    """The calls `actor` covers (its district's; all for None or the deployment's
    administrator), newest first (staff list)."""
    stmt = select(PoolCall).order_by(PoolCall.created_at.desc())
    if actor is not None and (clause := scope_clause(PoolCall.office_id, actor)) is not None:
        stmt = stmt.where(clause)
    return list(db.session.scalars(stmt))


def entries_of(call_id: int) -> list[ApplicationEntry]:
    """Every (application, category) of live applications: what the review decides."""
    return list(
        db.session.scalars(
            select(ApplicationEntry)
            .join(PoolApplication)
            .join(PoolCallCategory, ApplicationEntry.call_category_id == PoolCallCategory.id)
            .join(Contractor, PoolApplication.contractor_id == Contractor.id)
            .where(PoolApplication.call_id == call_id, PoolApplication.withdrawn_at.is_(None))
            .order_by(PoolCallCategory.sort_order, Contractor.uscc)
        )
    )


def qualified(call_category: PoolCallCategory) -> dict[str, str]:
    """USCC → name of the applicants that passed in a category (live applications only)."""
    rows = db.session.execute(
        select(Contractor.uscc, Contractor.name)
        .join(PoolApplication, PoolApplication.contractor_id == Contractor.id)
        .join(ApplicationEntry, ApplicationEntry.application_id == PoolApplication.id)
        .where(
            ApplicationEntry.call_category_id == call_category.id,
            ApplicationEntry.decision == rules.PASS,
            PoolApplication.withdrawn_at.is_(None),
        )
        .order_by(Contractor.uscc)
    )
    return {r.uscc: r.name for r in rows}


#: A call whose review result is published: what a company's public record may show of it.
REVIEW_PUBLISHED = (PoolCall.call_notice_id.is_not(None), PoolCall.review_notice_id.is_not(None))
#: A company's record, call by call: the newest call first, its categories in their order.
NEWEST_CALL_FIRST = (
    PoolCall.created_at.desc(),
    PoolCall.id.desc(),
    PoolCallCategory.sort_order,
    PoolCallCategory.id,
)


def published_entries_of(contractor_id: int) -> list[tuple[PoolCall, ApplicationEntry]]:
    """The company's entries (live applications) in calls whose review result is published,
    each with its call (`NEWEST_CALL_FIRST`). One statement, not a read of every call's whole
    list of entries (a company's public record)."""
    rows = db.session.execute(
        select(PoolCall, ApplicationEntry)
        .join(PoolApplication, ApplicationEntry.application_id == PoolApplication.id)
        .join(PoolCall, PoolApplication.call_id == PoolCall.id)
        .join(PoolCallCategory, ApplicationEntry.call_category_id == PoolCallCategory.id)
        .where(
            PoolApplication.contractor_id == contractor_id,
            PoolApplication.withdrawn_at.is_(None),
            *REVIEW_PUBLISHED,
        )
        .order_by(*NEWEST_CALL_FIRST)
    )
    return [(c, e) for c, e in rows]


def selections(call_category_id: int) -> list[PoolSelection]:
    """Selected first then reserves, each in their published order."""
    return list(
        db.session.scalars(
            select(PoolSelection)
            .where(PoolSelection.call_category_id == call_category_id)
            .order_by(PoolSelection.status.desc(), PoolSelection.position)
        )
    )


def opinions(call: PoolCall) -> list[rules.Opinion]:
    return [
        rules.Opinion(c.department, c.revision, c.agrees, c.recorded_at)
        for c in db.session.scalars(
            select(Consultation).where(Consultation.call_id == call.id).order_by(Consultation.id)
        )
    ]


def facts_of(call: PoolCall) -> rules.CallFacts:
    """What the call's state and timeline are derived from."""
    entries = entries_of(call.id) if call.call_notice_id else []
    return rules.CallFacts(
        created_at=call.created_at,
        valid_from=call.valid_from,
        valid_until=call.valid_until,
        publicity_days=call.publicity_days,
        consulted=rules.consultation_problem(opinions(call), call.revision) is None,
        call_published_at=call.call_notice.published_at if call.call_notice else None,
        call_ends_at=call.call_notice.publicity_ends_at if call.call_notice else None,
        decided=sum(1 for e in entries if e.decision),
        to_decide=len(entries),
        review_published_at=call.review_notice.published_at if call.review_notice else None,
        review_ends_at=call.review_notice.publicity_ends_at if call.review_notice else None,
        open_objections=open_objections(call.id),
        meeting_at=call.meeting_at,
        categories=len(call.categories),
        settled=sum(1 for c in call.categories if c.outcome),
        roster_publicity_at=(
            call.roster_publicity_notice.published_at if call.roster_publicity_notice else None
        ),
        roster_publicity_ends_at=(
            call.roster_publicity_notice.publicity_ends_at if call.roster_publicity_notice else None
        ),
        roster_at=call.roster_notice.published_at if call.roster_notice else None,
    )


def state_of(call: PoolCall) -> rules.CallState:
    return rules.call_state(facts_of(call), clock.now())


def timeline(call_id: int) -> list[rules.Step]:
    """Staff's view of a call: each step done (when), the next one, and the earliest date each
    remaining step is allowed (computed with the office's working-day calendar)."""
    return rules.timeline(facts_of(get_call(call_id)), clock.now(), current_calendar())


def open_calls() -> list[PoolCall]:
    """Calls accepting applications now (their call notice's publicity is running)."""
    now = clock.now()
    return [
        c
        for c in db.session.scalars(select(PoolCall).where(PoolCall.call_notice_id.is_not(None)))
        if rules.applications_open(facts_of(c), now)
    ]


@dataclass(frozen=True)
class Meeting:
    """What applicants see in advance: the lottery meeting's time and place."""

    at: object
    place: str


def meeting_of(call_id: int) -> Meeting | None:
    call = get_call(call_id)
    return Meeting(call.meeting_at, call.meeting_place) if call.meeting_at else None


def next_meeting(now: datetime) -> datetime | None:
    """The earliest pool meeting's appointed time at or after `now` (app.pagecache's time edge).
    A call's other steps end with its notices' publicity (notices' edge) or on dates (local
    midnight); so do members' and sanctions' dates."""
    return db.session.scalar(
        select(func.min(PoolCall.meeting_at)).where(PoolCall.meeting_at >= now)
    )


def call_draws(subject_id: str) -> list[tuple]:
    """A pool call named by a notice's subject (its code, or its id: a reserve's entry names the
    call so, contractors.sanctions.effects) as its notice's links read it: rows of the call's
    id, code and notice, then the draw id and category name of each category with a draw, in
    the call's order of categories (one row of Nones after the call's for none); [] for no
    such call.

    One statement of columns read as driver rows (app.reads): every pool notice's page asks,
    and loading the call with its categories as objects was two statements and ~0.2 ms of the
    page (issue 14)."""
    by_id = subject_id.isdigit()
    params = {"id": int(subject_id)} if by_id else {"code": subject_id}
    return reads.plain_rows(_call_draws_statement(by_id), params)


@cache
def _call_draws_statement(by_id: bool):
    """Built once per process for each way of naming the call. A category's draw is recorded on
    it in the transaction that commits the draw (contractors.services.review)."""
    named = PoolCall.id == bindparam("id") if by_id else PoolCall.code == bindparam("code")
    return (
        select(
            PoolCall.id,
            PoolCall.code,
            PoolCall.call_notice_id,
            PoolCallCategory.draw_id,
            PoolCategory.name,
        )
        .outerjoin(
            PoolCallCategory,
            and_(PoolCallCategory.call_id == PoolCall.id, PoolCallCategory.draw_id.is_not(None)),
        )
        .outerjoin(PoolCategory, PoolCategory.id == PoolCallCategory.category_id)
        .where(named)
        .order_by(PoolCallCategory.sort_order, PoolCallCategory.id)
    )
