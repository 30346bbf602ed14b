"""One project and its trading: loading by code, the state (THE Python rule's facts and its one
SQL mirror), the respondents and the draws' candidate source."""

from __future__ import annotations

from datetime import datetime
from functools import cache

from sqlalchemy import Row, and_, bindparam, case, exists, func, literal, select
from sqlalchemy.orm import joinedload

from app import clock, reads
from app.extensions import db
from app.offices.queries import OfficeRow, all_offices
from app.offices.scope import scope_ids
from contractors.models import Contractor
from contracts import rules
from contracts.models import Contract, Project, ProjectAttachment, Trading, TradingResponse
from contracts.screening import queries as screening
from lottery import services as draws
from lottery.models import Draw

SUBJECT_TYPE = rules.SUBJECT_TYPE


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


def entry_offices(actor) -> list[OfficeRow]:
    """The offices an account may enter a project for (its scope): a platform's account its
    platform; a district's the district and its platforms; the deployment's administrator every
    office. Districts first, each followed by its platforms."""
    ids = scope_ids(actor)
    offices = all_offices()
    return offices if ids is None else [o for o in offices if o.id in set(ids)]


def latest_trading(p: Project) -> Trading | None:
    return p.tradings[-1] if p.tradings else None


def contract_of(t: Trading | None) -> Contract | None:
    if t is None:
        return None
    return db.session.scalar(select(Contract).where(Contract.trading_id == t.id))


def award_holder(t: Trading | None) -> tuple[str, int] | None:
    """The current contract unit of a drawn trading and its place in the published ranking (the
    refusal form names both; contracts.rules.check_refused_company)."""
    if t is None or not t.is_drawn or not t.winner_uscc:
        return None
    ranking = db.session.scalar(select(Draw.result).where(Draw.draw_id == t.award_draw_id))
    place = rules.ranking_position(ranking or [], t.winner_uscc)
    return (t.winner_uscc, place) if place is not None else None


def facts_of(p: Project, t: Trading | None, signed: bool) -> rules.Facts:
    """The facts the state rule reads, of a project and its latest trading (None before any)."""
    return rules.Facts(
        filing=p.filing,
        responses_close_at=t.responses_close_at if t else None,
        outcome=t.outcome if t else None,
        signed=signed,
        suspended=t is not None and t.suspended_at is not None,
    )


def state_of(p: Project) -> rules.ProjectState:
    t = latest_trading(p)
    return project_state(p, t, contract_of(t) is not None)


def project_state(p: Project, t: Trading | None, signed: bool) -> rules.ProjectState:
    """The state of `p` whose latest trading is `t` (`signed`: a contract is recorded for it)."""
    return rules.state_of(facts_of(p, t, signed), clock.now())


def _fact_sql(fact: rules.Fact, now: datetime, *, shown: bool = False):
    """One fact of the state rule in SQL, on Project outer-joined to its latest Trading. Never
    NULL (the rule negates earlier rows' facts: NOT NULL would select nothing).

    `shown`: for a value in the select list (`state_value`), where PostgreSQL may plan an EXISTS
    as a hashed subplan — every contract read into a hash on every request, as the notice
    lines' 已更正 badge did (notices.queries.line_columns) — a scalar subquery, never hashed. In
    a filter the EXISTS stays: there the planner makes it a semi- or anti-join."""
    F = rules.Fact
    if fact is F.SIGNED and shown:
        contract = select(literal(1)).where(Contract.trading_id == Trading.id).limit(1)
        return contract.scalar_subquery().is_not(None)
    if fact is F.SIGNED:
        return exists(select(Contract.id).where(Contract.trading_id == Trading.id))
    if fact is F.SUSPENDED:
        return and_(Trading.id.is_not(None), Trading.suspended_at.is_not(None))
    if fact is F.ANNOUNCED:
        return Trading.id.is_not(None)
    if fact is F.OPEN:
        return and_(Trading.id.is_not(None), Trading.responses_close_at > now)
    if fact in (F.DRAWN, F.FAILED):
        return func.coalesce(Trading.outcome, "") == str(rules.Outcome(fact))
    return Project.filing == str(rules.Filing(fact))


