"""Login and logout through the web: CSRF, the refusal message, the per-account lockout, the
per-address rate limit, `next` without open redirects, and the session cookie's flags."""

from __future__ import annotations

import re
from datetime import timedelta
from http.cookies import SimpleCookie
from urllib.parse import urlsplit

import pytest

from app import clock
from app.auth.models import User
from app.extensions import db
from config import ProductionConfig
from tests.factories import PASSWORD, Browser, browser_host, make_user

WRONG = "not the password at all"
REFUSED = "用户名或密码不正确"


def error_summary(response) -> str:
    match = re.search(
        r'<div class="error-summary" role="alert">(.*?)</div>',
        response.get_data(as_text=True),
        re.S,
    )
    assert match, "no error summary on the page"
    return match.group(1)


def failed_logins(user_id: int) -> int:
    db.session.rollback()  # a fresh snapshot: the requests ran in their own sessions
    return db.session.get(User, user_id).failed_logins


def cookie(response, name: str) -> dict:
    """The attributes of cookie `name` in the response's Set-Cookie headers."""
    for header in response.headers.getlist("Set-Cookie"):
        jar = SimpleCookie()
        jar.load(header)
        if name in jar:
            morsel = jar[name]
            flags = {part.strip().lower() for part in header.split(";")[1:]}
            return {
                "samesite": morsel["samesite"],
                "httponly": "httponly" in flags,
                "secure": "secure" in flags,
                "path": morsel["path"],
            }
    raise AssertionError(f"no {name} cookie set")


# ---- login and logout --------------------------------------------------------------------------


def test_a_user_logs_in_and_out_through_the_forms(app):
    user = make_user("staff", display_name="张晓明")
    v = Browser(app)
    page = v.get("/login")
    assert page.status_code == 200
    assert 'name="username"' in page.get_data(as_text=True)

    response = v.login(user.username, PASSWORD)
    assert response.status_code == 302
    assert urlsplit(response.headers["Location"]).path == "/dashboard"
    dashboard = v.get("/dashboard").get_data(as_text=True)
    assert "已登录：张晓明" in dashboard and "工作台" in dashboard

    response = v.submit("/logout", form_page="/dashboard")
    assert response.status_code == 302
    assert urlsplit(response.headers["Location"]).path == "/"
    assert "已退出登录" in v.get("/").get_data(as_text=True)
    response = v.get("/dashboard")
    assert response.status_code == 302
    assert urlsplit(response.headers["Location"]).path == "/login"


def test_passwords_are_stored_as_argon2id_hashes(app):
    user = make_user("staff")
    assert user.password_hash.startswith("$argon2id$")
    assert PASSWORD not in user.password_hash


def test_a_logout_without_a_csrf_token_is_refused_and_the_user_stays_signed_in(app):
    user = make_user("staff")
    v = Browser(app)
    assert v.login(user.username, PASSWORD).status_code == 302
    response = v.post("/logout", token=False)
    assert response.status_code == 400
    assert v.signed_in()


def test_a_login_post_without_a_csrf_token_is_refused(app):
    user = make_user("staff")
    v = Browser(app)
    v.get("/login")
    response = v.post("/login", {"username": user.username, "password": PASSWORD}, token=False)
    assert response.status_code == 400
    assert "请求有误" in response.get_data(as_text=True)
    assert not v.signed_in()
    assert failed_logins(user.id) == 0


def test_a_wrong_password_and_an_unknown_user_get_the_same_chinese_message(app):
    user = make_user("staff")
    wrong_password = Browser(app).login(user.username, WRONG)
    unknown_user = Browser(app).login("nobody-here", WRONG)
    assert wrong_password.status_code == unknown_user.status_code == 400
    assert REFUSED in error_summary(wrong_password)
    assert error_summary(wrong_password) == error_summary(unknown_user)


