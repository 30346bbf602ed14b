"""Reads of complaints: the facts the rules derive a state from, the deadlines, the lists of the
pages and the API, and the objection waits a complaint's window depends on."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from functools import cache

from flask import url_for
from sqlalchemy import bindparam, or_, select
from sqlalchemy.orm import selectinload

from app import clock, reads
from app.calendar.services import current_calendar
from app.deadlines import Deadline, Unit
from app.extensions import db
from app.keyset import Cursor, window
from app.offices.models import Office
from app.offices.queries import by_code, platforms_of
from app.offices.scope import find_office, scope_clause_unplaced
from app.workdays import UnconfirmedYear
from contracts.complaints import rules
from contracts.complaints.models import Complaint, ComplaintPause
from contracts.models import Trading
from notices.models import Notice


def facts_of(c: Complaint) -> rules.ComplaintFacts:
    return rules.ComplaintFacts(
        accepted=c.accepted_at is not None,
        refused=c.refused_at is not None,
        decided=c.decided_at is not None,
        withdrawn=c.withdrawn_at is not None,
        paused=any(p.ended_on is None for p in c.pauses),
        violation_found=c.violation_found_at is not None,
        outcome=c.outcome,
    )


def status_of(c: Complaint) -> rules.ComplaintStatus:
    return rules.status_of(facts_of(c))


def pauses_of(c: Complaint) -> list[tuple[date, date | None]]:
    return [(p.started_on, p.ended_on) for p in c.pauses]


def decide_by(c: Complaint, calendar=None) -> datetime | None:
    """The decision deadline: 30 工作日 after acceptance plus the pauses' working days (a running
    pause counts through today); None before acceptance, or if a year is unconfirmed. A list
    passes one `calendar` for all its rows (current_calendar reads the years each time)."""
    if c.accepted_at is None:
        return None
    try:
        return rules.decide_by(
            calendar or current_calendar(),
            clock.local(c.accepted_at).date(),
            pauses_of(c),
            clock.today(),
        )
    except UnconfirmedYear:
        return None


def accept_by(c: Complaint, calendar=None) -> datetime | None:
    """The acceptance deadline as given at receipt, or computed now that the year is confirmed
    (None while it is not)."""
    if c.accept_by is not None:
        return c.accept_by
    try:
        return rules.accept_by(calendar or current_calendar(), clock.local(c.received_at).date())
    except UnconfirmedYear:
        return None


def get(complaint_id: int) -> Complaint | None:
    return db.session.get(Complaint, complaint_id)


def trading_of(c: Complaint) -> Trading:
    return db.session.get(Trading, c.trading_id)


def published_on(t: Trading) -> date:
    """The local day the trading notice was published (a complaint cannot know before it)."""
    notice = db.session.get(Notice, t.notice_id)
    moment = notice.published_at if notice and notice.published_at else t.created_at
    return clock.local(moment).date()


def objection_waits(trading_id: int, contractor_id: int | None) -> list[tuple]:
    """The complainant's objections on the trading: (matter, filed_at, answered_at | None).

    The objections of a trading are `contracts.objections`' (issue 12, item 1); until that
    package is present there are none, so a matter that needs an objection is refused."""
    if contractor_id is None:
        return []
    try:
        from contracts.objections.queries import objection_waits as waits
    except ImportError:
        return []
    return list(waits(trading_id, contractor_id))


def waits_of(rows: list[tuple]) -> list[rules.Wait]:
    return [
        rules.Wait(clock.local(filed).date(), clock.local(answered).date() if answered else None)
        for _matter, filed, answered in rows
    ]


def earlier_of(trading_id: int, contractor_id: int | None, name: str) -> list[tuple[str, bool]]:
    """The complainant's complaints on the trading that were not refused: (matter, withdrawn).
    A complainant is its company when known, else the name staff entered."""
    stmt = select(Complaint.matter, Complaint.withdrawn_at).where(
        Complaint.trading_id == trading_id, Complaint.refused_at.is_(None)
    )
    if contractor_id is not None:
        stmt = stmt.where(Complaint.complainant_contractor_id == contractor_id)
    else:
        stmt = stmt.where(
            Complaint.complainant_contractor_id.is_(None), Complaint.complainant_name == name
        )
    return [(m, w is not None) for m, w in db.session.execute(stmt)]


def _listing():
    return select(Complaint).options(selectinload(Complaint.pauses)).order_by(Complaint.id.desc())


def all_complaints(status: str | None = None, *, actor=None) -> list[Complaint]:
    """The complaints about the tradings of the offices `actor` covers (a supervisor its
    district's and its platforms'), optionally of one status."""
    stmt = _listing()
    clause = scope_clause_unplaced(Complaint.office_id, actor)
    if clause is not None:
        stmt = stmt.where(clause)
    found = list(db.session.scalars(stmt))
    if status:
        found = [c for c in found if status_of(c) == status]
    return found


def complaints_of(contractor_id: int) -> list[Complaint]:
    return list(
        db.session.scalars(_listing().where(Complaint.complainant_contractor_id == contractor_id))
    )


#: The moments a complaint's public record changes at: received, accepted or refused, violation
#: found, decided, withdrawn, suspended, resumed.
STEPS = (
    Complaint.received_at,
    Complaint.accepted_at,
    Complaint.refused_at,
    Complaint.violation_found_at,
    Complaint.decided_at,
    Complaint.withdrawn_at,
    Complaint.suspended_at,
    Complaint.resumed_at,
)


def changed_since(since: datetime):
    """Complaints whose public record changed at or after `since` (the API's `?since=`): a step
    then, or a pause (it moves `decide_by`) on a day not over by then — a pause is recorded by
    its local dates, so it counts until the end of its day (late rather than never)."""
    first_day = (clock.local(since) - timedelta(microseconds=1)).date()
    return or_(
        *(step >= since for step in STEPS),
        select(ComplaintPause.id)
        .where(
            ComplaintPause.complaint_id == Complaint.id,
            or_(ComplaintPause.started_on >= first_day, ComplaintPause.ended_on >= first_day),
        )
        .exists(),
    )


def last_changed(c: Complaint) -> datetime:
    """When a complaint's public record last changed, as `changed_since` counts it (a pause:
    the end of its day, or now while that day lasts)."""
    now = clock.now()
    moments = [getattr(c, step.key) for step in STEPS]
    for pause in c.pauses:
        for day in (pause.started_on, pause.ended_on):
            if day is not None:
                moments.append(
                    min(now, datetime.combine(day + timedelta(days=1), time(0), clock.TZ))
                )
    return max(m for m in moments if m is not None)


def public_page(
    page: Cursor | int,
    per_page: int,
    *,
    office_code: str | None = None,
    since: datetime | None = None,
):
    """The API's list: every complaint, newest first (no personal data is serialised); of one
    office when a code is given (a district: itself and its platforms; an unknown code: none)."""
    stmt = select(Complaint).options(selectinload(Complaint.pauses))
    if office_code:
        office = by_code(office_code)
        stmt = stmt.where(Complaint.office_id.in_(office_ids(office) if office else []))
    # Each row names its trading and its project's office (trading_of, office_of): loaded with
    # the page and held by the complaints, so those reads find them in the session.
    stmt = stmt.options(selectinload(Complaint.trading).joinedload(Trading.project))
    if since is not None:
        stmt = stmt.where(changed_since(since))
    return window(stmt, page, per_page, Complaint.id)


def office_ids(office: Office) -> list[int]:
    """An office and, for a district, its platforms: what a filter by that office shows."""
    if not office.is_district:
        return [office.id]
    return [office.id, *(o.id for o in platforms_of(office.id))]


def office_of(c: Complaint) -> Office | None:
    """The office of the complaint's project (its trading's platform), as the API names it."""
    office_id = trading_of(c).project.office_id
    return find_office(office_id)


def decision_notices_of_project(project_id: int) -> list[tuple]:
    """The published complaint decisions (and refusals) of a project's tradings: their id, title
    and publication, read by name, as plain rows (app.reads.plain_rows: the ORM's entities and
    an expanding IN list of the tradings cost ~150 Python calls a project page; issue 14)."""
    return reads.plain_rows(decision_notices_statement(), {"project_id": project_id})


@cache
def decision_notices_statement():
    """Built once per process: every project page with a round asks (issue 14)."""
    return (
        select(Notice.id, Notice.title, Notice.published_at)
        .join(Complaint, Complaint.decision_notice_id == Notice.id)
        .where(
            Complaint.trading_id.in_(
                select(Trading.id).where(Trading.project_id == bindparam("project_id"))
            ),
            Notice.published_at.is_not(None),
        )
        .order_by(Notice.published_at)
    )


@dataclass(frozen=True)
class Row:
    """A complaint as the staff list and the API show it."""

    complaint: Complaint
    trading_code: str
    status: rules.ComplaintStatus
    paused: bool
    decide_by: datetime | None
    accept_by: datetime | None


def row_of(c: Complaint, calendar=None) -> Row:
    """A complaint's row; a list passes one `calendar` (current_calendar) for all its rows."""
    f = facts_of(c)
    calendar = calendar or current_calendar()
    return Row(
        c,
        trading_of(c).code,
        rules.status_of(f),
        rules.is_paused(f),
        decide_by(c, calendar),
        accept_by(c, calendar),
    )


