"""Reads of trading: projects and their state, respondents, the draws' candidate source, the public
list and timeline of each project, contractors' open tradings and responses, and the figures of
the 5-working-day clock (trading notice → result letter)."""

from __future__ import annotations

import statistics
from dataclasses import dataclass, field
from datetime import date, datetime

from sqlalchemy import and_, exists, func, select
from sqlalchemy.orm import contains_eager, selectinload

from app import clock
from app.calendar.services import current_calendar
from app.extensions import db
from app.workdays import UnconfirmedYear, local_date
from contractors.models import Contractor, PoolCategory
from contractors.queries import active_members
from contracts import rules
from contracts.models import (
    Contract,
    Project,
    ProjectAttachment,
    Refusal,
    Trading,
    TradingResponse,
)
from lottery import services as draws
from lottery.models import Draw
from notices.models import Notice

SUBJECT_TYPE = "trading_project"


#: Longer than any project or trading code (String(40) / String(50)): cannot exist.
MAX_CODE = 50


def plausible_code(code: str) -> bool:
    """Whether a code from a URL can name a row at all: PostgreSQL refuses a NUL in a text
    parameter with an error, so such a code must be a 404 before it reaches the database."""
    return 0 < len(code) <= MAX_CODE and "\x00" not in code


def get_project(code: str) -> Project | None:
    if not plausible_code(code):
        return None
    return db.session.scalar(select(Project).where(Project.code == code))


def public_project(code: str) -> Project | None:
    """A project the public may see: only filed ones (a submitted or sent-back project is the
    owner's and the office's business until it is filed)."""
    p = get_project(code)
    return p if p is not None and p.filing == "filed" else None


def latest_trading(p: Project) -> Trading | None:
    return p.tradings[-1] if p.tradings else None


def contract_of(t: Trading | None) -> Contract | None:
    if t is None:
        return None
    return db.session.scalar(select(Contract).where(Contract.trading_id == t.id))


def award_holder(t: Trading | None) -> tuple[str, int] | None:
    """The current contract unit of a drawn trading and its place in the published ranking (the
    refusal form names both; contracts.rules.check_refused_company)."""
    if t is None or t.outcome != "drawn" or not t.winner_uscc:
        return None
    ranking = db.session.scalar(select(Draw.result).where(Draw.draw_id == t.award_draw_id))
    place = rules.ranking_position(ranking or [], t.winner_uscc)
    return (t.winner_uscc, place) if place is not None else None


def state_of(p: Project) -> rules.ProjectState:
    t = latest_trading(p)
    return _state(p, t, contract_of(t) is not None)


def _state(p: Project, t: Trading | None, signed: bool) -> rules.ProjectState:
    facts = rules.Facts(
        filing=p.filing,
        responses_close_at=t.responses_close_at if t else None,
        outcome=t.outcome if t else None,
        signed=signed,
    )
    return rules.state_of(facts, clock.now())


def respondents(t: Trading) -> dict[str, str]:
    """The respondents not withdrawn: USCC → name."""
    rows = db.session.execute(
        select(Contractor.uscc, Contractor.name)
        .join(TradingResponse, TradingResponse.contractor_id == Contractor.id)
        .where(TradingResponse.trading_id == t.id, TradingResponse.withdrawn_at.is_(None))
    )
    return {r.uscc: r.name for r in rows}


def _trading_candidates(code: str) -> draws.CandidateList | None:
    """Respondents of a trading at its award meeting (frozen by the draw there).

    Names are public only at the meeting (DESIGN.md B.4): before its published time — and before
    the responses closed — the draw page and the meeting screen show no candidates.
    """
    t = db.session.scalar(select(Trading).where(Trading.code == code))
    if t is None or clock.now() < t.responses_close_at:
        return None
    if t.held_at is None and clock.now() < t.meeting_at:
        return None
    found = respondents(t)
    return draws.CandidateList(tuple(sorted(found)), found) if found else None


# ---- the public list ----------------------------------------------------------------------------

#: The states a filed project can be in: what the public list filters by, in the procedure's order.
PUBLIC_STATES = (
    rules.ProjectState.FILED,
    rules.ProjectState.ANNOUNCED,
    rules.ProjectState.AWAITING_MEETING,
    rules.ProjectState.FAILED,
    rules.ProjectState.DRAWN,
    rules.ProjectState.SIGNED,
)


