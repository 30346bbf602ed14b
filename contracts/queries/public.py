"""The public list of filed projects, filtered by state, and a filed project by its code."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import and_, select
from sqlalchemy.orm import selectinload

from app import clock
from app.extensions import db
from app.keyset import Cursor, window
from app.offices.queries import newest_per_office
from contractors.models import PoolCategory
from contracts import rules
from contracts.models import Contract, Project, Trading

from .projects import latest_round, latest_trading, plausible_code, project_state, state_filter

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
):
    """Filed projects, newest filing first, optionally of one state and of some offices
    (`office_ids`, app.offices.queries.ids_for_filter: None for all); `items` are ProjectRow.
    A keyset page (app.keyset), newest filing first by the (filing, filed_at, id) index: three
    queries whatever the page size — page, tradings, contracts (no N+1) — and no count."""
    stmt = (
        select(Project)
        .outerjoin(Trading, and_(Trading.project_id == Project.id, Trading.round == latest_round()))
        .where(Project.filing == rules.Filing.FILED)
        .options(selectinload(Project.tradings))
    )
    if state is not None:
        stmt = stmt.where(state_filter(state, clock.now()))
    if office_ids is not None:
        stmt = stmt.where(Project.office_id.in_(office_ids))
    pagination = window(stmt, page, per_page, Project.filed_at, Project.id)
    pagination.items = project_rows(list(pagination.items))
    return pagination


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
    """The newest filed projects for the home page."""
    return list(public_projects_page(1, limit).items)


def latest_by_office(limit: int = 3) -> dict[int, list[ProjectRow]]:
    """The newest `limit` filed projects of every office, for the home page's office cards: one
    statement for all offices (app.offices.queries.newest_per_office), then the rows' few."""
    newest = newest_per_office(
        Project.id,
        Project.office_id,
        (Project.filed_at.desc(), Project.id.desc()),
        # `filed_at IS NOT NULL` is `filing = 'filed'` (the "filed" CHECK): said this way each
        # office's branch is a range of (office_id, filed_at, id), where SQLite otherwise walked
        # every filed project of the (filing, filed_at, id) index once per office.
        (Project.filed_at.is_not(None),),
        limit,
    )
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
    """A project the public may see: filed (submitted and sent-back projects are not public)."""
    if not plausible_code(code):
        return None
    return db.session.scalar(
        select(Project)
        .where(Project.code == code, Project.filing == rules.Filing.FILED)
        .options(selectinload(Project.tradings))
    )
