"""Accounts' rules, pure: login throttling (from an (account, address) pair's failures to its
earliest next attempt), and who may change whose account.

The rule (README, "Login throttling"): failures are counted per pair of login name and client
address. The first `free_failures` cost nothing; from then on each further attempt from that
address waits `delay`, doubling with every failure, never longer than `cap`. A success resets the
pair; failures older than `forget_after` are forgotten. Nothing is ever locked: a stranger's
failures from their address delay only that address, so the real user logging in from anywhere
else is never held up, and a right password from an address with no recent failures always works.
Unknown login names are throttled exactly like known ones, so the answers never tell them apart.
"""

from __future__ import annotations

import enum
import re
from dataclasses import dataclass
from datetime import datetime, timedelta

from app.auth.roles import ADMIN_CREATED_ROLES, Role
from app.offices.rules import Place, covers
from app.refusal import Refusal


class LoginState(enum.StrEnum):
    """Where a pair stands at a moment."""

    FRESH = "fresh"  # no failures remembered
    TRIED = "tried"  # failures remembered, but the next attempt may be made now
    DELAYED = "delayed"  # the next attempt must wait until `next_attempt_at`


@dataclass(frozen=True)
class ThrottlePolicy:
    free_failures: int = 5
    delay: timedelta = timedelta(seconds=10)
    cap: timedelta = timedelta(minutes=15)
    forget_after: timedelta = timedelta(hours=1)

    def __post_init__(self) -> None:
        if self.free_failures < 1 or self.delay <= timedelta(0) or self.cap < self.delay:
            raise ValueError("a policy needs free_failures ≥ 1 and 0 < delay ≤ cap")
        if self.forget_after < self.cap:
            raise ValueError("forget_after must be at least the cap, or the cap is never reached")


@dataclass(frozen=True)
class Failures:
    """A pair's failed attempts: how many, and the last one's time (UTC)."""

    count: int = 0
    last_at: datetime | None = None


NO_FAILURES = Failures()
_MICROSECOND = timedelta(microseconds=1)


def delay_after(count: int, policy: ThrottlePolicy) -> timedelta:
    """The wait after `count` failures: none within the free allowance, then doubling, capped."""
    if count < policy.free_failures:
        return timedelta(0)
    doublings = count - policy.free_failures
    # Compare before multiplying: the doubled delay soon outgrows what a timedelta can hold.
    delay_us, cap_us = policy.delay // _MICROSECOND, policy.cap // _MICROSECOND
    if doublings >= 64 or delay_us << doublings >= cap_us:
        return policy.cap
    return policy.delay * 2**doublings


def remembered(failures: Failures, now: datetime, policy: ThrottlePolicy) -> Failures:
    """The failures that still count at `now` (all of them, or none once forgotten)."""
    if failures.last_at is None or now - failures.last_at >= policy.forget_after:
        return NO_FAILURES
    return failures


def forgotten_up_to(now: datetime, policy: ThrottlePolicy) -> datetime:
    """Failures last made at or before this moment are forgotten (the database's atomic count)."""
    return now - policy.forget_after


def next_attempt_at(failures: Failures, now: datetime, policy: ThrottlePolicy) -> datetime | None:
    """The earliest moment of the pair's next attempt, or None when it may always try."""
    kept = remembered(failures, now, policy)
    wait = delay_after(kept.count, policy)
    return kept.last_at + wait if kept.last_at is not None and wait else None


def login_state(failures: Failures, now: datetime, policy: ThrottlePolicy) -> LoginState:
    if remembered(failures, now, policy).count == 0:
        return LoginState.FRESH
    earliest = next_attempt_at(failures, now, policy)
    return LoginState.DELAYED if earliest is not None and now < earliest else LoginState.TRIED


def after_failure(failures: Failures, now: datetime, policy: ThrottlePolicy) -> Failures:
    """One more failure at `now` (the count restarts once the old ones are forgotten)."""
    return Failures(remembered(failures, now, policy).count + 1, now)


def after_success(failures: Failures) -> Failures:
    """A right password clears the pair."""
    return NO_FAILURES


def starts_delay(count: int, policy: ThrottlePolicy) -> bool:
    """True for the one failure that first makes the pair wait (audited once per episode)."""
    return count == policy.free_failures


# ---- who may change whose account ---------------------------------------------------------------
#
# An administrator manages the accounts of the offices it administers (app.offices.rules.covers):
# a district's administrator its district's and its platforms', a platform's administrator its
# platform's, the deployment's administrator (no office) every account, companies' included. It
# never acts on its own account here (its password has its own page), never places an account
# above its own scope (an office it does not administer, or no office: a deployment
# administrator), and the last active deployment administrator is never disabled or demoted —
# somebody must be left who can manage everything.


class OutOfScope(Refusal):
    """The account, or the office it would move to, is not the administrator's to manage."""


