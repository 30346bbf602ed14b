"""Account use cases: create, authenticate (throttled per address), change password, end sessions."""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from datetime import datetime, timedelta

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from flask import current_app
from sqlalchemy import case, select, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.exc import IntegrityError

from app import audit, clock
from app.audit import Action
from app.auth import rules
from app.auth.errors import AccountError, AccountForbidden, LoginRefused, LoginThrottled
from app.auth.models import LoginThrottle, User
from app.auth.roles import ROLE_VALUES, Role
from app.auth.rules import Failures, LoginState, ThrottlePolicy
from app.errors import checked
from app.extensions import db
from app.offices.models import Office
from app.offices.rules import OfficeKind, check_account_office
from app.offices.scope import covers, place_of, scope_clause
from app.offices.services import NewOffice, create_office
from app.transactions import transactional

_hasher = PasswordHasher()  # argon2id with the library's current recommended parameters
# A real hash to verify against when the user does not exist, so timing does not reveal it.
_DUMMY_HASH = _hasher.hash("smallworks-no-such-user")
USERNAME_RE = re.compile(r"^[a-z0-9][a-z0-9._-]{1,63}$")
MIN_PASSWORD_LENGTH = 10
#: A bound on the work one login costs; a passphrase this long is still welcome.
MAX_PASSWORD_LENGTH = 200


@dataclass(frozen=True)
class NewUser:
    username: str
    display_name: str
    role: str
    password: str
    organisation: str = ""
    #: The office the account belongs to (app.offices.rules.check_account_office).
    office_id: int | None = None


def hash_password(password: str) -> str:
    return _hasher.hash(password)


def _check_password_strength(password: str) -> None:
    if len(password) < MIN_PASSWORD_LENGTH:
        raise AccountError(
            f"密码至少需要{MIN_PASSWORD_LENGTH}个字符",
            f"The password needs at least {MIN_PASSWORD_LENGTH} characters",
            field="password",
        )
    if len(password) > MAX_PASSWORD_LENGTH:
        raise AccountError(
            f"密码不能超过{MAX_PASSWORD_LENGTH}个字符",
            f"The password may have at most {MAX_PASSWORD_LENGTH} characters",
            field="password",
        )


@transactional
def create_user(data: NewUser, *, actor=None) -> User:
    """Create an account. Refuses a bad username, unknown role, weak password or duplicate."""
    username = data.username.strip().lower()
    if not USERNAME_RE.match(username):
        raise AccountError(
            "用户名只能包含小写字母、数字、点、下划线和连字符，长度2至64",
            "The username may contain lower-case letters, digits, '.', '_' and '-', 2 to 64 long",
            field="username",
        )
    if data.role not in ROLE_VALUES:
        raise AccountError(f"未知角色：{data.role}", f"Unknown role: {data.role}", field="role")
    display_name, organisation = checked(
        AccountError, rules.check_account_text, data.display_name, data.organisation
    )
    _check_password_strength(data.password)
    office = account_office(data.role, data.office_id)
    _require_administers(actor, office)
    if db.session.scalar(select(User.id).where(User.username == username)):
        raise _taken(username)
    user = User(
        username=username,
        display_name=display_name,
        role=data.role,
        organisation=organisation,
        office_id=office.id if office else None,
        password_hash=hash_password(data.password),
        created_at=clock.now(),
    )
    db.session.add(user)
    try:
        db.session.flush()
    except IntegrityError:
        # Another writer took the name since the check above (two administrators, or one
        # double-clicking): the unique index holds, and the loser gets the same refusal.
        raise _taken(username) from None
    audit.record(
        Action.USER_CREATED,
        "user",
        user.id,
        actor=actor,
        after={
            "username": user.username,
            "role": user.role,
            "organisation": user.organisation,
            "office": office.code if office else None,
        },
        office_id=user.office_id,
    )
    return user


def _taken(username: str) -> AccountError:
    return AccountError(
        f"用户名“{username}”已被使用", f"The username {username!r} is taken", field="username"
    )


def account_office(role: str, office_id: int | None):
    """The office an account of `role` belongs to, checked (app.offices.rules)."""
    office = db.session.get(Office, office_id) if office_id is not None else None
    if office_id is not None and office is None:
        raise AccountError("所选机构不存在", "The office chosen does not exist", field="office")
    checked(AccountError, check_account_office, role, office.kind if office else None)
    return office