def state_filter(state: rules.ProjectState, now: datetime):
    """THE SQL mirror of `rules.state_of`: the condition selecting the projects in `state`, on
    Project outer-joined to its latest Trading. Built from rules.STATE_RULE itself — the state's
    facts hold and no earlier state's facts all do — so the rule is written once
    (tests/integration/test_state_sql.py checks it against the Python rule on every state)."""
    earlier = []
    for candidate, needs in rules.STATE_RULE:
        condition = and_(*(_fact_sql(fact, now) for fact in needs))
        if candidate is state:
            return and_(condition, *(~c for c in earlier))
        earlier.append(condition)
    raise ValueError(state)


def state_value(now):
    """THE SQL mirror of `rules.state_of` as a value: the state (its text) of Project
    outer-joined to its latest Trading, for a page that shows many projects' states (the home
    page's 1,200 lines at province scale, issue 14). A CASE takes the first WHEN that holds, as
    the rule takes the first state whose facts all hold (tests/integration/test_state_sql.py
    checks it against the Python rule on every state). `now` may be a bound parameter."""
    return case(
        *(
            (and_(*(_fact_sql(fact, now, shown=True) for fact in needs)), literal(str(state)))
            for state, needs in rules.STATE_RULE
        )
    )


def stage_filter(state: rules.ProjectState, now: datetime):
    """The projects in `state` at `now` read from their stored stage (`Project.stage`,
    contracts.stage) by the (stage, filed_at, id, responses_close_at) index: the stage is the
    state (`rules.state_at`) but for an announced project, which awaits its meeting once the
    responses have closed (`Project.responses_close_at`, in the index: an empty page of
    awaiting projects reads no project's row nor trading). The public list's ?state=
    (tests/integration/test_state_sql.py checks it against the Python rule on every state).
    Deriving the state in SQL instead (`state_value`) walked every filed project,
    newest first, to find an empty page: ?state=awaiting_meeting 134 ms on SQLite at 1,000,000
    notices (issue 14)."""
    S = rules.ProjectState
    if state is S.ANNOUNCED:  # responses open (rules.responses_open)
        return and_(Project.stage == str(S.ANNOUNCED), Project.responses_close_at > now)
    if state is S.AWAITING_MEETING:
        return and_(Project.stage == str(S.ANNOUNCED), Project.responses_close_at <= now)
    return Project.stage == str(state)


def latest_round():
    """The latest trading round of the Project in the enclosing query (correlated)."""
    return (
        select(func.max(Trading.round))
        .where(Trading.project_id == Project.id)
        .correlate(Project)
        .scalar_subquery()
    )


def respondents(t: Trading) -> dict[str, str]:
    """The respondents not withdrawn: USCC → name."""
    rows = db.session.execute(
        select(Contractor.uscc, Contractor.name)
        .join(TradingResponse, TradingResponse.contractor_id == Contractor.id)
        .where(TradingResponse.trading_id == t.id, TradingResponse.withdrawn_at.is_(None))
    )
    return {r.uscc: r.name for r in rows}


def trading_candidates(code: str) -> draws.CandidateList | None:
    """Respondents of a trading at its award meeting (frozen by the draw there).

    Names are public only at the meeting (DESIGN.md B.4): before its published time — and before
    the responses closed — the draw page and the meeting screen show no candidates.
    """
    t = db.session.scalar(select(Trading).where(Trading.code == code))
    if t is None or clock.now() < t.responses_close_at:
        return None
    if t.held_at is None and clock.now() < t.meeting_at:
        return None
    # The credit screen's exclusions are not candidates (contracts.screening).
    found = screening.candidates(t)
    return draws.CandidateList(tuple(sorted(found)), found) if found else None


def trading_by_code(code: str) -> Trading | None:
    """A trading by its code (the subject of its draws: PRJ-2026-0007, PRJ-2026-0007-2), with its
    project and the project's rounds in the same statement (every caller asks for the project
    next, and a trading notice's links whether it is the latest round: `latest_trading`)."""
    if not plausible_code(code):
        return None
    found = db.session.scalars(_trading_by_code_statement(), {"code": code})
    return found.unique().one_or_none()


