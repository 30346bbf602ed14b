"""Shared helpers of the pool services: role guards, loading and rule errors."""

from __future__ import annotations

from collections.abc import Callable

from sqlalchemy import select

from app import clock
from app.auth.roles import PANEL_ROLES
from app.errors import require_office, role_of
from app.extensions import db
from app.offices import scope
from contractors import rules
from contractors.errors import (
    NotAReviewer,
    PoolError,
    PoolForbidden,
    PoolNotFound,
    TooEarly,
)
from contractors.models import Contractor, PoolCall


def checked(rule: Callable, *args, **kwargs):
    """Run a pure rule; its RuleError becomes a PoolError (TooEarly when it names a date)."""
    try:
        return rule(*args, **kwargs)
    except rules.RuleError as e:
        if e.earliest is not None:
            raise TooEarly(e.message, e.message_en, earliest=e.earliest) from None
        raise PoolError(e.message, e.message_en, field=e.field) from None


now = clock.stamp


def require_staff(actor, zh: str, en: str) -> None:
    require_office(actor, PoolForbidden, zh, en)


def require_pool(actor, district_id: int | None, zh: str, en: str) -> None:
    """Staff of the district whose pool it is (or the deployment's administrator): pool work is
    the district's, never a street/town platform's, nor another district's."""
    require_staff(actor, zh, en)
    scope.require_district(actor, district_id, PoolForbidden, zh, en)


def actor_district(actor) -> int | None:
    """The id of the district an account works for (a platform's parent), None without office."""
    office_id = getattr(actor, "office_id", None)
    return scope.district_of(office_id).id if office_id is not None else None


def require_district_account(actor, zh: str, en: str) -> None:
    """Staff of a district office (any district) or the deployment's administrator: for pool
    work bound to no one district (checking a company's registration, once per deployment)."""
    require_staff(actor, zh, en)
    scope.require_district(actor, actor_district(actor), PoolForbidden, zh, en)


def require_panel(actor) -> None:
    if role_of(actor) not in PANEL_ROLES:
        raise NotAReviewer(
            "只有资格审查小组成员（区公管办工作人员和部门审查人员）可以记录审查结论",
            "Only the review panel (trading-office staff and department reviewers) may record "
            "review decisions",
        )


def require_call_panel(actor, district_id: int | None) -> None:
    """The panel of the call's district: its staff and its departments' reviewers."""
    require_panel(actor)
    scope.require_district(
        actor, district_id, NotAReviewer, "记录审查结论", "record review decisions"
    )


def own_contractor(actor) -> Contractor:
    """The company a contractor account owns (PoolForbidden for other roles or no company yet)."""
    if role_of(actor) != "contractor":
        raise PoolForbidden("只有企业账户可以进行此操作", "Only a contractor account may do this")
    c = db.session.scalar(select(Contractor).where(Contractor.user_id == actor.id))
    if c is None:
        raise PoolForbidden(
            "本账户尚未登记企业信息，请先完成企业登记",
            "This account has no registered company yet; register it first",
        )
    return c


def get_call(call_id: int, *, lock: bool = False) -> PoolCall:
    stmt = select(PoolCall).where(PoolCall.id == call_id)
    if lock:
        # Steps of one call queue here on PostgreSQL (two staff pressing "publish" at once), and
        # the locked row's values replace a copy the page loaded before (populate_existing):
        # without it an edit page's copy read a call published meanwhile as a draft, and twenty
        # edits at once each raised the revision that copy held.
        stmt = stmt.with_for_update().execution_options(populate_existing=True)
    call = db.session.scalar(stmt)
    if call is None:
        raise PoolNotFound("征集不存在", "No such pool call")
    return call