# ---- deadlines (app.deadlines registry) ----------------------------------------------------------


def _subject(c: Complaint) -> str:
    return f"投诉 {c.id}（{trading_of(c).code}）"


def _subject_en(c: Complaint) -> str:
    return f"Complaint {c.id} ({trading_of(c).code})"


def _url(c: Complaint) -> str:
    return url_for("complaints_staff.detail", complaint_id=c.id)


def accept_deadline(c: Complaint) -> Deadline | None:
    """complaint.accept: accept or refuse within 3 工作日 of receipt (art. 61)."""
    due = accept_by(c)
    if due is None:
        return None
    return Deadline(
        kind="complaint.accept",
        label="受理或不予受理投诉",
        label_en="Accept or refuse the complaint",
        subject=_subject(c),
        subject_en=_subject_en(c),
        url=_url(c),
        due_at=due,
        unit=Unit.WORKING_DAYS,
        length=rules.ACCEPT_WORKING_DAYS,
        basis=rules.BASIS_ACCEPT,
        done_at=c.accepted_at or c.refused_at or c.withdrawn_at,
        office_id=c.office_id,
    )


def decide_deadline(c: Complaint) -> Deadline | None:
    """complaint.decide: decide within 30 工作日 of acceptance, pauses not counted (art. 61).
    While a year the count reaches is unconfirmed it is still listed, without its end."""
    if c.accepted_at is None:
        return None
    due, year = decide_by(c), None
    if due is None:
        try:
            rules.decide_by(
                current_calendar(), clock.local(c.accepted_at).date(), pauses_of(c), clock.today()
            )
        except UnconfirmedYear as e:
            year = e.year
    return Deadline(
        kind="complaint.decide",
        label="作出投诉处理决定",
        label_en="Decide the complaint",
        subject=_subject(c),
        subject_en=_subject_en(c),
        url=_url(c),
        due_at=due,
        unit=Unit.WORKING_DAYS,
        length=rules.DECIDE_WORKING_DAYS,
        basis=rules.BASIS_DECIDE,
        done_at=c.decided_at or c.withdrawn_at,
        unconfirmed_year=year,
        office_id=c.office_id,
    )