@cache
def _trading_by_code_statement():
    """Built once per process (a trading notice's page and its project's redirect ask for it).
    A project has a round or a few: the join repeats the trading for each, where loading the
    rounds on their own was a statement more on every trading notice's page (issue 14)."""
    return (
        select(Trading)
        .where(Trading.code == bindparam("code"))
        .options(joinedload(Trading.project).joinedload(Project.tradings))
    )


def trading_facts(code: str):
    """What the public links of a trading's notice read of it (contracts.views.related), in one
    statement of columns read as driver rows (app.reads), or None for no such trading: its
    project's code and filing, its round, when its meeting was held, its draws' ids and the
    project's latest round (`latest_trading` is the round-ordered last; a round is unique per
    project).

    For an anonymous reader's trading notice (issue 14): `trading_by_code` loads the trading,
    its project and the project's rounds as tracked objects, ~0.2 ms of the page."""
    if not plausible_code(code):
        return None
    found = reads.plain_rows(_trading_facts_statement(), {"code": code})
    return found[0] if found else None


@cache
def _trading_facts_statement():
    """Built once per process."""
    rounds = Trading.__table__.alias("rounds")
    latest = select(func.max(rounds.c.round)).where(rounds.c.project_id == Trading.project_id)
    return (
        select(
            Project.code.label("project_code"),
            Project.filing,
            Trading.round,
            Trading.held_at,
            Trading.award_draw_id,
            Trading.rate_draw_id,
            latest.scalar_subquery().label("latest_round"),
        )
        .join(Project, Project.id == Trading.project_id)
        .where(Trading.code == bindparam("code"))
    )


def category_of_trading(code: str) -> str | None:
    """The category code of a trading's project: a trading's notices are of it (notices.categories,
    the notice list's `?category=`); None for no such trading. Fixed once the project is filed,
    before its first trading. Migration 0036's backfill is this in SQL.

    A trading is written after its trading notice (it holds the notice's id): the notice of a
    new round asks for a trading not yet written, found then by its project's code
    (contracts.rules.project_codes_of)."""
    if not plausible_code(code):
        return None
    found = db.session.scalar(
        select(Project.category_code)
        .join(Trading, Trading.project_id == Project.id)
        .where(Trading.code == code)
    )
    if found is not None:
        return found
    candidates = rules.project_codes_of(code)
    rows = db.session.execute(
        select(Project.code, Project.category_code).where(Project.code.in_(candidates))
    )
    by_code = dict(rows.all())
    return next((by_code[c] for c in candidates if c in by_code), None)


def attachments_of(p: Project) -> list[Row]:
    """What the public page lists of a project's files (id, name, type, size, SHA-256), in
    upload order: columns read on the connection (app.reads), no entities — the ORM's loading
    of a statement cost several times SQLite's work on every project page (issue 14)."""
    return reads.plain_rows(attachments_statement(), {"project_id": p.id})


@cache
def attachments_statement():
    """Built once per process (every project page reads its attachments)."""
    return (
        select(
            ProjectAttachment.id,
            ProjectAttachment.original_name,
            ProjectAttachment.content_type,
            ProjectAttachment.size,
            ProjectAttachment.sha256,
        )
        .where(ProjectAttachment.project_id == bindparam("project_id"))
        .order_by(ProjectAttachment.uploaded_at, ProjectAttachment.id)
    )


def attachment_of(p: Project, attachment_id: int) -> ProjectAttachment | None:
    """An attachment only under its own project."""
    return db.session.scalar(
        select(ProjectAttachment).where(
            ProjectAttachment.id == attachment_id, ProjectAttachment.project_id == p.id
        )
    )


def next_clock_change(now: datetime) -> datetime | None:
    """The earliest moment at or after `now` at which a trading's public state changes by the
    clock alone (app.pagecache's time edge): its responses close (announced → awaiting the
    meeting; the respondents and objection windows follow), or its meeting's appointed time comes
    (the draw page shows the candidates). Other moments are dates or end at local midnight
    (signing, objection and complaint windows), which the page cache ends entries at anyway."""
    close = select(func.min(Trading.responses_close_at)).where(Trading.responses_close_at >= now)
    meeting = select(func.min(Trading.meeting_at)).where(Trading.meeting_at >= now)
    row = db.session.execute(select(close.scalar_subquery(), meeting.scalar_subquery())).one()
    return min((m for m in row if m is not None), default=None)
