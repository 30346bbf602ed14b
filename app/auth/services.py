"""Account use cases: create, authenticate (with per-account lockout), change password."""

from __future__ import annotations

import contextlib
import re
from dataclasses import dataclass
from datetime import timedelta

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from flask import current_app
from sqlalchemy import select

from app import audit, clock
from app.audit import Action
from app.auth.errors import AccountError, LoginRefused
from app.auth.models import ROLE_VALUES, User
from app.extensions import db
from app.transactions import transactional

_hasher = PasswordHasher()  # argon2id with the library's current recommended parameters
# A real hash to verify against when the user does not exist, so timing does not reveal it.
_DUMMY_HASH = _hasher.hash("smallworks-no-such-user")
USERNAME_RE = re.compile(r"^[a-z0-9][a-z0-9._-]{1,63}$")
MIN_PASSWORD_LENGTH = 10


@dataclass(frozen=True)
class NewUser:
    username: str
    display_name: str
    role: str
    password: str
    organisation: str = ""


def hash_password(password: str) -> str:
    return _hasher.hash(password)


def _check_password_strength(password: str) -> None:
    if len(password) < MIN_PASSWORD_LENGTH:
        raise AccountError(
            f"密码至少需要{MIN_PASSWORD_LENGTH}个字符",
            f"The password needs at least {MIN_PASSWORD_LENGTH} characters",
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
    if not data.display_name.strip():
        raise AccountError("请填写姓名或名称", "Enter a name", field="display_name")
    _check_password_strength(data.password)
    if db.session.scalar(select(User.id).where(User.username == username)):
        raise AccountError(
            f"用户名“{username}”已被使用", f"The username {username!r} is taken", field="username"
        )
    user = User(
        username=username,
        display_name=data.display_name.strip(),
        role=data.role,
        organisation=data.organisation.strip(),
        password_hash=hash_password(data.password),
        created_at=clock.now(),
    )
    db.session.add(user)
    db.session.flush()
    audit.record(
        Action.USER_CREATED,
        "user",
        user.id,
        actor=actor,
        after={"username": user.username, "role": user.role, "organisation": user.organisation},
    )
    return user


@transactional
def set_password(user_id: int, password: str, *, actor=None) -> None:
    """Replace an account's password and lift any lockout."""
    _check_password_strength(password)
    user = db.session.get(User, user_id)
    if user is None:
        raise AccountError("账户不存在", "No such account")
    user.password_hash = hash_password(password)
    user.failed_logins = 0
    user.locked_until = None
    audit.record(Action.USER_PASSWORD_CHANGED, "user", user.id, actor=actor)


def authenticate(username: str, password: str) -> User:
    """Return the account if the password is right; count failures and lock after too many.

    The refusal message is the same whether the account exists or not.
    """
    refused = LoginRefused("用户名或密码不正确", "Wrong username or password")
    user = db.session.scalar(select(User).where(User.username == username.strip().lower()))
    if user is None:
        with contextlib.suppress(VerificationError):
            _hasher.verify(_DUMMY_HASH, password)
        raise refused
    now = clock.now()
    if user.locked_until is not None and user.locked_until > now:
        minutes = max(1, int((user.locked_until - now).total_seconds() // 60) + 1)
        raise LoginRefused(
            f"登录失败次数过多，账户已锁定，请{minutes}分钟后再试",
            f"Too many failed logins; the account is locked. Try again in {minutes} minutes",
        )
    try:
        ok = _hasher.verify(user.password_hash, password)
    except (VerificationError, InvalidHashError):
        ok = False
    try:
        if not ok:
            user.failed_logins += 1
            if user.failed_logins >= current_app.config["LOGIN_MAX_FAILURES"]:
                user.locked_until = now + timedelta(
                    minutes=current_app.config["LOGIN_LOCKOUT_MINUTES"]
                )
                user.failed_logins = 0
                audit.record(
                    Action.USER_LOCKED,
                    "user",
                    user.id,
                    after={"locked_until": user.locked_until},
                )
            db.session.commit()
            raise refused
        if not user.is_active:
            raise LoginRefused("该账户已停用", "This account is deactivated")
        user.failed_logins = 0
        user.locked_until = None
        user.last_login_at = now
        if _hasher.check_needs_rehash(user.password_hash):
            user.password_hash = hash_password(password)
        db.session.commit()
    except Exception:
        db.session.rollback()
        raise
    return user