def parse_state(raw: str | None) -> rules.ProjectState | None:
    """A state from a query string, or None (no filter) for anything else."""
    try:
        state = rules.ProjectState(raw or "")
    except ValueError:
        return None
    return state if state in PUBLIC_STATES else None


def category_names() -> dict[str, str]:
    """Category code → name, every category (a project keeps its category when it is retired)."""
    return {
        r.code: r.name for r in db.session.execute(select(PoolCategory.code, PoolCategory.name))
    }


@dataclass(frozen=True)
class ProjectRow:
    """One line of the public list: the project, its latest trading and its state."""

    project: Project
    trading: Trading | None
    state: rules.ProjectState
    category_name: str
    #: The contract price once drawn (None before, and when the ranking ran out after refusals).
    contract_price: object | None


def _latest_round():
    return (
        select(func.max(Trading.round))
        .where(Trading.project_id == Project.id)
        .correlate(Project)
        .scalar_subquery()
    )


def _state_filter(state: rules.ProjectState, now: datetime):
    """The SQL condition of `rules.state_of` for one state, on Project outer-joined to its latest
    Trading (the rule itself stays in rules.py; this only selects the rows it would name)."""
    signed = exists(select(Contract.id).where(Contract.trading_id == Trading.id))
    S = rules.ProjectState
    return {
        S.FILED: Trading.id.is_(None),
        S.ANNOUNCED: and_(Trading.outcome.is_(None), Trading.responses_close_at > now),
        S.AWAITING_MEETING: and_(Trading.outcome.is_(None), Trading.responses_close_at <= now),
        S.FAILED: Trading.outcome == "failed",
        S.DRAWN: and_(Trading.outcome == "drawn", ~signed),
        S.SIGNED: and_(Trading.outcome == "drawn", signed),
    }[state]


def public_projects_page(page: int, per_page: int, state: rules.ProjectState | None = None):
    """Filed projects, newest filing first, optionally of one state; `items` are ProjectRow.
    Four queries whatever the page size: count, page, tradings, contracts (no N+1)."""
    stmt = (
        select(Project)
        .outerjoin(
            Trading, and_(Trading.project_id == Project.id, Trading.round == _latest_round())
        )
        .where(Project.filing == "filed")
        .options(selectinload(Project.tradings))
        .order_by(Project.filed_at.desc(), Project.id.desc())
    )
    if state is not None:
        stmt = stmt.where(_state_filter(state, clock.now()))
    pagination = db.paginate(stmt, page=page, per_page=per_page, error_out=False)
    projects = list(pagination.items)
    latest = {p.id: latest_trading(p) for p in projects}
    trading_ids = [t.id for t in latest.values() if t is not None]
    signed = (
        set(
            db.session.scalars(
                select(Contract.trading_id).where(Contract.trading_id.in_(trading_ids))
            )
        )
        if trading_ids
        else set()
    )
    names = category_names()
    pagination.items = [
        ProjectRow(
            project=p,
            trading=t,
            state=_state(p, t, t is not None and t.id in signed),
            category_name=names.get(p.category_code, p.category_code),
            contract_price=t.contract_price if t is not None and t.outcome == "drawn" else None,
        )
        for p in projects
        for t in (latest[p.id],)
    ]
    return pagination


def latest_public_projects(limit: int = 5) -> list[ProjectRow]:
    """The newest filed projects for the home page."""
    return list(public_projects_page(1, limit).items)


def get_public_project(code: str) -> Project | None:
    """A project the public may see: filed (submitted and sent-back projects are not public)."""
    if not plausible_code(code):
        return None
    return db.session.scalar(
        select(Project)
        .where(Project.code == code, Project.filing == "filed")
        .options(selectinload(Project.tradings))
    )


def trading_by_code(code: str) -> Trading | None:
    """A trading by its code (the subject of its draws: PRJ-2026-0007, PRJ-2026-0007-2)."""
    if not plausible_code(code):
        return None
    return db.session.scalar(select(Trading).where(Trading.code == code))


def attachments_of(p: Project) -> list[ProjectAttachment]:
    return list(
        db.session.scalars(
            select(ProjectAttachment)
            .where(ProjectAttachment.project_id == p.id)
            .order_by(ProjectAttachment.uploaded_at, ProjectAttachment.id)
        )
    )


