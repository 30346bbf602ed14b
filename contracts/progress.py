"""Reads for the owner's and the office's project pages: each project's state, next step and
deadline, the open projects most urgent first, the recently closed, attachments and history."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from flask import current_app
from sqlalchemy import or_, select
from sqlalchemy.orm import selectinload

from app import clock
from app.audit import Action, AuditEntry
from app.auth.models import User
from app.extensions import db
from app.i18n import loc
from app.offices.scope import scope_clause
from contractors.models import Contractor
from contracts import queries, rules
from contracts.models import Contract, Project, ProjectAttachment, Refusal, Trading


@dataclass(frozen=True)
class ProjectRow:
    """A project with what the pages show of its progress."""

    project: Project
    state: rules.ProjectState
    #: The latest trading (announcement round), if any.
    trading: Trading | None
    #: The office's next step (None once signed) and the owner's wording of it.
    step: rules.NextStep | None
    owner_step: rules.NextStep | None
    #: When the project reached its state: the sort key of steps without a deadline.
    since: datetime
    #: When the current contract unit was told (the result letter, or the correction after a
    #: refusal) and the end (exclusive) of its contract signing period.
    letter_at: datetime | None
    signing_ends_at: datetime | None


def _letters(tradings: list[Trading]) -> dict[int, datetime]:
    """When the current contract unit of each drawn trading was told: the result letter, or —
    once a refusal passed the award on — the correction that named the next in the ranking (its
    letter dates from it, contracts.views.documents.result_letter)."""
    drawn = [t for t in tradings if t.is_drawn and t.letter_issued_at is not None]
    moments = {t.id: t.letter_issued_at for t in drawn}
    if drawn:
        passed = db.session.execute(
            select(Refusal.trading_id, Refusal.passed_to_uscc, Refusal.recorded_at).where(
                Refusal.trading_id.in_([t.id for t in drawn])
            )
        )
        winners = {t.id: t.winner_uscc for t in drawn}
        for trading_id, to, at in passed:
            if to is not None and to == winners[trading_id]:
                moments[trading_id] = max(at, moments[trading_id])
    return moments


def signing_ends_at(letter_at: datetime | None) -> datetime | None:
    """The end (exclusive) of the signing period counted from the letter (CONTRACT_SIGNING_DAYS)."""
    if letter_at is None:
        return None
    days = int(current_app.config["CONTRACT_SIGNING_DAYS"])
    return rules.signing_ends_at(letter_at, days, clock.TZ)


def _row(p: Project, signed: bool, letter_at: datetime | None, now: datetime) -> ProjectRow:
    t = p.tradings[-1] if p.tradings else None
    state = rules.state_of(queries.facts_of(p, t, signed), now)
    ends = signing_ends_at(letter_at)
    moments = {
        "responses_close_at": t.responses_close_at if t else None,
        "meeting_at": t.meeting_at if t else None,
        "signing_ends_at": ends,
    }
    since = {
        rules.ProjectState.FILED: p.filed_at,
        rules.ProjectState.FAILED: t.held_at if t else None,
    }.get(state) or p.created_at
    return ProjectRow(
        project=p,
        state=state,
        trading=t,
        step=rules.next_step(state, now, **moments),
        owner_step=rules.next_step(state, now, for_owner=True, **moments),
        since=since,
        letter_at=letter_at,
        signing_ends_at=ends,
    )


def _signed_tradings(projects: list[Project]) -> set[int]:
    ids = [t.id for p in projects for t in p.tradings]
    if not ids:
        return set()
    return set(db.session.scalars(select(Contract.trading_id).where(Contract.trading_id.in_(ids))))


def _rows(stmt) -> list[ProjectRow]:
    projects = list(db.session.scalars(stmt.options(selectinload(Project.tradings))))
    signed = _signed_tradings(projects)
    latest = [p.tradings[-1] for p in projects if p.tradings]
    letters = _letters(latest)
    now = clock.now()
    rows = []
    for p in projects:
        t = p.tradings[-1] if p.tradings else None
        rows.append(
            _row(p, t is not None and t.id in signed, letters.get(t.id) if t else None, now)
        )
    return rows


def row_of(p: Project) -> ProjectRow:
    t = p.tradings[-1] if p.tradings else None
    letter_at = _letters([t]).get(t.id) if t else None
    return _row(p, queries.contract_of(t) is not None, letter_at, clock.now())


def owned_by(user) -> list[ProjectRow]:
    """The owner account's own projects, newest first."""
    return _rows(
        select(Project).where(Project.owner_user_id == user.id).order_by(Project.id.desc())
    )


def _in_scope(stmt, actor):
    """Only the projects of the offices `actor` covers (a platform its own, a district its own
    and its platforms'; None: every office)."""
    clause = scope_clause(Project.office_id, actor)
    return stmt if clause is None else stmt.where(clause)


def open_projects(actor=None) -> list[ProjectRow]:
    """Every project of the offices `actor` covers that the office still has to see through (not
    signed, not sent back), most urgent first (contracts.rules.urgency)."""
    rows = _rows(_in_scope(select(Project).where(Project.filing != rules.Filing.SENT_BACK), actor))
    rows = [r for r in rows if r.state is not rules.ProjectState.SIGNED]
    return sorted(rows, key=lambda r: (*rules.urgency(r.step, r.since), r.project.id))


