"""An administrator manages accounts: reads one (with its history), disables and enables it,
resets its password to a one-time one, changes its role and office. Who may is app.auth.rules';
every change is one transaction with its audit entry."""

from __future__ import annotations

import secrets
from dataclasses import dataclass, replace

from sqlalchemy import and_, or_, select, update

from app import audit
from app.audit import Action, AuditEntry
from app.auth import rules
from app.auth.errors import AccountError, AccountForbidden
from app.auth.models import User
from app.auth.roles import Role
from app.auth.rules import AccountFacts, OutOfScope
from app.auth.services import account_office, hash_password
from app.errors import NotFound
from app.extensions import db
from app.offices.scope import find_office
from app.refusal import Refusal
from app.transactions import transactional

#: A one-time password: 4 groups of 4 from letters and digits no one misreads (no 0/o, 1/l/i).
_ALPHABET = "abcdefghjkmnpqrstuvwxyz23456789"


@dataclass(frozen=True)
class AccountChange:
    """An account's new role and office (None: no office, a deployment administrator)."""

    user_id: int
    role: str
    office_id: int | None


def _facts(user: User) -> AccountFacts:
    office = find_office(user.office_id)
    return AccountFacts(
        id=user.id,
        role=user.role,
        place=office.place if office is not None else None,
        active=user.is_active_account,
    )


def _actor_facts(actor) -> AccountFacts | None:
    """None for the system: no account, or a label such as "cli" (the command line)."""
    return None if actor is None or isinstance(actor, str) else _facts(actor)


def _judge(rule, *args) -> None:
    """Run a rule of app.auth.rules: out of scope is AccountForbidden (403), any other refusal an
    AccountError shown where the administrator acted."""
    try:
        rule(*args)
    except OutOfScope as e:
        raise AccountForbidden(e.message, e.message_en, field=e.field) from None
    except Refusal as e:
        raise AccountError(e.message, e.message_en, field=e.field) from None


def _target(user_id: int, actor, *, lock: bool = False) -> User:
    """The account, locked for the change (two administrators acting on it at once: the second
    reads the first one's result), refused unless `actor` manages it. Locked, the row's values
    replace the copy the page loaded before: without it twenty posts of "disable" at once each
    found the page's copy active, and each disabled it again with its own audit entry."""
    user = db.session.get(User, user_id, with_for_update=lock, populate_existing=lock)
    if user is None:
        raise NotFound("账户不存在", "No such account")
    _judge(rules.require_manages, _actor_facts(actor), _facts(user))
    return user


def get_account(user_id: int, *, actor) -> User:
    """The account `actor` manages (NotFound, or AccountForbidden outside its scope)."""
    return _target(user_id, actor)


def history(user_id: int) -> list[AuditEntry]:
    """The audit log's entries about the account, newest first."""
    return list(
        db.session.scalars(
            select(AuditEntry)
            .where(AuditEntry.subject_type == "user", AuditEntry.subject_id == str(user_id))
            .order_by(AuditEntry.seq.desc())
        )
    )


def _lock_with_deployment_admins(user_id: int) -> None:
    """Lock the account's row and every active deployment administrator's, in the order of
    their ids, in one statement, before anything else. Two administrators disabling (or
    demoting) each other at once then take the same rows in the same order, and the second
    waits for the first; each had locked its target first and then asked for the other's row,
    and PostgreSQL ended one of the two in a deadlock (a 500)."""
    db.session.execute(
        select(User.id)
        .where(
            or_(
                User.id == user_id,
                and_(
                    User.role == Role.ADMIN,
                    User.office_id.is_(None),
                    User.is_active_account.is_(True),
                ),
            )
        )
        .order_by(User.id)
        .with_for_update()
    ).all()


def _other_deployment_admins(user_id: int) -> int:
    """The active deployment administrators besides `user_id`, their rows locked: two of them
    disabling each other at once — the second counts after the first has committed."""
    ids = db.session.scalars(
        select(User.id)
        .where(
            User.role == Role.ADMIN,
            User.office_id.is_(None),
            User.is_active_account.is_(True),
            User.id != user_id,
        )
        .with_for_update()
    ).all()
    return len(ids)


def _end_sessions(user: User) -> None:
    user.session_version = db.session.execute(
        update(User)
        .where(User.id == user.id)
        .values(session_version=User.session_version + 1)
        .returning(User.session_version),
        execution_options={"synchronize_session": False},
    ).scalar_one()


def _record(action: Action, user: User, actor, **kw) -> None:
    audit.record(action, "user", user.id, actor=actor, office_id=user.office_id, **kw)


@transactional
def disable_account(user_id: int, *, actor) -> User:
    """Disable an account: it can no longer sign in, and every session of it ends now."""
    _lock_with_deployment_admins(user_id)
    user = _target(user_id, actor, lock=True)
    others = _other_deployment_admins(user.id)
    _judge(rules.check_disable, _actor_facts(actor), _facts(user), others)
    user.is_active_account = False
    _end_sessions(user)
    _record(Action.USER_DISABLED, user, actor)
    return user


@transactional
def enable_account(user_id: int, *, actor) -> User:
    user = _target(user_id, actor, lock=True)
    _judge(rules.check_enable, _actor_facts(actor), _facts(user))
    user.is_active_account = True
    _record(Action.USER_ENABLED, user, actor)
    return user


def one_time_password() -> str:
    groups = ("".join(secrets.choice(_ALPHABET) for _ in range(4)) for _ in range(4))
    return "-".join(groups)


@transactional
def reset_password(user_id: int, *, actor) -> str:
    """Give the account a one-time password, returned to be shown once and never stored in the
    clear: the old password stops working, every session ends, and the holder must choose a new
    password at the next sign-in (User.must_change_password)."""
    user = _target(user_id, actor, lock=True)
    _judge(rules.check_reset, _actor_facts(actor), _facts(user))
    password = one_time_password()
    user.password_hash = hash_password(password)
    user.must_change_password = True
    user.failed_logins = 0
    _end_sessions(user)
    _record(Action.USER_PASSWORD_RESET, user, actor)
    return password


@transactional
def change_account(change: AccountChange, *, actor) -> User:
    """Give an account another role or office: within the administrator's scope, an office that
    suits the role (app.offices.rules.check_account_office), never the last deployment
    administrator away. Its sessions end, so the new role holds from its next request."""
    _lock_with_deployment_admins(change.user_id)
    user = _target(change.user_id, actor, lock=True)
    facts = _facts(user)
    _judge(rules.check_assignable, _actor_facts(actor), facts, change.role)
    office = account_office(change.role, change.office_id)
    changed = replace(facts, role=change.role, place=office.place if office else None)
    others = _other_deployment_admins(user.id) if facts.is_deployment_admin else 1
    _judge(rules.check_change, _actor_facts(actor), facts, changed, others)
    before = {"role": user.role, "office": _code(user.office_id)}
    user.role = change.role
    user.office_id = office.id if office else None
    _end_sessions(user)
    _record(
        Action.USER_ROLE_CHANGED,
        user,
        actor,
        before=before,
        after={"role": user.role, "office": _code(user.office_id)},
    )
    return user


def _code(office_id: int | None) -> str | None:
    office = find_office(office_id)
    return office.code if office is not None else None