def attachment_of(p: Project, attachment_id: int) -> ProjectAttachment | None:
    """An attachment only under its own project."""
    return db.session.scalar(
        select(ProjectAttachment).where(
            ProjectAttachment.id == attachment_id, ProjectAttachment.project_id == p.id
        )
    )


# ---- the 5-working-day clock --------------------------------------------------------------------


def _working_days(calendar, notice_at: datetime, letter_at: datetime) -> int | None:
    try:
        return rules.notice_to_letter_days(calendar, local_date(notice_at), local_date(letter_at))
    except UnconfirmedYear:  # never guess a year the office has not confirmed
        return None


def notice_to_letter_days(p: Project, calendar=None) -> int | None:
    """Working days from the trading notice of the round that was drawn to its result letter
    (DESIGN.md B.5, target 5); None while no round was drawn."""
    drawn = next((t for t in reversed(p.tradings) if t.outcome == "drawn"), None)
    if drawn is None or drawn.letter_issued_at is None:
        return None
    published = db.session.scalar(select(Notice.published_at).where(Notice.id == drawn.notice_id))
    if published is None:
        return None
    return _working_days(calendar or current_calendar(), published, drawn.letter_issued_at)


@dataclass(frozen=True)
class LetterDistribution:
    """Notice-to-letter over every drawn project: how many took 1, 2, 3, 4, 5 and more than 5
    working days (0 counts with 1), how many met the 5-day target, and the median."""

    buckets: tuple[tuple[str, int], ...]
    total: int
    within_target: int
    median: float | None
    #: Drawn projects whose days could not be counted (a year the calendar has not confirmed).
    uncounted: int = 0
    target: int = rules.LETTER_TARGET_WORKING_DAYS

    @property
    def share_within(self) -> float | None:
        return self.within_target / self.total if self.total else None

    @property
    def largest(self) -> int:
        return max((n for _k, n in self.buckets), default=0)


def letter_distribution() -> LetterDistribution:
    """One query over all drawn tradings of filed projects, counted with one calendar."""
    rows = db.session.execute(
        select(Notice.published_at, Trading.letter_issued_at)
        .join(Notice, Notice.id == Trading.notice_id)
        .join(Project, Project.id == Trading.project_id)
        .where(
            Trading.outcome == "drawn",
            Trading.letter_issued_at.is_not(None),
            Notice.published_at.is_not(None),
            Project.filing == "filed",
        )
    ).all()
    calendar = current_calendar()
    days = [_working_days(calendar, r[0], r[1]) for r in rows]
    counted = [d for d in days if d is not None]
    target = rules.LETTER_TARGET_WORKING_DAYS
    buckets = [(str(n), sum(1 for d in counted if max(d, 1) == n)) for n in range(1, target + 1)]
    buckets.append((f">{target}", sum(1 for d in counted if d > target)))
    return LetterDistribution(
        buckets=tuple(buckets),
        total=len(counted),
        within_target=sum(1 for d in counted if d <= target),
        median=statistics.median(counted) if counted else None,
        uncounted=len(days) - len(counted),
    )


# ---- one project's public page: its whole timeline ----------------------------------------------


@dataclass(frozen=True)
class Event:
    """One step of a project's timeline. `kind` names it (the page gives the words); `done` is
    False for a step still ahead (the response deadline, the planned meeting)."""

    kind: str
    at: datetime | None
    round: int | None = None
    done: bool = True
    notice: Notice | None = None
    #: The respondents' count (responses_closed), a company (refusal, signed), an amount…
    details: dict = field(default_factory=dict)


@dataclass(frozen=True)
class RefusalView:
    refusal: Refusal
    uscc: str
    company: str
    passed_to: str | None
    correction: Notice | None


@dataclass(frozen=True)
class RoundView:
    """One trading of a project, as the public may see it at this moment."""

    trading: Trading
    notice: Notice | None
    result_notice: Notice | None
    closed: bool
    #: The responses' count, only after the deadline (None before: DESIGN.md B, "the public sees
    #: the count of responses only after the deadline").
    respondent_count: int | None
    #: (USCC, name) of the respondents, only once the meeting was held, from the award draw's
    #: frozen candidates ("names only at the meeting"); None before.
    respondents: list[tuple[str, str]] | None
    award_draw: Draw | None
    rate_draw: Draw | None
    #: The award draw's ranking, (USCC, name), once drawn.
    ranking: list[tuple[str, str]]
    winner: tuple[str, str] | None
    refusals: list[RefusalView]
    contract: Contract | None
    contract_company: str | None


