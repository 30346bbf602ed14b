"""Read-only queries of the pool for pages, the API and other domains (no state changes here).

`active_members` is the one query every consumer of the pool uses (SMS, response commitments,
award draws, `GET /api/v1/pool`): it applies `rules.is_active_member`, THE rule.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta

from flask import Flask, url_for
from sqlalchemy import func, select

from app import clock
from app.calendar.services import current_calendar
from app.deadlines import Deadline, Unit
from app.extensions import db
from app.wiring import registry
from contractors import rules
from contractors.errors import PoolNotFound
from contractors.models import (
    ApplicationEntry,
    Consultation,
    Contractor,
    ContractorDocument,
    FailReason,
    Objection,
    PoolApplication,
    PoolCall,
    PoolCallCategory,
    PoolCategory,
    PoolSelection,
)
from lottery import services as draws

# ---- data lists -------------------------------------------------------------------------------


def categories(*, active_only: bool = True) -> list[PoolCategory]:
    """The pool's categories (data rows, in their sort order)."""
    stmt = select(PoolCategory).order_by(PoolCategory.sort_order, PoolCategory.id)
    if active_only:
        stmt = stmt.where(PoolCategory.is_active.is_(True))
    return list(db.session.scalars(stmt))


def fail_reasons() -> list[FailReason]:
    """The list a fail's reason is chosen from (data rows, in their sort order)."""
    return list(db.session.scalars(select(FailReason).order_by(FailReason.sort_order)))


def reason_labels() -> dict[str, str]:
    return {r.code: r.label for r in fail_reasons()}


# ---- contractors ------------------------------------------------------------------------------


def contractor_of(user) -> Contractor | None:
    """The company a contractor account owns, or None (not registered yet, or another role)."""
    if user is None or getattr(user, "role", None) != "contractor":
        return None
    return db.session.scalar(select(Contractor).where(Contractor.user_id == user.id))


def contractor_by_uscc(uscc: str) -> Contractor | None:
    return db.session.scalar(select(Contractor).where(Contractor.uscc == uscc))


# ---- a company's public presence: THE rule's query ---------------------------------------------


def listing_facts(contractor_ids) -> dict[int, rules.ListingFacts]:
    """Each company's facts for `rules.is_publicly_listed`, in two queries for any number."""
    ids = list(contractor_ids)
    if not ids:
        return {}
    checked = dict(
        db.session.execute(
            select(Contractor.id, Contractor.checked_at).where(Contractor.id.in_(ids))
        ).all()
    )
    applied = dict(
        db.session.execute(
            select(PoolApplication.contractor_id, func.count(PoolApplication.id))
            .where(PoolApplication.contractor_id.in_(ids), PoolApplication.withdrawn_at.is_(None))
            .group_by(PoolApplication.contractor_id)
        ).all()
    )
    return {
        cid: rules.ListingFacts(checked_at=checked[cid], live_applications=applied.get(cid, 0))
        for cid in ids
        if cid in checked
    }


def listing_of(contractor: Contractor) -> rules.Listing:
    return rules.listing(listing_facts([contractor.id])[contractor.id])


def publicly_listed(contractor_ids) -> set[int]:
    """The companies among `contractor_ids` the public may see (`rules.is_publicly_listed`)."""
    return {cid for cid, f in listing_facts(contractor_ids).items() if rules.is_publicly_listed(f)}


def public_contractor(uscc: str) -> Contractor | None:
    """A company's public record, or None — for an unknown code and for a company the public may
    not see yet alike (a sign-up alone publishes nothing)."""
    c = contractor_by_uscc(uscc)
    if c is None or c.id not in publicly_listed([c.id]):
        return None
    return c


def unchecked_registrations() -> list[tuple[Contractor, rules.Listing]]:
    """Registrations staff have not checked (核验) yet, oldest first, with their listing (an
    applicant is public already; the others wait for the check)."""
    rows = list(
        db.session.scalars(
            select(Contractor)
            .where(Contractor.checked_at.is_(None))
            .order_by(Contractor.registered_at, Contractor.id)
        )
    )
    facts = listing_facts(c.id for c in rows)
    return [(c, rules.listing(facts[c.id])) for c in rows]