@dataclass(frozen=True)
class ClosedRow:
    project: Project
    state: rules.ProjectState
    #: When it closed: the contract recorded, or the project sent back.
    closed_at: datetime
    contract: Contract | None


def recently_closed(limit: int = 20, actor=None) -> list[ClosedRow]:
    """Projects (of the offices `actor` covers) signed or sent back, the latest first."""
    signed = db.session.execute(
        _in_scope(
            select(Project, Contract)
            .join(Trading, Trading.project_id == Project.id)
            .join(Contract, Contract.trading_id == Trading.id),
            actor,
        )
        .order_by(Contract.recorded_at.desc())
        .limit(limit)
    ).all()
    rows = [ClosedRow(p, rules.ProjectState.SIGNED, c.recorded_at, c) for p, c in signed]
    sent_back = list(
        db.session.scalars(
            _in_scope(
                select(Project).where(Project.filing == rules.Filing.SENT_BACK), actor
            ).order_by(Project.id.desc())
        )
    )
    if sent_back:
        # When each was sent back: the latest such audit entry of the project.
        when: dict[str, datetime] = {}
        for subject, at in db.session.execute(
            select(AuditEntry.subject_id, AuditEntry.at).where(
                AuditEntry.action == str(Action.PROJECT_SENT_BACK),
                AuditEntry.subject_type == "project",
                AuditEntry.subject_id.in_([p.code for p in sent_back]),
            )
        ):
            when[subject] = max(at, when.get(subject, at))
        rows += [
            ClosedRow(p, rules.ProjectState.SENT_BACK, when.get(p.code, p.created_at), None)
            for p in sent_back
        ]
    return sorted(rows, key=lambda r: r.closed_at, reverse=True)[:limit]


def attachments(p: Project) -> list[ProjectAttachment]:
    return list(
        db.session.scalars(
            select(ProjectAttachment)
            .where(ProjectAttachment.project_id == p.id)
            .order_by(ProjectAttachment.id)
        )
    )


def attachment_of(p: Project, attachment_id: int) -> ProjectAttachment | None:
    """The project's own attachment, or None (another project's id is not found here)."""
    return db.session.scalar(
        select(ProjectAttachment).where(
            ProjectAttachment.id == attachment_id, ProjectAttachment.project_id == p.id
        )
    )


def company(uscc: str | None) -> Contractor | None:
    if not uscc:
        return None
    return db.session.scalar(select(Contractor).where(Contractor.uscc == uscc))


@dataclass(frozen=True)
class RefusalRow:
    refusal: Refusal
    company: Contractor
    passed_to: Contractor | None


def refusals(t: Trading | None) -> list[RefusalRow]:
    if t is None:
        return []
    rows = db.session.scalars(
        select(Refusal).where(Refusal.trading_id == t.id).order_by(Refusal.id)
    )
    return [
        RefusalRow(r, db.session.get(Contractor, r.contractor_id), company(r.passed_to_uscc))
        for r in rows
    ]


def respondent_count(t: Trading | None) -> int | None:
    """How many responded — only once the responses closed: before that nobody, the office
    included, learns how many or who (the public learns names only at the meeting)."""
    if t is None or clock.now() < t.responses_close_at:
        return None
    return len(queries.respondents(t))


_RESPONSES = {str(Action.TRADING_RESPONDED), str(Action.TRADING_RESPONSE_WITHDRAWN)}


def history(p: Project) -> list[AuditEntry]:
    """The audit entries of the project and of its tradings, in order. Responses and withdrawals
    appear only once their trading's responses closed (who responds stays unknown until then)."""
    trading_codes = [t.code for t in p.tradings]
    now = clock.now()
    still_open = {t.code for t in p.tradings if now < t.responses_close_at}
    entries = list(
        db.session.scalars(
            select(AuditEntry)
            .where(
                or_(
                    (AuditEntry.subject_type == "project") & (AuditEntry.subject_id == p.code),
                    (AuditEntry.subject_type == "trading")
                    & AuditEntry.subject_id.in_(trading_codes or [""]),
                )
            )
            .order_by(AuditEntry.seq)
        )
    )
    return [e for e in entries if not (e.action in _RESPONSES and e.subject_id in still_open)]


def actor_names(entries: list[AuditEntry]) -> dict[int, str]:
    """Who did each step of a history, as people read it: the account's display name and, for a
    company's account, its company (``张三（宁波某建设有限公司）``) — one query for all actors.
    `actor_label` below reads an entry with this map; the audit chain's own label is unchanged."""
    ids = {e.actor_id for e in entries if e.actor_id is not None}
    if not ids:
        return {}
    rows = db.session.execute(
        select(User.id, User.display_name, User.username, Contractor.name)
        .outerjoin(Contractor, Contractor.user_id == User.id)
        .where(User.id.in_(ids))
    )
    names = {}
    for user_id, display_name, username, company in rows:
        person = (display_name or "").strip() or username
        with_company = loc(f"{person}（{company}）", f"{person} ({company})")
        names[user_id] = with_company if company and company != person else person
    return names


def actor_label(entry: AuditEntry, names: dict[int, str]) -> str:
    """An entry's actor in a history: a name from `actor_names`, 系统 for the system's own steps."""
    if entry.actor_id is not None and entry.actor_id in names:
        return names[entry.actor_id]
    if entry.actor_id is None and entry.actor_label in ("system", ""):
        return loc("系统", "System")
    return entry.actor_label