def test_an_account_is_locked_after_five_failed_logins_and_opens_again_after_the_lockout(app, now):
    now(2026, 11, 25, 10, 0)
    user = make_user("staff")
    v = Browser(app)
    for attempt in range(1, 6):
        response = v.login(user.username, WRONG)
        assert response.status_code == 400, attempt
        assert REFUSED in error_summary(response), attempt

    # Locked now: even the right password is refused, and the message says so.
    response = v.login(user.username, PASSWORD)
    assert response.status_code == 400
    assert "锁定" in error_summary(response)
    assert not v.signed_in()

    now(2026, 11, 25, 10, 14)
    assert "锁定" in error_summary(v.login(user.username, PASSWORD))
    now(2026, 11, 25, 10, 16)  # LOGIN_LOCKOUT_MINUTES = 15 after the fifth failure
    assert v.login(user.username, PASSWORD).status_code == 302
    assert v.signed_in()
    assert failed_logins(user.id) == 0


def test_the_login_rate_limit_applies_per_address(app):
    app.config["LOGIN_RATE_LIMIT"] = "3 per minute"
    user = make_user("staff")
    v = Browser(app, "203.0.113.7")
    for _ in range(3):
        assert v.login(user.username, WRONG).status_code == 400
    response = v.login(user.username, PASSWORD)
    assert response.status_code == 429
    assert "操作过于频繁" in response.get_data(as_text=True)
    # The throttled attempt never reached the account (it was not counted, nobody signed in).
    assert failed_logins(user.id) == 3
    assert not v.signed_in()
    # Reading the login page is not throttled, and another address is not affected.
    assert v.get("/login").status_code == 200
    assert Browser(app, "198.51.100.9").login(user.username, PASSWORD).status_code == 302


# ---- where the login goes next -----------------------------------------------------------------


def test_after_login_the_user_goes_back_to_the_page_they_asked_for(app):
    user = make_user("staff")
    v = Browser(app)
    response = v.get("/staff/notices/?page=1")
    assert response.status_code == 302
    login_url = urlsplit(response.headers["Location"])
    assert login_url.path == "/login"
    response = v.login(user.username, PASSWORD, path=f"/login?{login_url.query}")
    assert response.status_code == 302
    assert response.headers["Location"] == "/staff/notices/?page=1"


@pytest.mark.parametrize(
    "target",
    [
        "https://evil.example",
        "https://evil.example/login",
        "//evil.example",
        "///evil.example",
        "/\\evil.example",
        "\\\\evil.example",
        "/\t/evil.example",
        "https:/evil.example",
        "javascript:alert(1)",
    ],
)
def test_next_does_not_allow_an_open_redirect(app, target):
    user = make_user("staff")
    v = Browser(app)
    response = v.post(
        "/login",
        {"username": user.username, "password": PASSWORD},
        query_string={"next": target},
    )
    assert response.status_code == 302
    location = response.headers["Location"]
    assert browser_host(location) is None, location


# ---- cookies -----------------------------------------------------------------------------------


def test_the_session_cookie_is_httponly_and_samesite_lax(app):
    user = make_user("staff")
    response = Browser(app).login(user.username, PASSWORD)
    session = cookie(response, app.config["SESSION_COOKIE_NAME"])
    assert session["httponly"] is True
    assert session["samesite"] == "Lax"
    assert session["path"] == "/"


def test_the_remember_me_cookie_is_httponly_and_samesite_lax(app):
    user = make_user("staff")
    response = Browser(app).login(user.username, PASSWORD, remember="y")
    remember = cookie(response, app.config.get("REMEMBER_COOKIE_NAME", "remember_token"))
    assert remember["httponly"] is True
    assert remember["samesite"] == "Lax"


def test_production_cookies_are_secure(app):
    assert ProductionConfig.SESSION_COOKIE_SECURE is True
    assert ProductionConfig.REMEMBER_COOKIE_SECURE is True


def test_a_lockout_survives_a_new_browser(app, now):
    # The lockout is per account, not per session: a fresh browser does not reset it.
    now(2026, 11, 25, 10, 0)
    user = make_user("staff")
    for _ in range(5):
        Browser(app).login(user.username, WRONG)
    assert "锁定" in error_summary(Browser(app).login(user.username, PASSWORD))
    clock.advance(timedelta(minutes=16))
    assert Browser(app).login(user.username, PASSWORD).status_code == 302
