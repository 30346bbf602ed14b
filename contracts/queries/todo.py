"""The office's to-do counts on the staff dashboard (issue 13): projects waiting for filing, award
meetings due today or overdue, objections and complaints to answer, SMS that did not reach the
phone — each of the account's offices only (app.offices.scope: a platform's clerk its platform, a
district's staff the district and its platforms), each with the list it counts.

The counts are read the way their lists read them, so that a count and its list never disagree:
the projects by the state rule's SQL mirror (`state_filter`, the staff list's `?state=`), the
objections and complaints from the oversight page's deadlines (`?status=pending`), the SMS by the
status the re-send button takes (`notices.sms.rules.RESENDABLE`, the notices list's `?sms=failed`).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, time, timedelta

from sqlalchemy import and_, func, select

from app import clock
from app.extensions import db
from app.offices.scope import scope_clause
from app.supervision.queries import deadline_rows, pending
from app.workdays import TZ, local_date
from contracts import rules
from contracts.models import Project, Trading
from notices.sms import queries as sms

from .projects import latest_round, state_filter

#: The staff projects list's filter of the award meetings due (today or overdue): a filter of
#: its own, beside the project states (`?state=submitted` …), since it also asks the day.
MEETING_DUE = "meeting_due"
#: The deadline kinds (app.deadlines, their first part) counted: objections to a trading's result
#: and to a pool call's list (to answer), complaints (to accept, to decide).
OBJECTION, POOL_OBJECTION, COMPLAINT = "objection", "pool_objection", "complaint"


@dataclass(frozen=True)
class Todo:
    """What the account's offices have to do now."""

    #: Projects submitted (or revised) and not yet filed or sent back.
    to_file: int = 0
    #: Award meetings whose day has come or passed, not held, not suspended.
    meetings_due: int = 0
    #: Objections (a trading's; a pool call's) and complaints whose statutory step (answer;
    #: accept, decide) is not done.
    objections: int = 0
    pool_objections: int = 0
    complaints: int = 0
    #: Messages of notices that failed or were undeliverable, not re-sent yet.
    sms_failed: int = 0

    @property
    def total(self) -> int:
        return (
            self.to_file
            + self.meetings_due
            + self.objections
            + self.pool_objections
            + self.complaints
            + self.sms_failed
        )


def _projects(columns, actor):
    """Projects outer-joined to their latest trading, of the offices `actor` covers."""
    stmt = select(columns).outerjoin(
        Trading, and_(Trading.project_id == Project.id, Trading.round == latest_round())
    )
    clause = scope_clause(Project.office_id, actor)
    return stmt if clause is None else stmt.where(clause)


def meeting_due_clause(now: datetime):
    """The latest trading waits for its award meeting (the state rule's AWAITING_MEETING: the
    responses closed, not held, not suspended) and the meeting's day has come: it starts before
    00:00 after today."""
    return and_(
        state_filter(rules.ProjectState.AWAITING_MEETING, now),
        Trading.meeting_at < datetime.combine(local_date(now) + timedelta(days=1), time(0), TZ),
    )


def meeting_due_codes(actor, now: datetime | None = None) -> set[str]:
    """The codes of `actor`'s projects whose award meeting is due (the list's `?state=`)."""
    stmt = _projects(Project.code, actor).where(meeting_due_clause(now or clock.now()))
    return set(db.session.scalars(stmt))


def todo_of(actor) -> Todo:
    """The counts for `actor`'s offices: three SQL counts and one pass over the deadlines (the
    one the staff's warning banner makes)."""
    now = clock.now()
    count = func.count(Project.id)
    to_file = db.session.scalar(
        _projects(count, actor).where(state_filter(rules.ProjectState.SUBMITTED, now))
    )
    meetings = db.session.scalar(_projects(count, actor).where(meeting_due_clause(now)))
    kinds = [r.deadline.kind.split(".", 1)[0] for r in pending(deadline_rows(actor).rows)]
    return Todo(
        to_file=to_file or 0,
        meetings_due=meetings or 0,
        objections=kinds.count(OBJECTION),
        pool_objections=kinds.count(POOL_OBJECTION),
        complaints=kinds.count(COMPLAINT),
        sms_failed=sms.failed_count(actor),
    )
