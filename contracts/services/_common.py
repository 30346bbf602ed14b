"""Shared helpers of the trading services: the transaction, role guards, loading and rule errors."""

from __future__ import annotations

from collections.abc import Callable

from sqlalchemy import select

from app import clock, errors
from app.auth.roles import OFFICE_ROLES
from app.extensions import db
from app.transactions import transactional
from contracts.errors import ProjectNotFound, TradingError, TradingForbidden
from contracts.models import Project, Trading

#: Draws of a trading belong to this subject type; only the award meeting runs them.
SUBJECT_TYPE = "trading_project"

# One use case, one transaction: the same decorator as every other domain's services.
transaction = transactional


def checked(rule: Callable, *args, **kwargs):
    """Run a pure rule; its RuleError becomes a TradingError with the same messages."""
    return errors.checked(TradingError, rule, *args, **kwargs)


def now():
    return clock.now().replace(microsecond=0)


def role_of(actor) -> str | None:
    return getattr(actor, "role", None)


def require_staff(actor, zh: str, en: str) -> None:
    if role_of(actor) not in OFFICE_ROLES:
        raise TradingForbidden(
            f"只有区公管办工作人员可以{zh}", f"Only trading-office staff may {en}"
        )


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


def current_trading(project: Project) -> Trading:
    t = latest_trading(project)
    if t is None:
        raise TradingError("该项目尚未发布交易公告", "The project has no trading notice yet")
    return t
