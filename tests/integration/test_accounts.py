"""Accounts: creation rules, argon2id hashes, delays per address after failures, session versions."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from app import clock
from app.audit import AuditEntry
from app.auth.errors import AccountError, LoginRefused, LoginThrottled
from app.auth.models import LoginThrottle, User
from app.auth.services import (
    NewUser,
    authenticate,
    create_user,
    end_sessions,
    load_session_user,
    set_password,
)
from app.extensions import db
from tests.factories import PASSWORD, default_district, make_user

#: Sign-in and accounts: passwords hashed at the production cost (tests/conftest.py).
pytestmark = pytest.mark.real_password_hashes


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


A, B = "203.0.113.10", "198.51.100.10"


def throttled(username: str, password: str, address: str) -> bool:
    try:
        authenticate(username, password, address)
    except LoginThrottled:
        return True
    except LoginRefused:
        return False
    return False


def test_failures_delay_their_own_address_only_and_nothing_is_locked(app, now):
    start = now(2026, 11, 2, 9, 0)
    user = make_user("contractor")
    for _ in range(5):
        with pytest.raises(LoginRefused, match="用户名或密码不正确"):
            authenticate(user.username, "wrong password", A)
    with pytest.raises(LoginThrottled) as delayed:
        authenticate(user.username, PASSWORD, A)  # the right password waits at A …
    assert delayed.value.wait_seconds == 10
    assert authenticate(user.username, PASSWORD, B).id == user.id  # … and not at B
    clock.set_now(start + timedelta(seconds=10))
    assert authenticate(user.username, PASSWORD, A).id == user.id
    assert db.session.scalars(select(LoginThrottle)).all() == []  # a success clears the pair


def test_the_delay_doubles_with_each_failure_and_stops_at_the_cap(app, now):
    now(2026, 11, 2, 9, 0)
    user = make_user("contractor")
    counted, waits = 0, []
    while len(waits) < 9:
        try:
            authenticate(user.username, "wrong password", A)
        except LoginThrottled as e:
            waits.append(e.wait_seconds)
            clock.advance(timedelta(seconds=e.wait_seconds))  # then try again
        except LoginRefused:
            counted += 1
    assert waits == [10, 20, 40, 80, 160, 320, 640, 900, 900]
    assert counted == 5 + 8  # five free, then one after each delay but the last


def test_an_unknown_name_is_delayed_exactly_like_a_known_one(app, now):
    now(2026, 11, 2, 9, 0)
    user = make_user("contractor")
    answers = {}
    for name in (user.username, "nobody-here"):
        for _ in range(5):
            with pytest.raises(LoginRefused) as refused:
                authenticate(name, "wrong password", A)
            assert not isinstance(refused.value, LoginThrottled)
        with pytest.raises(LoginThrottled) as delayed:
            authenticate(name, "wrong password", A)
        answers[name] = (refused.value.message, delayed.value.message, delayed.value.wait_seconds)
    assert answers[user.username] == answers["nobody-here"]


def test_the_failure_that_starts_a_delay_is_audited_once(app, now):
    now(2026, 11, 2, 9, 0)
    user = make_user("staff")
    for _ in range(5):
        with pytest.raises(LoginRefused):
            authenticate(user.username, "wrong password", A)
    clock.advance(timedelta(seconds=10))
    with pytest.raises(LoginRefused):
        authenticate(user.username, "wrong password", A)
    entries = db.session.scalars(
        select(AuditEntry).where(AuditEntry.action == "user:login_throttled")
    ).all()
    assert [(e.subject_id, e.after) for e in entries] == [
        (str(user.id), {"address": A, "failures": 5, "failed_logins": 5})
    ]
    db.session.refresh(user)
    assert user.failed_logins == 6


def test_failures_are_forgotten_after_a_quiet_hour(app, now):
    now(2026, 11, 2, 9, 0)
    user = make_user("staff")
    for _ in range(5):
        with pytest.raises(LoginRefused):
            authenticate(user.username, "wrong password", A)
    clock.advance(timedelta(hours=1))
    with pytest.raises(LoginRefused) as refused:
        authenticate(user.username, "wrong password", A)
    assert not isinstance(refused.value, LoginThrottled)
    assert db.session.get(LoginThrottle, (A, user.username)).failures == 1


def test_a_password_reset_and_a_logout_raise_the_session_version(app):
    user = make_user("staff")
    assert user.get_id() == f"{user.id}:1"
    assert load_session_user(f"{user.id}:1").id == user.id
    set_password(user.id, "another long password", actor="cli")
    end_sessions(user.id, actor=user)
    db.session.refresh(user)
    assert user.session_version == 3
    assert load_session_user(f"{user.id}:1") is None
    assert load_session_user(str(user.id)) is None  # a session from before versions
    assert load_session_user(f"{user.id}:3").id == user.id
    assert [e.action for e in db.session.scalars(select(AuditEntry).order_by(AuditEntry.seq))][
        -2:
    ] == ["user:password_changed", "user:sessions_ended"]


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
            "--office",
            default_district().code,
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
            "--office",
            default_district().code,
            "--password",
            "x",
        ],
    )
    assert result.exit_code != 0 and "至少需要10个字符" in result.output


def test_passwords_here_are_hashed_at_the_production_cost(app):
    """The marker keeps argon2id's recommended parameters for this file (the rest of the suite
    hashes cheaply): a stored hash carries them."""
    from argon2 import PasswordHasher, extract_parameters

    user = make_user("staff")
    expected = PasswordHasher()
    got = extract_parameters(user.password_hash)
    assert (got.time_cost, got.memory_cost) == (expected.time_cost, expected.memory_cost)