def document_for(document_id: int, user) -> ContractorDocument | None:
    """A company's uploaded document if `user` may read it (`rules.may_read_document`), else
    None: the caller answers 404 whether it exists or not."""
    doc = db.session.get(ContractorDocument, document_id)
    if doc is None or user is None or not getattr(user, "is_authenticated", False):
        return None
    submitted = any(
        doc.id in (a.document_ids or [])
        for a in db.session.scalars(
            select(PoolApplication).where(
                PoolApplication.contractor_id == doc.contractor_id,
                PoolApplication.withdrawn_at.is_(None),
            )
        )
    )
    reader = rules.DocumentReader(
        role=getattr(user, "role", None),
        owns_company=doc.contractor.user_id is not None and doc.contractor.user_id == user.id,
        submitted_to_a_call=submitted,
    )
    return doc if rules.may_read_document(reader) else None


def applications_of(user) -> list[PoolApplication]:
    """A contractor account's own applications, newest first; [] for anyone else."""
    c = contractor_of(user)
    if c is None:
        return []
    return list(
        db.session.scalars(
            select(PoolApplication)
            .where(PoolApplication.contractor_id == c.id)
            .order_by(PoolApplication.submitted_at.desc())
        )
    )


# ---- calls ------------------------------------------------------------------------------------


def get_call(call_id: int) -> PoolCall:
    call = db.session.get(PoolCall, call_id)
    if call is None:
        raise PoolNotFound("征集不存在", "No such pool call")
    return call


def calls() -> list[PoolCall]:
    """All calls, newest first (staff list)."""
    return list(db.session.scalars(select(PoolCall).order_by(PoolCall.created_at.desc())))


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


def objections_of(call_id: int) -> list[Objection]:
    """The objections to the call's review result (the roster's: `roster_objections_of`)."""
    return list(
        db.session.scalars(
            select(Objection)
            .where(
                Objection.call_id == call_id, Objection.stage == str(rules.ObjectionStage.REVIEW)
            )
            .order_by(Objection.filed_at)
        )
    )


def open_objections(call_id: int) -> int:
    return db.session.scalar(
        select(func.count(Objection.id)).where(
            Objection.call_id == call_id,
            Objection.stage == str(rules.ObjectionStage.REVIEW),
            Objection.answered_at.is_(None),
        )
    )


def roster_objections_of(call_id: int) -> list[Objection]:
    """The objections to the call's drawn rosters (roster publicity), in order of receipt."""
    return list(
        db.session.scalars(
            select(Objection)
            .where(
                Objection.call_id == call_id, Objection.stage == str(rules.ObjectionStage.ROSTER)
            )
            .order_by(Objection.filed_at, Objection.id)
        )
    )


def open_roster_objections(call_id: int) -> int:
    """Roster objections still unanswered: the roster notice waits for them."""
    return db.session.scalar(
        select(func.count(Objection.id)).where(
            Objection.call_id == call_id,
            Objection.stage == str(rules.ObjectionStage.ROSTER),
            Objection.answered_at.is_(None),
        )
    )


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


# ---- the pool's members: THE query ------------------------------------------------------------

#: Where suspensions come from: contractor id → periods (local dates). Sanctions register theirs
#: in their `init_app` (contractors.sanctions.queries.suspensions).
SuspensionSource = Callable[[list[int], date], dict[int, list[rules.Period]]]
#: Registry (app.wiring): name → SuspensionSource.
SUSPENSION_SOURCES = "contractors.suspension_sources"


def register_suspension_source(app: Flask, name: str, source: SuspensionSource) -> None:
    """Let another part (sanctions) suspend or remove members: `active_members` applies it."""
    registry(SUSPENSION_SOURCES, app)[name] = source


@dataclass(frozen=True)
class Member:
    """An active pool member of a category, as the roster, the API and SMS see it."""

    contractor_id: int
    uscc: str
    name: str
    mobile: str
    category: str
    category_name: str
    #: Local dates: first active day (inclusive), first day no longer active (exclusive).
    since: date
    until: date


