"""The public list of filed projects, filtered by state, and a filed project by its code."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from functools import cache
from operator import itemgetter

from sqlalchemy import and_, bindparam, false, func, or_, select, union_all
from sqlalchemy.orm import aliased, selectinload
from sqlalchemy.orm.attributes import set_committed_value

from app import clock, reads
from app.extensions import db
from app.keyset import Cursor, merged, window
from app.offices.queries import newest_ids, newest_per_office
from contractors.models import PoolCategory
from contracts import rules
from contracts.models import Contract, Project, Trading, TradingSuspension

from .projects import (
    latest_round,
    latest_trading,
    plausible_code,
    project_state,
    stage_filter,
    state_value,
)

# ---- the public list ----------------------------------------------------------------------------

PUBLIC_STATES = rules.PUBLIC_STATES


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


def public_projects_page(
    page: Cursor | int,
    per_page: int,
    state: rules.ProjectState | None = None,
    office_ids: list[int] | None = None,
    since: datetime | None = None,
):
    """Filed projects, newest filing first, optionally of one state and of some offices
    (`office_ids`, app.offices.queries.ids_for_filter: None for all); `items` are ProjectRow.
    A keyset page (app.keyset), newest filing first by the (filing, filed_at, id) index — of
    one state by the (stage, filed_at, id) index (`stage_filter`): three queries whatever the
    page size — page, tradings, contracts (no N+1) — and no count."""
    offices = None if office_ids is None else tuple(dict.fromkeys(office_ids))
    if state is None and offices is None:
        where = [Project.filing == rules.Filing.FILED]
    else:
        # Filed: `filed_at IS NOT NULL` is `filing = 'filed'` (the "filed" CHECK), said so that
        # no index but the stage's (the office's) is in the list's order. Of `filing = 'filed'`
        # PostgreSQL walked the (filing, filed_at, id) index, taking the signed projects for
        # spread evenly over it: 31,335 buffers at 1,000,000 notices for ?state=signed, where
        # the newest are still in their trading.
        where = [Project.filed_at.is_not(None)]
    if state is not None:
        where.append(stage_filter(state, clock.now()))
    if since is not None:
        where.append(changed_since(since, clock.now()))
    if offices is not None and len(offices) == 1:
        where.append(Project.office_id == offices[0])
    elif offices == ():  # an unknown office (app.offices.queries.office_filter): none
        where.append(false())
    stmt = (
        select(Project)
        .outerjoin(Trading, and_(Trading.project_id == Project.id, Trading.round == latest_round()))
        .where(*where)
        .options(selectinload(Project.tradings))
    )
    if offices is None or len(offices) <= 1:
        pagination = window(stmt, page, per_page, Project.filed_at, Project.id)
        pagination.items = project_rows(list(pagination.items))
        return pagination
    # A district's offices: `office_id IN (…)` has no index in the list's order (PostgreSQL
    # walked every filed project's, filtering by office: 3,477 buffers at 1,000,000 notices,
    # 8,428 for the API's page). The page's keys are read as a range per office of (office_id,
    # filed_at, id) — of (office_id, stage, filed_at, id) for a state — merged
    # (app.keyset.Merged), then its projects by id (issue 14).
    keys = select(Project.id, Project.filed_at)
    if since is not None:  # `changed_since` reads the latest trading (one a project at most)
        keys = keys.outerjoin(
            Trading, and_(Trading.project_id == Project.id, Trading.round == latest_round())
        )
    keys = keys.where(*where)
    found = window(
        merged(keys, [(Project.office_id, offices)], Project.filed_at, Project.id),
        page,
        per_page,
        Project.filed_at,
        Project.id,
    )
    ids = [r.id for r in found.items]
    # By their ids alone: with the list's filters SQLite searched the stage's index instead.
    by_id = select(Project).where(Project.id.in_(ids)).options(selectinload(Project.tradings))
    loaded = {p.id: p for p in db.session.scalars(by_id)} if ids else {}
    found.items = project_rows([loaded[i] for i in ids])
    return found


def changed_since(since: datetime, now: datetime):
    """Projects whose API record changed at or after `since` (`?since=`), on Project outer-joined
    to its latest Trading: filed, announced (a new round), responses closed (the status changes
    by the clock, once that moment has come), drawn, letter issued, suspended, resumed or
    contract recorded then."""
    t = Trading
    return or_(
        Project.filed_at >= since,
        t.created_at >= since,
        and_(t.responses_close_at >= since, t.responses_close_at <= now),
        t.held_at >= since,
        t.letter_issued_at >= since,
        t.suspended_at >= since,
        select(TradingSuspension.id)
        .where(TradingSuspension.trading_id == t.id, TradingSuspension.resumed_at >= since)
        .exists(),
        select(Contract.id)
        .where(Contract.trading_id == t.id, Contract.recorded_at >= since)
        .exists(),
    )


def last_changes(rows: list[ProjectRow]) -> dict[int, datetime]:
    """When each project's API record last changed (project id → moment), the same steps as
    `changed_since`: two queries for the page (resumptions, contracts)."""
    now = clock.now()
    trading_ids = [r.trading.id for r in rows if r.trading is not None]
    later: dict[int, list[datetime]] = {}
    if trading_ids:
        for table, column in (
            (TradingSuspension, TradingSuspension.resumed_at),
            (Contract, Contract.recorded_at),
        ):
            found = db.session.execute(
                select(table.trading_id, func.max(column))
                .where(table.trading_id.in_(trading_ids))
                .group_by(table.trading_id)
            )
            for trading_id, moment in found:
                later.setdefault(trading_id, []).append(moment)
    out = {}
    for r in rows:
        t = r.trading
        moments = [r.project.filed_at]
        if t is not None:
            closed = t.responses_close_at if t.responses_close_at <= now else None
            moments += [t.created_at, closed, t.held_at, t.letter_issued_at, t.suspended_at]
            moments += later.get(t.id, [])
        out[r.project.id] = max(m for m in moments if m is not None)
    return out


def project_rows(projects: list[Project]) -> list[ProjectRow]:
    """The rows of some projects (their tradings loaded): two queries, contracts and categories."""
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
    names = category_names() if projects else {}
    return [
        ProjectRow(
            project=p,
            trading=t,
            state=project_state(p, t, t is not None and t.id in signed),
            category_name=names.get(p.category_code, p.category_code),
            contract_price=t.contract_price if t is not None and t.is_drawn else None,
        )
        for p in projects
        for t in (latest[p.id],)
    ]


def latest_public_projects(limit: int = 5) -> list[ProjectRow]:
    """The newest filed projects (the home page reads `home_project_lines` instead)."""
    return list(public_projects_page(1, limit).items)


@dataclass(frozen=True, slots=True)
class ProjectLine:
    """A project as the home page lists it: its link and name, filing time and state."""

    code: str
    name: str
    filed_at: datetime
    office_id: int
    state: rules.ProjectState


def home_project_rows(latest: int, per_office: int) -> tuple[tuple, ...]:
    """The rows of `home_project_lines`, as the driver gives them (`app.reads.driver_rows`):
    what the home page compares to keep its lists (app.home), read into lines only when they
    changed. Each project's state is in its row, as of now."""
    return reads.driver_rows(_home_lines_statement(per_office), {"n": latest, "now": clock.now()})


