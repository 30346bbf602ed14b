"""Reads of the oversight pages: every registered deadline with its status, the staff's warning
counts, and the audit log filtered, paged and checked link by link."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from sqlalchemy import Select, func, or_, select

from app import clock
from app.audit import GENESIS, AuditEntry
from app.auth.models import User
from app.calendar.services import current_calendar
from app.deadlines import DEADLINE_SOURCES, Deadline, DeadlineStatus, order, status_of
from app.extensions import db
from app.offices.scope import covers_unplaced, scope_clause
from app.wiring import registry
from app.workdays import UnconfirmedYear

log = logging.getLogger("smallworks.supervision")

#: One page of the audit log.
AUDIT_PER_PAGE = 50
#: The most rows one CSV export of the audit log holds (the filters narrow it further).
AUDIT_EXPORT_LIMIT = 100_000
#: The role filter's value for entries written by no account (jobs, the CLI, the demo).
SYSTEM = "system"


# ---- deadlines ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class DeadlineRow:
    """A deadline and its status now; the status is None while the calendar of a year its count
    needs is unconfirmed (the rule of time: never guess a working day)."""

    deadline: Deadline
    status: DeadlineStatus | None
    unconfirmed_year: int | None = None


@dataclass(frozen=True)
class Deadlines:
    """Every deadline found, with its status, and the names of the sources that failed."""

    rows: list[DeadlineRow]
    failed: tuple[str, ...] = ()


def deadline_rows(actor=None) -> Deadlines:
    """Every registered deadline of the offices `actor` covers (a record no office was given yet:
    a district's, `covers_unplaced`), soonest first (the order of `app.deadlines.all_deadlines`),
    with its status now.

    Read source by source rather than through `all_deadlines`: one source that fails (a query
    of another domain that breaks) is logged and named on the page, and the others' deadlines
    are still shown — an oversight page that goes blank hides every deadline at once.
    """
    found, failed = [], []
    for name, source in sorted(registry(DEADLINE_SOURCES).items()):
        try:
            found.extend(d for d in source() if covers_unplaced(actor, d.office_id))
        except Exception:
            log.exception("deadline source %r failed", name)
            failed.append(name)
    found.sort(key=order)
    now, calendar = clock.now(), current_calendar()
    rows = []
    for deadline in found:
        try:
            rows.append(DeadlineRow(deadline, status_of(deadline, now, calendar)))
        except UnconfirmedYear as e:
            rows.append(DeadlineRow(deadline, None, e.year))
    return Deadlines(rows, tuple(failed))


#: The status filter's value for the steps not done yet, whatever their status (running, due
#: soon, missed, or not countable while a year is unconfirmed): the office's to-do.
PENDING = "pending"


def pending(rows: list[DeadlineRow]) -> list[DeadlineRow]:
    """The rows whose step is not done yet (the staff dashboard's to-do counts)."""
    return [r for r in rows if r.deadline.done_at is None]


def filtered(rows: list[DeadlineRow], *, kind: str = "", status: str = "") -> list[DeadlineRow]:
    """The rows of a kind (a dotted kind, or its first part: "complaint" holds
    "complaint.accept") and of a status (or PENDING: every step not done yet)."""
    kept = [
        r
        for r in rows
        if not kind or r.deadline.kind == kind or r.deadline.kind.startswith(kind + ".")
    ]
    if status == PENDING:
        return pending(kept)
    return [r for r in kept if not status or (r.status is not None and r.status == status)]


def kinds_of(rows: list[DeadlineRow]) -> list[tuple[str, tuple[str, str] | None]]:
    """The kinds to filter by, with what must be done (Chinese, English) for a dotted kind: each
    dotted kind, and its first part (all of a record type's deadlines)."""
    found: dict[str, tuple[str, str] | None] = {}
    for r in rows:
        found.setdefault(r.deadline.kind.split(".", 1)[0], None)
        found[r.deadline.kind] = (r.deadline.label, r.deadline.label_en)
    return sorted(found.items())


@dataclass(frozen=True)
class DeadlineWarning:
    """What the staff's banner says: deadlines due within the warning period, and missed ones."""

    due_soon: int = 0
    missed: int = 0

    def __bool__(self) -> bool:
        return bool(self.due_soon or self.missed)


def warning_counts(actor=None) -> DeadlineWarning:
    """The banner's counts of `actor`'s offices: one pass over every registered source."""
    rows = deadline_rows(actor).rows
    return DeadlineWarning(
        due_soon=sum(r.status == DeadlineStatus.DUE_SOON for r in rows),
        missed=sum(r.status == DeadlineStatus.MISSED for r in rows),
    )


# ---- the audit log -----------------------------------------------------------------------------


@dataclass(frozen=True)
class AuditFilter:
    """The audit page's filters, already checked by its form. Dates are local dates, inclusive."""

    action: str = ""
    actor: str = ""
    role: str = ""
    since: date | None = None
    until: date | None = None
    subject: str = ""


def _local_midnight(day: date) -> datetime:
    return datetime.combine(day, time(), tzinfo=clock.TZ)


def _statement(f: AuditFilter, actor=None) -> Select:
    stmt = select(AuditEntry)
    # A supervisor (or staff) reads the entries of the offices it covers: its district's and
    # its platforms'. An entry of no office (the CLI, the demo, the deployment's settings) is
    # the deployment administrator's to read.
    clause = scope_clause(AuditEntry.office_id, actor)
    if clause is not None:
        stmt = stmt.where(clause)
    if f.action:
        stmt = stmt.where(AuditEntry.action.startswith(f.action.strip(), autoescape=True))
    if f.actor:
        stmt = stmt.where(
            func.lower(AuditEntry.actor_label).contains(f.actor.strip().lower(), autoescape=True)
        )
    if f.role == SYSTEM:
        stmt = stmt.where(AuditEntry.actor_id.is_(None))
    elif f.role:
        stmt = stmt.join(User, User.id == AuditEntry.actor_id).where(User.role == f.role)
    if f.since:
        stmt = stmt.where(AuditEntry.at >= _local_midnight(f.since))
    if f.until:
        stmt = stmt.where(AuditEntry.at < _local_midnight(f.until + timedelta(days=1)))
    if f.subject:
        text = f.subject.strip()
        kind, sep, ident = text.partition(":")
        if sep and kind and ident:  # "complaint:12" names one record
            stmt = stmt.where(AuditEntry.subject_type == kind, AuditEntry.subject_id == ident)
        else:
            stmt = stmt.where(
                or_(
                    AuditEntry.subject_type.contains(text, autoescape=True),
                    AuditEntry.subject_id.contains(text, autoescape=True),
                )
            )
    return stmt.order_by(AuditEntry.seq.desc())  # newest first


def audit_page(f: AuditFilter, page: int, per_page: int = AUDIT_PER_PAGE, *, actor=None):
    """One page of the filtered log of `actor`'s offices, newest first (an empty page past the
    last)."""
    return db.paginate(_statement(f, actor), page=page, per_page=per_page, error_out=False)


def audit_export(
    f: AuditFilter, limit: int = AUDIT_EXPORT_LIMIT, *, actor=None
) -> list[AuditEntry]:
    return list(db.session.scalars(_statement(f, actor).limit(limit)))


def link_states(entries: list[AuditEntry]) -> dict[int, bool]:
    """For each shown entry: whether its content matches its hash and its link names the entry
    before it — one extra query for the page, not a walk of the chain (that is `verify_chain`,
    on its own page)."""
    wanted = {e.seq - 1 for e in entries if e.seq > 1}
    previous = (
        dict(
            db.session.execute(
                select(AuditEntry.seq, AuditEntry.hash).where(AuditEntry.seq.in_(wanted))
            ).all()
        )
        if wanted
        else {}
    )
    previous[0] = GENESIS
    return {
        e.seq: e.compute_hash() == e.hash and previous.get(e.seq - 1) == e.prev_hash
        for e in entries
    }