@dataclass(frozen=True)
class ProjectPage:
    project: Project
    state: rules.ProjectState
    category_name: str
    rounds: list[RoundView]
    events: list[Event]
    letter_days: int | None
    attachments: list[ProjectAttachment]

    @property
    def current(self) -> RoundView | None:
        return self.rounds[-1] if self.rounds else None

    @property
    def target(self) -> int:
        return rules.LETTER_TARGET_WORKING_DAYS


def _count_responses(t: Trading) -> int:
    return db.session.scalar(
        select(func.count(TradingResponse.id)).where(
            TradingResponse.trading_id == t.id, TradingResponse.withdrawn_at.is_(None)
        )
    )


def _round(t: Trading, notices: dict[int, Notice], draws_by_id: dict[str, Draw], now) -> RoundView:
    award, rate = draws_by_id.get(t.award_draw_id), draws_by_id.get(t.rate_draw_id)
    closed = now >= t.responses_close_at
    names: list[tuple[str, str]] | None = None
    if t.held_at is not None and award is not None and award.candidates:
        names = [(u, award.label(u)) for u in award.candidates]
    ranking = [(u, award.label(u)) for u in (award.result or [])] if award is not None else []
    winner = None
    if t.outcome == "drawn" and t.winner_uscc:
        winner = (t.winner_uscc, award.label(t.winner_uscc) if award else "")
    refusals = list(
        db.session.scalars(select(Refusal).where(Refusal.trading_id == t.id).order_by(Refusal.id))
    )
    contract = db.session.scalar(select(Contract).where(Contract.trading_id == t.id))
    ids = {r.contractor_id for r in refusals} | ({contract.contractor_id} if contract else set())
    rows = (
        db.session.execute(
            select(Contractor.id, Contractor.uscc, Contractor.name).where(Contractor.id.in_(ids))
        ).all()
        if ids
        else []
    )
    company = {r.id: r.name for r in rows}
    uscc = {r.id: r.uscc for r in rows}
    label = award.label if award is not None else (lambda _u: "")
    return RoundView(
        trading=t,
        notice=notices.get(t.notice_id),
        result_notice=notices.get(t.result_notice_id) if t.result_notice_id else None,
        closed=closed,
        respondent_count=_count_responses(t) if closed else None,
        respondents=names,
        award_draw=award,
        rate_draw=rate,
        ranking=ranking,
        winner=winner,
        refusals=[
            RefusalView(
                refusal=r,
                uscc=uscc.get(r.contractor_id, ""),
                company=company.get(r.contractor_id, ""),
                passed_to=label(r.passed_to_uscc) if r.passed_to_uscc else None,
                correction=notices.get(r.correction_notice_id) if r.correction_notice_id else None,
            )
            for r in refusals
        ],
        contract=contract,
        contract_company=company.get(contract.contractor_id) if contract else None,
    )


def _events(p: Project, rounds: list[RoundView]) -> list[Event]:
    events = [Event("filed", p.filed_at)]
    for r in rounds:
        t = r.trading
        n = t.round
        events.append(
            Event(
                "announced", r.notice.published_at if r.notice else t.created_at, n, notice=r.notice
            )
        )
        events.append(
            Event(
                "responses_closed",
                t.responses_close_at,
                n,
                done=r.closed,
                details={"count": r.respondent_count},
            )
        )
        held = t.held_at is not None
        events.append(
            Event(
                "meeting",
                t.held_at if held else t.meeting_at,
                n,
                done=held,
                details={"place": t.meeting_place},
            )
        )
        if r.result_notice is not None:
            kind = "failed" if t.outcome == "failed" else "result"
            details = {"reason": t.failed_reason} if kind == "failed" else {}
            events.append(
                Event(
                    kind, r.result_notice.published_at, n, notice=r.result_notice, details=details
                )
            )
        if t.letter_issued_at is not None:
            events.append(Event("letter", t.letter_issued_at, n))
        for v in r.refusals:
            events.append(
                Event(
                    "refusal",
                    v.refusal.recorded_at,
                    n,
                    notice=v.correction,
                    details={"company": v.company, "passed_to": v.passed_to},
                )
            )
        if r.contract is not None:
            events.append(
                Event(
                    "signed",
                    r.contract.recorded_at,
                    n,
                    details={
                        "signed_on": r.contract.signed_on,
                        "amount": r.contract.amount,
                        "amount_reason": r.contract.amount_reason,
                        "company": r.contract_company,
                    },
                )
            )
    return events