def _require_administers(actor, office) -> None:
    """An administrator opens accounts in the offices it administers only: its district and the
    district's platforms (an administrator of a platform: that platform); an account of no
    office (the deployment's administrator) only the deployment's administrator opens. The
    command line, the demo and a company's sign-up name no account as actor."""
    role = getattr(actor, "role", None)
    if role is None:
        return
    if role != Role.ADMIN:
        raise AccountForbidden("只有管理员可以开设账户", "Only an administrator may open accounts")
    if not covers(actor, office.id if office else None):
        raise AccountForbidden(
            "只能在本机构及其下属平台开设账户",
            "You may open accounts only in your own office and its platforms",
            field="office",
        )


def manages_offices(actor) -> bool:
    """The deployment's administrator adds districts and platforms; a district's administrator
    adds platforms under its own district."""
    if getattr(actor, "role", None) != Role.ADMIN:
        return False
    place = place_of(actor)
    return place is None or place.kind == OfficeKind.DISTRICT


def add_office(data: NewOffice, *, actor) -> Office:
    """An administrator adds an office (app.offices.services.create_office): the deployment's
    administrator any, a district's administrator a platform of its own district only."""
    return create_office(data, actor=actor)  # who may is create_office's own rule


def _verify(password_hash: str, password: str) -> bool:
    try:
        return _hasher.verify(password_hash, password)
    except (VerificationError, InvalidHashError):
        return False


def _bump_session_version(user_id: int) -> int:
    """Raise the account's session version in one statement; every session and remember-me
    cookie naming an older one stops working (load_session_user)."""
    return db.session.execute(
        update(User)
        .where(User.id == user_id)
        .values(session_version=User.session_version + 1)
        .returning(User.session_version),
        execution_options={"synchronize_session": False},
    ).scalar_one()


def _replace_password(user: User, password: str, *, actor) -> None:
    _check_password_strength(password)
    user.password_hash = hash_password(password)
    user.failed_logins = 0
    user.must_change_password = False
    user.session_version = _bump_session_version(user.id)
    audit.record(Action.USER_PASSWORD_CHANGED, "user", user.id, actor=actor)


@transactional
def set_password(user_id: int, password: str, *, actor=None) -> None:
    """Reset an account's password (staff, the CLI, the demo): every session of it ends."""
    user = db.session.get(User, user_id)
    if user is None:
        raise AccountError("账户不存在", "No such account")
    _replace_password(user, password, actor=actor)


@transactional
def change_password(user_id: int, current: str, new: str) -> User:
    """The account holder changes their own password: the current one must be right. Every
    session of the account ends; the caller signs the changing session in again (new version)."""
    # Locked (FOR NO KEY UPDATE, which rows merely naming the account do not wait for) and read
    # again: the request loaded the signed-in account before, and an administrator's reset
    # committed in between was overwritten by a change checked against the old password (by
    # whoever knew it).
    user = db.session.get(
        User, user_id, with_for_update={"key_share": True}, populate_existing=True
    )
    if user is None:
        raise AccountError("账户不存在", "No such account")
    if not _verify(user.password_hash, current):
        raise AccountError(
            "当前密码不正确", "The current password is wrong", field="current_password"
        )
    _replace_password(user, new, actor=user)
    return user


@transactional
def end_sessions(user_id: int, *, actor=None) -> None:
    """Logout: end every session of the account, on every device (its remember-me cookies too).

    Sessions are signed cookies held by the browser, so a copy taken before the logout can only
    be refused by changing what a valid one must name: the session version."""
    _bump_session_version(user_id)
    audit.record(Action.USER_SESSIONS_ENDED, "user", user_id, actor=actor)


def load_session_user(session_id: str) -> User | None:
    """Flask-Login's user loader: "<id>:<version>" names the account only while the version is
    current (an old session, a remember-me cookie from before a logout, an id without a version:
    nobody)."""
    user_id, _, version = session_id.partition(":")
    if not (user_id.isdecimal() and version.isdecimal()):
        return None
    user = db.session.get(User, int(user_id))
    if user is None or user.session_version != int(version):
        return None
    return user