def deadlines_of(c: Complaint) -> list[Deadline]:
    """The complaint's own deadlines, for its page."""
    return [d for d in (accept_deadline(c), decide_deadline(c)) if d is not None]


def accept_deadlines() -> list[Deadline]:
    """The registered source `complaint.accept`."""
    found = (accept_deadline(c) for c in db.session.scalars(_listing()))
    return [d for d in found if d is not None]


def decide_deadlines() -> list[Deadline]:
    """The registered source `complaint.decide`."""
    found = (
        decide_deadline(c)
        for c in db.session.scalars(_listing().where(Complaint.accepted_at.is_not(None)))
    )
    return [d for d in found if d is not None]


def filing_open(t: Trading, contractor_id: int | None) -> bool:
    """Whether a complaint about `t` may still be filed by someone who learnt of its latest
    public step (notice, meeting, result) that day: the pages offer the form only then. The
    service checks the day the complainant states."""
    ends = filing_ends(t, contractor_id)
    return ends is None or clock.now() < ends


def filing_ends(t: Trading, contractor_id: int | None) -> datetime | None:
    """When `filing_open` turns false (exclusive), or None while the calendar cannot count it
    (a year not confirmed: the form is offered). Without a company (the public's page) no
    objection was waited for: an objection always has its company (no statement is run)."""
    moments = [t.created_at, t.held_at]
    if t.result_notice_id is not None:
        result = db.session.get(Notice, t.result_notice_id)
        moments.append(result.published_at if result else None)
    last = max(clock.local(m).date() for m in moments if m is not None)
    today = clock.today()
    waits = [] if contractor_id is None else waits_of(objection_waits(t.id, contractor_id))
    try:
        return rules.filing_window_ends_at(current_calendar(), last, waits, today)
    except UnconfirmedYear:
        return None