def project_page(p: Project) -> ProjectPage:
    """Everything the public page of a filed project shows, as of now."""
    now = clock.now()
    tradings = list(p.tradings)
    notice_ids = {i for t in tradings for i in (t.notice_id, t.result_notice_id) if i is not None}
    notice_ids |= (
        set(
            db.session.scalars(
                select(Refusal.correction_notice_id).where(
                    Refusal.trading_id.in_([t.id for t in tradings]),
                    Refusal.correction_notice_id.is_not(None),
                )
            )
        )
        if tradings
        else set()
    )
    notices = (
        {
            n.id: n
            for n in db.session.scalars(
                select(Notice).where(Notice.id.in_(notice_ids), Notice.status == "published")
            )
        }
        if notice_ids
        else {}
    )
    draw_ids = [i for t in tradings for i in (t.award_draw_id, t.rate_draw_id)]
    draws_by_id = (
        {d.draw_id: d for d in db.session.scalars(select(Draw).where(Draw.draw_id.in_(draw_ids)))}
        if draw_ids
        else {}
    )
    rounds = [_round(t, notices, draws_by_id, now) for t in tradings]
    latest = rounds[-1] if rounds else None
    return ProjectPage(
        project=p,
        state=_state(p, latest.trading if latest else None, bool(latest and latest.contract)),
        category_name=category_names().get(p.category_code, p.category_code),
        rounds=rounds,
        events=_events(p, rounds),
        letter_days=notice_to_letter_days(p),
        attachments=attachments_of(p),
    )


# ---- a contractor's tradings --------------------------------------------------------------------


def member_categories(contractor_id: int, on: date | None = None) -> dict[str, str]:
    """Category code → name where the company is an active member on `on` (today): THE rule,
    through `contractors.queries.active_members`."""
    return {
        m.category: m.category_name
        for m in active_members(None, on or clock.today())
        if m.contractor_id == contractor_id
    }


def open_tradings(category_codes) -> list[Trading]:
    """Tradings accepting responses now in these categories, soonest deadline first."""
    codes = list(category_codes)
    if not codes:
        return []
    return list(
        db.session.scalars(
            select(Trading)
            .join(Trading.project)
            .where(
                Project.category_code.in_(codes),
                Project.filing == "filed",
                Trading.outcome.is_(None),
                Trading.responses_close_at > clock.now(),
            )
            .options(contains_eager(Trading.project))
            .order_by(Trading.responses_close_at, Trading.id)
        )
    )


def responses_of(contractor_id: int) -> list[TradingResponse]:
    """The company's responses (withdrawn ones too), newest first, with their trading and project."""
    return list(
        db.session.scalars(
            select(TradingResponse)
            .join(TradingResponse.trading)
            .join(Trading.project)
            .where(TradingResponse.contractor_id == contractor_id)
            .options(contains_eager(TradingResponse.trading).contains_eager(Trading.project))
            .order_by(TradingResponse.confirmed_at.desc(), TradingResponse.id.desc())
        )
    )


def refused_tradings(contractor_id: int) -> set[int]:
    """The tradings where the company, once the contract unit, refused to sign."""
    return set(
        db.session.scalars(select(Refusal.trading_id).where(Refusal.contractor_id == contractor_id))
    )


def response_of(t: Trading, contractor_id: int) -> TradingResponse | None:
    """The company's response to this trading (withdrawn or not), or None."""
    return db.session.scalar(
        select(TradingResponse).where(
            TradingResponse.trading_id == t.id, TradingResponse.contractor_id == contractor_id
        )
    )


def own_response(p: Project, contractor_id: int) -> TradingResponse | None:
    """The company's response in the latest round it responded to, or None."""
    for t in reversed(p.tradings):
        r = response_of(t, contractor_id)
        if r is not None:
            return r
    return None
