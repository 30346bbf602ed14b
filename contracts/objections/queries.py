"""Reads of objections to a trading: a company's objections and their waits (the complaints use
them), the open ones, the public answers and the answers' deadlines."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import cache

from flask import url_for
from sqlalchemy import bindparam, func, select

from app import clock, reads
from app.calendar.services import current_calendar
from app.deadlines import Deadline, Unit
from app.extensions import db
from app.offices.scope import scope_clause
from app.workdays import UnconfirmedYear
from contractors.models import Contractor
from contracts.models import Project, Trading
from contracts.objections import rules
from contracts.objections.errors import ObjectionError
from contracts.objections.models import TradingObjection
from notices.models import Notice


def calendar_end(fn, day):
    """A deadline by the office's calendar (`fn(calendar, day)`); refused with the year to
    confirm when the calendar cannot count it."""
    try:
        return fn(current_calendar(), day)
    except UnconfirmedYear as e:
        raise ObjectionError(str(e), e.message_en) from None


def window(t: Trading, matter: rules.Matter) -> tuple[datetime | None, datetime | None]:
    """When `matter` of trading `t` may be objected to: (opens_at, ends_at exclusive), both None
    while its notice or result is unpublished. The notice: from its publication until its
    publicity ends (the response deadline, as a resumption may have moved it). The result: from
    its publication for 3 日 (rules.result_objection_ends_at). The meeting: its day, from its
    appointed time (rules.meeting_objection_ends_at)."""
    if matter is rules.Matter.NOTICE:
        notice = db.session.get(Notice, t.notice_id)
        return (notice.published_at if notice else None), t.responses_close_at
    if matter is rules.Matter.MEETING:
        # The meeting's day, from its appointed time (art. 44: raised at the meeting).
        return t.meeting_at, rules.meeting_objection_ends_at(clock.local(t.meeting_at).date())
    if not t.is_drawn or t.result_notice_id is None:
        return None, None
    published = db.session.get(Notice, t.result_notice_id).published_at
    if published is None:
        return None, None
    return published, calendar_end(rules.result_objection_ends_at, clock.local(published).date())


def open_matters(t: Trading | None) -> list[rules.Matter]:
    """The matters of `t` that may be objected to now."""
    now = clock.now()
    return [m for m, opens, ends in _windows(t) if opens is not None and opens <= now < ends]


def window_moments(t: Trading | None) -> list[datetime]:
    """The moments at which `open_matters(t)` may change: each matter's opening and end (a page
    kept while the clock stays between two of them shows the same matters; contracts.article)."""
    return [m for _matter, *span in _windows(t) for m in span if m is not None]


def _windows(t: Trading | None):
    """(matter, opens_at, ends_at) of each matter of `t` whose window the calendar can count."""
    if t is None:
        return
    for matter in rules.Matter:
        try:
            opens, ends = window(t, matter)
        except ObjectionError:
            continue
        yield matter, opens, ends


def objection_waits(
    trading_id: int, contractor_id: int
) -> list[tuple[str, datetime, datetime | None]]:
    """(matter, filed_at, answered_at) of each objection `contractor_id` filed to `trading_id`,
    oldest first: whether a matter of arts. 22/44/54 was objected to before a complaint, and how
    long the company waited for the answer (time that does not count in the complaint window)."""
    rows = db.session.execute(
        select(TradingObjection.matter, TradingObjection.filed_at, TradingObjection.answered_at)
        .where(
            TradingObjection.trading_id == trading_id,
            TradingObjection.contractor_id == contractor_id,
        )
        .order_by(TradingObjection.filed_at, TradingObjection.id)
    )
    return [(r.matter, r.filed_at, r.answered_at) for r in rows]


def unanswered_count(trading_id: int, matter: rules.Matter | None = None) -> int:
    """How many objections to `trading_id` (about `matter`, if given) are still unanswered."""
    stmt = select(func.count(TradingObjection.id)).where(
        TradingObjection.trading_id == trading_id, TradingObjection.answered_at.is_(None)
    )
    if matter is not None:
        stmt = stmt.where(TradingObjection.matter == str(matter))
    return db.session.scalar(stmt) or 0


def state_of(o: TradingObjection) -> rules.ObjectionState:
    return rules.state_of(rules.ObjectionFacts(o.answer_by, o.answered_at, o.upheld), clock.now())


def objection_by_id(objection_id: int) -> TradingObjection | None:
    return db.session.get(TradingObjection, objection_id)


def of_trading(trading_id: int) -> list[TradingObjection]:
    return list(
        db.session.scalars(
            select(TradingObjection)
            .where(TradingObjection.trading_id == trading_id)
            .order_by(TradingObjection.filed_at, TradingObjection.id)
        )
    )


def answered_of_project(project_id: int) -> list[tuple]:
    """The answered objections to every trading of a project: what its public page shows — the
    columns it shows (never who objected), read by name, as plain rows (app.reads.plain_rows:
    the ORM's entities cost ~100 Python calls a page; issue 14)."""
    return reads.plain_rows(answered_statement(), {"project_id": project_id})


@cache
def answered_statement():
    """Built once per process: every announced project's page asks (issue 14)."""
    o = TradingObjection
    return (
        select(o.id, o.matter, o.filed_at, o.answered_at, o.upheld, o.answer, o.answering_body)
        .join(Trading, Trading.id == TradingObjection.trading_id)
        .where(
            Trading.project_id == bindparam("project_id"),
            TradingObjection.answered_at.is_not(None),
        )
        .order_by(TradingObjection.answered_at, TradingObjection.id)
    )


def mine(trading_id: int, contractor_id: int) -> list[TradingObjection]:
    return list(
        db.session.scalars(
            select(TradingObjection)
            .where(
                TradingObjection.trading_id == trading_id,
                TradingObjection.contractor_id == contractor_id,
            )
            .order_by(TradingObjection.filed_at, TradingObjection.id)
        )
    )


@dataclass(frozen=True)
class Row:
    """One objection as the staff list shows it."""

    objection: TradingObjection
    trading_code: str
    project_code: str
    project_name: str
    company: str
    uscc: str
    state: rules.ObjectionState


def staff_rows(*, open_only: bool = True, actor=None) -> list[Row]:
    """Objections for the office, the unanswered first by deadline (then the answered, newest);
    those of the projects of the offices `actor` covers (None: all)."""
    stmt = (
        select(
            TradingObjection,
            Trading.code,
            Project.code,
            Project.name,
            Contractor.name,
            Contractor.uscc,
        )
        .join(Trading, Trading.id == TradingObjection.trading_id)
        .join(Project, Project.id == Trading.project_id)
        .join(Contractor, Contractor.id == TradingObjection.contractor_id)
    )
    if open_only:
        stmt = stmt.where(TradingObjection.answered_at.is_(None))
    in_scope = scope_clause(Project.office_id, actor)
    if in_scope is not None:
        stmt = stmt.where(in_scope)
    stmt = stmt.order_by(
        TradingObjection.answered_at.is_not(None),
        TradingObjection.answer_by,
        TradingObjection.id,
    ).limit(500)
    return [
        Row(o, tcode, pcode, pname, cname, uscc, state_of(o))
        for o, tcode, pcode, pname, cname, uscc in db.session.execute(stmt)
    ]


#: How long an answered objection's deadline stays on the deadline pages.
_RECENT_DAYS = 30


def answer_deadlines() -> list[Deadline]:
    """The 3-日 answer deadline (art. 54) of every unanswered objection, and of those answered in
    the last 30 days (met or late)."""
    since = clock.now() - timedelta(days=_RECENT_DAYS)
    stmt = (
        select(TradingObjection, Trading.code, Project.office_id)
        .join(Trading, Trading.id == TradingObjection.trading_id)
        .join(Project, Project.id == Trading.project_id)
        .where((TradingObjection.answered_at.is_(None)) | (TradingObjection.answered_at >= since))
        .order_by(TradingObjection.answer_by)
    )
    return [
        Deadline(
            kind="objection.answer",
            label="答复异议",
            label_en="Answer the objection",
            subject=f"{tcode} 异议{o.id}",
            subject_en=f"{tcode} objection {o.id}",
            url=url_for("objections.staff_detail", objection_id=o.id),
            due_at=o.answer_by,
            unit=Unit.DAYS,
            length=rules.ANSWER_DAYS,
            basis=rules.BASIS[rules.Matter(o.matter)],
            done_at=o.answered_at,
            office_id=office_id,
        )
        for o, tcode, office_id in db.session.execute(stmt)
    ]


def company_of(o: TradingObjection) -> Contractor:
    return db.session.get(Contractor, o.contractor_id)


def trading_of(o: TradingObjection) -> Trading:
    return db.session.get(Trading, o.trading_id)