def active_members(category_code: str | None, on: date | None = None) -> list[Member]:
    """The pool members active on `on` (today by default) in a category (all when None), by
    category then USCC. Every consumer uses this — and so follows `rules.is_active_member`."""
    on = on or clock.today()
    stmt = (
        select(PoolSelection, Contractor, PoolCategory)
        .join(Contractor, PoolSelection.contractor_id == Contractor.id)
        .join(PoolCallCategory, PoolSelection.call_category_id == PoolCallCategory.id)
        .join(PoolCategory, PoolCallCategory.category_id == PoolCategory.id)
        .where(
            PoolSelection.status == rules.SelectionStatus.SELECTED,
            PoolSelection.since.is_not(None),
            PoolSelection.since <= on,
            PoolSelection.until > on,
        )
        .order_by(PoolCategory.sort_order, Contractor.uscc)
    )
    if category_code:
        stmt = stmt.where(PoolCategory.code == category_code)
    rows = db.session.execute(stmt).all()
    ids = sorted({c.id for _s, c, _k in rows})
    suspended: dict[int, list[rules.Period]] = {}
    for source in registry(SUSPENSION_SOURCES).values():
        for cid, periods in source(ids, on).items():
            suspended.setdefault(cid, []).extend(periods)
    members, seen = [], set()
    for sel, c, cat in rows:
        period = rules.Period(sel.since, sel.until)
        if not rules.is_active_member(period, on, suspended.get(c.id, ())):
            continue
        if (cat.code, c.id) in seen:  # two calls' rosters overlapping: one membership shown
            continue
        seen.add((cat.code, c.id))
        members.append(
            Member(c.id, c.uscc, c.name, c.contact_mobile, cat.code, cat.name, sel.since, sel.until)
        )
    return members


@dataclass(frozen=True)
class ListPage:
    """A page of an in-memory list, shaped like Flask-SQLAlchemy's pagination for `paginated`."""

    items: list
    page: int
    has_next: bool

    @property
    def next_num(self) -> int | None:
        return self.page + 1 if self.has_next else None


MAX_PAGE = 100_000


def public_members(category_code: str | None) -> list[Member]:
    """Today's active members as the public sees them (the roster page, `GET /api/v1/pool`):
    `active_members` under `rules.is_publicly_listed` — a member applied, so it always is; the
    rule is applied here so no public list can show a company the rule hides."""
    members = active_members(category_code)
    listed = publicly_listed({m.contractor_id for m in members})
    return [m for m in members if m.contractor_id in listed]


def pool_page(category_code: str | None, page: int, per_page: int) -> ListPage:
    """`GET /api/v1/pool`: a page of today's active members."""
    page = min(max(page, 1), MAX_PAGE)
    members = public_members(category_code)
    start = (page - 1) * per_page
    return ListPage(members[start : start + per_page], page, len(members) > start + per_page)


# ---- the draws' candidates --------------------------------------------------------------------


def call_category_by_draw(draw_id: str) -> PoolCallCategory | None:
    return db.session.scalar(select(PoolCallCategory).where(PoolCallCategory.draw_id == draw_id))


#: A pool draw's subject is (SUBJECT_TYPE, <draw id>): one per call and category.
SUBJECT_TYPE = "pool_category"


def pool_candidates(subject_code: str) -> draws.CandidateList | None:
    """The qualified applicants of a category, final once its review publicity ended with every
    objection answered (the lottery console freezes them at the draw); None before."""
    cc = call_category_by_draw(subject_code)
    if cc is None:
        return None
    facts = facts_of(cc.call)
    now = clock.now()
    if facts.review_ends_at is None or now < facts.review_ends_at or facts.open_objections:
        return None
    found = qualified(cc)
    return draws.CandidateList(tuple(sorted(found)), found) if found else None


def sms_contacts(ids) -> dict[int, tuple[str, str]]:
    """SMS's directory (contractors.init_app registers it): who each recipient is today."""
    rows = db.session.execute(
        select(Contractor.id, Contractor.name, Contractor.contact_mobile).where(
            Contractor.id.in_(list(ids))
        )
    )
    return {r.id: (r.name, r.contact_mobile) for r in rows}


def roster_objection_deadlines() -> list[Deadline]:
    """The 3-日 answer deadline of every unanswered roster objection and of those answered in the
    last 30 days (app.deadlines)."""
    since = clock.now() - timedelta(days=30)
    rows = db.session.scalars(
        select(Objection)
        .where(
            Objection.stage == str(rules.ObjectionStage.ROSTER),
            Objection.answer_by.is_not(None),
            Objection.answered_at.is_(None) | (Objection.answered_at >= since),
        )
        .order_by(Objection.answer_by)
    )
    return [
        Deadline(
            kind="pool_objection.answer",
            label="答复入围名录公示期间的异议",
            label_en="Answer the objection to the roster",
            subject=f"{o.call_category.call.code} 异议{o.id}",
            url=url_for("pool_staff.objections", call_id=o.call_id, _anchor=f"objection-{o.id}"),
            due_at=o.answer_by,
            unit=Unit.DAYS,
            length=rules.ROSTER_ANSWER_DAYS,
            basis=rules.ROSTER_OBJECTION_BASIS,
            done_at=o.answered_at,
        )
        for o in rows
    ]
