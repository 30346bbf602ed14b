"""Accounts: creation rules, argon2id hashes, lockout after repeated failures."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from app import clock
from app.audit import AuditEntry
from app.auth.errors import AccountError, LoginRefused
from app.auth.models import User
from app.auth.services import NewUser, authenticate, create_user
from app.extensions import db
from tests.factories import PASSWORD, make_user


def test_a_password_is_stored_as_an_argon2id_hash(app):
    user = make_user("staff")
    assert user.password_hash.startswith("$argon2id$")
    assert PASSWORD not in user.password_hash


@pytest.mark.parametrize(
    ("username", "role", "password", "message"),
    [
        ("Bad Name", "staff", PASSWORD, "用户名只能包含"),
        ("someone", "boss", PASSWORD, "未知角色"),
        ("someone", "staff", "short", "至少需要10个字符"),
    ],
)
def test_an_account_with_bad_details_is_refused_with_a_chinese_message(
    app, username, role, password, message
):
    with pytest.raises(AccountError, match=message):
        create_user(NewUser(username, "某人", role, password))
    assert db.session.scalar(select(db.func.count(User.id))) == 0


def test_a_username_can_be_used_once(app):
    make_user("staff", username="zhang")
    with pytest.raises(AccountError, match="已被使用"):
        make_user("owner", username="ZHANG")


def test_the_right_password_logs_in_and_a_wrong_one_is_refused_without_saying_which(app):
    user = make_user("owner")
    assert authenticate(user.username, PASSWORD).id == user.id
    with pytest.raises(LoginRefused) as wrong:
        authenticate(user.username, "not the password")
    with pytest.raises(LoginRefused) as unknown:
        authenticate("nobody", "not the password")
    assert wrong.value.message == unknown.value.message == "用户名或密码不正确"


def test_five_failures_lock_the_account_for_fifteen_minutes(app, now):
    start = now(2026, 11, 2, 9, 0)
    user = make_user("contractor")
    for _ in range(5):
        with pytest.raises(LoginRefused):
            authenticate(user.username, "wrong password")
    with pytest.raises(LoginRefused, match="锁定"):
        authenticate(user.username, PASSWORD)  # even the right password waits
    assert db.session.scalar(select(AuditEntry).where(AuditEntry.action == "user:locked"))
    clock.set_now(start + timedelta(minutes=15, seconds=1))
    assert authenticate(user.username, PASSWORD).id == user.id


def test_a_deactivated_account_cannot_log_in(app):
    user = make_user("reviewer")
    user.is_active_account = False
    db.session.commit()
    with pytest.raises(LoginRefused, match="停用"):
        authenticate(user.username, PASSWORD)


def test_flask_users_create_makes_an_account(app):
    result = app.test_cli_runner().invoke(
        args=[
            "users",
            "create",
            "--username",
            "li.hui",
            "--name",
            "李慧",
            "--role",
            "staff",
            "--password",
            PASSWORD,
        ],
    )
    assert result.exit_code == 0, result.output
    assert db.session.scalar(select(User).where(User.username == "li.hui")).role == "staff"


def test_flask_users_create_explains_a_refusal(app):
    result = app.test_cli_runner().invoke(
        args=[
            "users",
            "create",
            "--username",
            "li",
            "--name",
            "李",
            "--role",
            "staff",
            "--password",
            "x",
        ],
    )
    assert result.exit_code != 0 and "至少需要10个字符" in result.output