def throttle_policy() -> ThrottlePolicy:
    config = current_app.config
    return ThrottlePolicy(
        free_failures=config["LOGIN_FREE_FAILURES"],
        delay=timedelta(seconds=config["LOGIN_DELAY_SECONDS"]),
        cap=timedelta(seconds=config["LOGIN_DELAY_CAP_SECONDS"]),
        forget_after=timedelta(seconds=config["LOGIN_FORGET_SECONDS"]),
    )


def _throttle_key(username: str, address: str | None) -> tuple[str, str]:
    return (address or "unknown")[:64], username.strip().lower()[:64]


def _count_failure(
    key: tuple[str, str], user: User | None, now: datetime, policy: ThrottlePolicy
) -> None:
    """Count a failed login, atomically, so N concurrent failures count N (rules.after_failure,
    done by the database: insert the pair or add one, restarting once the old ones are
    forgotten). The account's own count goes up in one UPDATE … RETURNING; the failure that
    first makes the pair wait is audited, once (only one transaction sees that count)."""
    address, username = key
    insert = (sqlite_insert if db.session.get_bind().dialect.name == "sqlite" else pg_insert)(
        LoginThrottle
    )
    stale = LoginThrottle.last_failed_at <= rules.forgotten_up_to(now, policy)
    count = db.session.execute(
        insert.values(address=address, username=username, failures=1, last_failed_at=now)
        .on_conflict_do_update(
            index_elements=["address", "username"],
            set_={
                "failures": case((stale, 1), else_=LoginThrottle.failures + 1),
                "last_failed_at": insert.excluded.last_failed_at,
            },
        )
        .returning(LoginThrottle.failures)
    ).scalar_one()
    if user is None:
        return
    failed_logins = db.session.execute(
        update(User)
        .where(User.id == user.id)
        .values(failed_logins=User.failed_logins + 1)
        .returning(User.failed_logins),
        execution_options={"synchronize_session": False},
    ).scalar_one()
    if rules.starts_delay(count, policy):
        audit.record(
            Action.USER_LOGIN_THROTTLED,
            "user",
            user.id,
            after={"address": address, "failures": count, "failed_logins": failed_logins},
        )


def authenticate(username: str, password: str, address: str | None = None) -> User:
    """Return the account if the password is right. Failures are counted per login name and
    client address and delay that pair's next attempts (app/auth/rules.py); nothing is locked.

    Unknown names, wrong passwords and delayed pairs get the same answers whether the account
    exists or not, after the same work (a dummy hash is verified for an unknown name).
    """
    policy = throttle_policy()
    now = clock.now()
    key = _throttle_key(username, address)
    try:
        row = db.session.get(LoginThrottle, key)
        failures = Failures(row.failures, row.last_failed_at) if row else rules.NO_FAILURES
        if rules.login_state(failures, now, policy) is LoginState.DELAYED:
            earliest = rules.next_attempt_at(failures, now, policy)
            raise LoginThrottled(max(1, math.ceil((earliest - now).total_seconds())))
        user = db.session.scalar(select(User).where(User.username == key[1]))
        ok = _verify(user.password_hash if user else _DUMMY_HASH, password) and user is not None
        if not ok:
            _count_failure(key, user, now, policy)
            db.session.commit()
            raise LoginRefused("用户名或密码不正确", "Wrong username or password")
        if not user.is_active:
            raise LoginRefused("该账户已停用", "This account is deactivated")
        if row is not None:
            db.session.delete(row)  # rules.after_success: the pair starts afresh
        user.failed_logins = 0
        user.last_login_at = now
        if _hasher.check_needs_rehash(user.password_hash):
            user.password_hash = hash_password(password)
        db.session.commit()
    except Exception:
        db.session.rollback()
        raise
    return user


def all_accounts(actor=None) -> list[User]:
    """The accounts of the offices `actor` administers (every account for the deployment's
    administrator), by role then login name (the administrator's accounts page)."""
    stmt = select(User).order_by(User.role, User.username)
    clause = scope_clause(User.office_id, actor)
    if clause is not None:
        stmt = stmt.where(clause)
    return list(db.session.scalars(stmt))