@dataclass(frozen=True)
class AccountFacts:
    """An account as the management rules see it."""

    id: int
    role: str
    #: Its office (app.offices.rules.Place), or None: a company's, or a deployment administrator's.
    place: Place | None
    active: bool = True

    @property
    def is_deployment_admin(self) -> bool:
        return self.role == Role.ADMIN and self.place is None


#: Roles an account may be given on the accounts pages (a company's account comes from sign-up).
ASSIGNABLE_ROLES = frozenset(r.value for r in ADMIN_CREATED_ROLES)
#: Longest display name and organisation (the columns' lengths).
MAX_DISPLAY_NAME, MAX_ORGANISATION = 100, 200
_UNSTORABLE = re.compile("[\x00-\x1f\x7f\ud800-\udfff]")


def require_manages(actor: AccountFacts | None, target: AccountFacts) -> None:
    """Refuse unless `actor` (None: the command line) manages `target`'s account."""
    if actor is None:
        return
    if actor.role != Role.ADMIN:
        raise OutOfScope("只有管理员可以管理账户", "Only an administrator may manage accounts")
    if actor.place is None:
        return
    if target.place is None or not covers(actor.place, target.place):
        raise OutOfScope(
            "只能管理本机构及其下属平台的账户",
            "You may manage only the accounts of your own office and its platforms",
        )


def _require_other(actor: AccountFacts | None, target: AccountFacts, zh: str, en: str) -> None:
    if actor is not None and actor.id == target.id:
        raise Refusal(f"不能{zh}自己的账户", f"You may not {en} your own account")


def _require_not_last(target: AccountFacts, others: int, zh: str, en: str) -> None:
    """`others`: the active deployment administrators besides `target`."""
    if target.is_deployment_admin and target.active and others == 0:
        raise Refusal(
            f"不能{zh}最后一个启用的部署管理员",
            f"The last active deployment administrator may not be {en}",
        )


def check_disable(actor: AccountFacts | None, target: AccountFacts, others: int) -> None:
    require_manages(actor, target)
    _require_other(actor, target, "停用", "disable")
    if not target.active:
        raise Refusal("该账户已停用", "This account is already disabled")
    _require_not_last(target, others, "停用", "disabled")


def check_enable(actor: AccountFacts | None, target: AccountFacts) -> None:
    require_manages(actor, target)
    _require_other(actor, target, "启用", "enable")
    if target.active:
        raise Refusal("该账户已是启用状态", "This account is already enabled")


def check_reset(actor: AccountFacts | None, target: AccountFacts) -> None:
    require_manages(actor, target)
    if actor is not None and actor.id == target.id:
        raise Refusal(
            "请在“修改密码”页面修改自己的密码",
            "Change your own password on the “Change password” page",
        )


def check_assignable(actor: AccountFacts | None, target: AccountFacts, role: str) -> None:
    """The first half of `check_change`, before the new office is read: whether this account may
    be changed by `actor`, and to `role`."""
    require_manages(actor, target)
    _require_other(actor, target, "更改", "change")
    if target.role not in ASSIGNABLE_ROLES:
        raise Refusal(
            "企业账户的角色和机构不能更改", "A company's account keeps its role and office"
        )
    if role not in ASSIGNABLE_ROLES:
        raise Refusal(f"不能设为该角色：{role}", f"Not a role to give: {role}", field="role")


def check_change(
    actor: AccountFacts | None,
    target: AccountFacts,
    changed: AccountFacts,
    others: int,
) -> None:
    """`changed`: `target` with its new role and office. Whether the office suits the role is
    app.offices.rules.check_account_office's rule, checked by the service too."""
    check_assignable(actor, target, changed.role)
    if (changed.role, changed.place) == (target.role, target.place):
        raise Refusal("角色和所属机构都没有变化", "Neither the role nor the office changed")
    bound = actor is not None and actor.place is not None
    if bound and (changed.place is None or not covers(actor.place, changed.place)):
        raise OutOfScope(
            "只能把账户设在本机构及其下属平台",
            "You may place accounts only in your own office and its platforms",
            field="office",
        )
    if not changed.is_deployment_admin:
        _require_not_last(target, others, "更改", "changed to another role or office")


def check_account_text(display_name: str, organisation: str) -> tuple[str, str]:
    """A name (required) and an organisation a column holds: no control characters, not too long."""
    name, unit = (display_name or "").strip(), (organisation or "").strip()
    if not name:
        raise Refusal("请填写姓名或名称", "Enter a name", field="display_name")
    for value, field, most, zh, en in (
        (name, "display_name", MAX_DISPLAY_NAME, "姓名", "The name"),
        (unit, "organisation", MAX_ORGANISATION, "单位或部门", "The organisation"),
    ):
        if len(value) > most:
            raise Refusal(f"{zh}不能超过{most}个字符", f"{en} may have at most {most} characters",
                          field=field)  # fmt: skip
        if _UNSTORABLE.search(value):
            raise Refusal(f"{zh}含有不允许的控制字符", f"{en} contains control characters",
                          field=field)  # fmt: skip
    return name, unit