def home_project_lines(
    latest: int, per_office: int, read: tuple[tuple, ...] | None = None
) -> tuple[list[ProjectLine], dict[int, list[ProjectLine]]]:
    """The home page's projects: the newest `latest` filed projects, and the newest `per_office`
    of every office (its cards; 0: none, and no read for them, when the page has no cards).

    One statement whatever the number of offices: the lines of the ids of both — each project's
    name, time and state, the state computed by the statement (`state_value`, THE rule's SQL
    mirror) rather than in Python for each of a province's 1,200 lines — the ids read inside it
    (`IN (…)`), where reading them first made it three statements (issue 14). The lines, newest
    first, then give both: the newest `latest` of them are the newest of all (every other line
    is a filed project outside them, so older), and an office's first `per_office` its newest
    (its other lines, among the newest of all, are older than those). `read`: its
    `home_project_rows`, already read."""
    if read is None:
        read = home_project_rows(latest, per_office)
    rows = reads.typed_rows(_home_lines_statement(per_office), read)
    # By position, in the statement's order (a Row's attribute costs ~0.5 µs).
    lines = [
        ProjectLine(code, name, filed_at, office_id, rules.ProjectState(state))
        for _id, code, name, filed_at, office_id, state in sorted(
            rows, key=itemgetter(3, 0), reverse=True
        )
    ]
    by_office: dict[int, list[ProjectLine]] = {}
    if per_office > 0:
        for line in lines:
            kept = by_office.setdefault(line.office_id, [])
            if len(kept) < per_office:
                kept.append(line)
    return lines[:latest], by_office


