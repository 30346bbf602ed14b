"""Shared helpers of the trading services: role guards, loading and rule errors."""

from __future__ import annotations

from collections.abc import Callable

from sqlalchemy import select

from app import clock, errors
from app.errors import require_office, role_of  # noqa: F401 (role_of: for the services)
from app.extensions import db
from app.offices.scope import district_of, require_scope
from contracts import rules
from contracts.errors import (
    ProjectNotFound,
    ResponsesClosed,
    TooEarly,
    TradingError,
    TradingForbidden,
)
from contracts.models import Project, Trading

#: A trading round's draws, notices and audit entries belong to this subject (contracts.rules).
SUBJECT_TYPE = rules.SUBJECT_TYPE


def checked(rule: Callable, *args, **kwargs):
    """Run a pure rule; its RuleError becomes a TradingError with the same messages (TooEarly
    or ResponsesClosed when the rule refused for the clock)."""
    try:
        return rule(*args, **kwargs)
    except rules.RuleError as e:
        error = {rules.TooEarlyError: TooEarly, rules.ClosedError: ResponsesClosed}.get(
            type(e), TradingError
        )
        with errors.refused_as(error):
            raise e from None


now = clock.stamp


def require_staff(actor, zh: str, en: str) -> None:
    require_office(actor, TradingForbidden, zh, en)


def require_project_scope(
    actor, p: Project, zh: str, en: str, error: Callable = TradingForbidden
) -> None:
    """The project's office is the actor's, or a platform of the actor's district (the system,
    None, passes): a street clerk's forged form for another office's project is refused here,
    before anything is changed."""
    require_scope(actor, p.office_id, error, zh, en)


def issuer_of(p: Project) -> dict:
    """`NoticeInput` fields naming the project's office as the notice's issuing body."""
    from notices.services import issuer

    return issuer(p.office_id)


def office_name(p: Project) -> str:
    """The name of the office that trades the project, as its notices and documents print it."""
    return issuer_of(p)["issuing_body"]


def district_id_of(p: Project) -> int:
    """The district whose pool the project draws its respondents from (THE rule)."""
    return district_of(p.office_id).id


def get_project(code: str, *, lock: bool = False) -> Project:
    stmt = select(Project).where(Project.code == code)
    if lock:
        # Steps of one project queue here on PostgreSQL (two staff pressing a button at once).
        stmt = stmt.with_for_update()
    project = db.session.scalar(stmt.execution_options(populate_existing=True))
    if project is None:
        raise ProjectNotFound(f"项目不存在：{code}", f"No such project: {code}")
    return project


def latest_trading(project: Project) -> Trading | None:
    return db.session.scalar(
        select(Trading)
        .where(Trading.project_id == project.id)
        .order_by(Trading.round.desc())
        .limit(1)
        .execution_options(populate_existing=True)
    )


def state_of(project: Project, trading: Trading | None) -> rules.ProjectState:
    """The project's state under its row lock, `trading` its latest (as just loaded)."""
    from contracts import queries  # the services package imports queries' registrations first

    return queries.project_state(project, trading, queries.contract_of(trading) is not None)


def current_trading(project: Project) -> Trading:
    t = latest_trading(project)
    if t is None:
        raise TradingError("该项目尚未发布交易公告", "The project has no trading notice yet")
    return t