@cache
def _newest_by_office_statement(limit: int, project=Project):
    """`project`: Project, or an alias of it where the ids are read inside a statement of
    projects (not correlated to its rows)."""
    return newest_per_office(
        project.id,
        project.office_id,
        (project.filed_at.desc(), project.id.desc()),
        # `filed_at IS NOT NULL` is `filing = 'filed'` (the "filed" CHECK): said this way each
        # office's branch is a range of (office_id, filed_at, id), where SQLite otherwise walked
        # every filed project of the (filing, filed_at, id) index once per office.
        (project.filed_at.is_not(None),),
        limit,
    )


@cache
def _home_lines_statement(per_office: int):
    """Built once per process (per_office is a constant of the page, `latest` a parameter)."""
    # The newest filed projects (the public list's first page): the (filing, filed_at, id)
    # index read newest first.
    latest = (
        select(Project.id)
        .where(Project.filing == rules.Filing.FILED)
        .order_by(Project.filed_at.desc(), Project.id.desc())
        .limit(bindparam("n"))
        .subquery()
    )
    ids = select(latest.c.id)
    if per_office > 0:
        newest = _newest_by_office_statement(per_office, aliased(Project))
        ids = union_all(ids, *newest.selects)  # one UNION ALL: SQLite refuses one nested
    return (
        select(
            Project.id,
            Project.code,
            Project.name,
            Project.filed_at,
            Project.office_id,
            state_value(bindparam("now", type_=Trading.responses_close_at.type)).label("state"),
        )
        .outerjoin(Trading, and_(Trading.project_id == Project.id, Trading.round == latest_round()))
        .where(Project.id.in_(ids))
    )


def latest_by_office(limit: int = 3) -> dict[int, list[ProjectRow]]:
    """The newest `limit` filed projects of every office as ProjectRows (the template global
    `latest_projects_by_office`; the home page reads `home_project_lines`)."""
    newest = newest_ids(_newest_by_office_statement(limit))
    projects = db.session.scalars(
        select(Project)
        .where(Project.id.in_(newest))
        .options(selectinload(Project.tradings))
        .order_by(Project.filed_at.desc(), Project.id.desc())
    ).all()
    out: dict[int, list[ProjectRow]] = {}
    for row in project_rows(list(projects)):
        out.setdefault(row.project.office_id, []).append(row)
    return out


def get_public_project(code: str) -> Project | None:
    """A project the public may see: filed (submitted and sent-back projects are not public).
    Its tradings (a round or a few) are joined: one statement for the project and its rounds.

    Read as rows of (project, trading or None), the tradings then given to the project as its
    loaded collection (in the relationship's order, by round): the ORM's joined loading of a
    collection (`joinedload`, `unique()`) made a fifth more calls for the same statement, and
    every project page pays it (issue 14)."""
    if not plausible_code(code):
        return None
    rows = db.session.execute(_public_project_statement(), {"code": code}).all()
    if not rows:
        return None
    project = rows[0][0]
    set_committed_value(project, "tradings", [t for _p, t in rows if t is not None])
    return project


@cache
def _public_project_statement():
    """Built once per process: building it cost a third of running it (issue 14)."""
    return (
        select(Project, Trading)
        .outerjoin(Trading, Trading.project_id == Project.id)
        .where(Project.code == bindparam("code"), Project.filing == rules.Filing.FILED)
        .order_by(Trading.round)
    )
