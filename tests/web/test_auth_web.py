"""Login and logout through the web: CSRF, the refusal message, delays per address (no lockout),
the per-address rate limit behind a proxy or not, `next` without open redirects, the cookies'
flags and lifetime, and sessions that end at logout and at a password change."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from email.utils import parsedate_to_datetime
from http.cookies import SimpleCookie
from urllib.parse import urlsplit

import pytest

from app import clock
from app.auth.models import User
from app.extensions import db
from config import ProductionConfig
from tests.factories import PASSWORD, Browser, browser_host, make_user

#: Sign-in and accounts: passwords hashed at the production cost (tests/conftest.py).
pytestmark = pytest.mark.real_password_hashes

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


def error_summary_and_status(response) -> tuple[str, int, str | None]:
    return error_summary(response), response.status_code, response.headers.get("Retry-After")


@pytest.mark.parametrize("tries", [5, 50])
def test_wrong_passwords_from_one_address_do_not_block_the_right_one_from_another(app, now, tries):
    now(2026, 11, 25, 10, 0)
    user = make_user("staff")
    stranger = Browser(app, "203.0.113.66")
    answers = [stranger.login(user.username, WRONG).status_code for _ in range(tries)]
    # Five tries are weighed; after them the stranger's address waits (429), nothing is locked.
    assert answers[:5] == [400] * 5 and set(answers[5:]) <= {429}
    assert stranger.login(user.username, PASSWORD).status_code == 429
    assert not stranger.signed_in()

    staff = Browser(app, "198.51.100.20")
    assert staff.login(user.username, PASSWORD).status_code == 302
    assert staff.signed_in()


def test_the_delay_follows_the_address_not_the_browser_and_ends(app, now):
    now(2026, 11, 25, 10, 0)
    user = make_user("staff")
    for _ in range(5):
        Browser(app, "203.0.113.7").login(user.username, WRONG)
    response = Browser(app, "203.0.113.7").login(user.username, PASSWORD)
    assert response.status_code == 429
    assert "请10秒后再试" in error_summary(response)
    assert response.headers["Retry-After"] == "10"
    clock.advance(timedelta(seconds=10))
    assert Browser(app, "203.0.113.7").login(user.username, PASSWORD).status_code == 302
    assert failed_logins(user.id) == 0


def test_an_unknown_name_and_a_known_one_get_identical_answers_before_and_after_the_delay(app, now):
    now(2026, 11, 25, 10, 0)
    user = make_user("staff")
    known, unknown = Browser(app, "203.0.113.8"), Browser(app, "203.0.113.9")
    for _ in range(5):
        wrong = known.login(user.username, WRONG)
        nobody = unknown.login("nobody-here", WRONG)
        assert error_summary_and_status(wrong) == error_summary_and_status(nobody)
        assert REFUSED in error_summary(wrong)
    delayed = known.login(user.username, WRONG)
    nobody = unknown.login("nobody-here", WRONG)
    assert error_summary_and_status(delayed) == error_summary_and_status(nobody)
    assert delayed.status_code == 429
    assert "锁定" not in error_summary(delayed)


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


def test_the_remember_me_cookie_lasts_fourteen_days(app):
    user = make_user("staff")
    response = Browser(app).login(user.username, PASSWORD, remember="y")
    header = next(
        h for h in response.headers.getlist("Set-Cookie") if h.startswith("remember_token=")
    )
    jar = SimpleCookie()
    jar.load(header)
    expires = parsedate_to_datetime(jar["remember_token"]["expires"])
    assert timedelta(days=13, hours=23) < expires - datetime.now(UTC) <= timedelta(days=14)


# ---- sessions end --------------------------------------------------------------------------------


def copy_of(browser: Browser, *names: str) -> Browser:
    """Another browser holding copies of `browser`'s cookies `names` (a stolen cookie)."""
    thief = Browser(browser.app, browser.client.environ_base["REMOTE_ADDR"])
    for name in names:
        stolen = browser.client.get_cookie(name)
        assert stolen is not None, f"no {name} cookie to copy"
        thief.client.set_cookie(name, stolen.value)
    return thief


SESSION, REMEMBER = "session", "remember_token"


def test_a_session_cookie_copied_before_logout_no_longer_works_after_it(app):
    user = make_user("staff")
    v = Browser(app)
    v.login(user.username, PASSWORD)
    other_device = Browser(app, "198.51.100.30")
    other_device.login(user.username, PASSWORD)
    assert copy_of(v, SESSION).signed_in()  # the copy works while the session lives

    copied = copy_of(v, SESSION)
    v.submit("/logout", form_page="/dashboard")
    assert not v.signed_in()
    assert not copied.signed_in()
    # Logout ends every session of the account (the chosen behaviour): the other device too.
    assert not other_device.signed_in()


def test_a_remember_me_cookie_copied_before_logout_no_longer_works_after_it(app):
    user = make_user("staff")
    v = Browser(app)
    v.login(user.username, PASSWORD, remember="y")
    assert copy_of(v, REMEMBER).signed_in()  # the cookie alone signs in

    copied = copy_of(v, REMEMBER)
    v.submit("/logout", form_page="/dashboard")
    assert not copied.signed_in()


def change_password(browser: Browser, current: str, new: str):
    return browser.submit(
        "/account/password",
        {"current_password": current, "new_password": new, "confirm": new},
    )


NEW_PASSWORD = "a new and longer one"


def test_a_password_change_ends_every_other_session_and_keeps_the_changing_one(app):
    user = make_user("staff")
    v = Browser(app)
    v.login(user.username, PASSWORD, remember="y")
    old_session, old_remember = copy_of(v, SESSION), copy_of(v, REMEMBER)
    other_device = Browser(app, "198.51.100.31")
    other_device.login(user.username, PASSWORD, remember="y")

    response = change_password(v, PASSWORD, NEW_PASSWORD)
    assert response.status_code == 302
    assert "密码已修改" in v.get("/dashboard").get_data(as_text=True)
    assert v.signed_in()
    assert copy_of(v, REMEMBER).signed_in()  # its new remember-me cookie works
    assert not old_session.signed_in()
    assert not old_remember.signed_in()
    assert not other_device.signed_in()
    assert Browser(app).login(user.username, PASSWORD).status_code == 400
    assert Browser(app).login(user.username, NEW_PASSWORD).status_code == 302


def test_a_browser_that_kept_only_its_remember_me_cookie_stays_signed_in_page_after_page(app):
    # "在本机保持登录": the browser is closed (its session cookie is gone) and opened again. The
    # remember-me cookie signs it in, and it must stay signed in for the pages after the first:
    # with strong session protection Flask-Login wiped such a session on the second request and
    # cleared the cookie (Flask-Login issue #685), so "remember me" lasted one page.
    user = make_user("staff")
    v = Browser(app)
    v.login(user.username, PASSWORD, remember="y")
    reopened = copy_of(v, REMEMBER)
    assert reopened.signed_in()
    assert reopened.signed_in()
    assert reopened.signed_in()
    assert reopened.client.get_cookie(REMEMBER) is not None


def test_a_remember_me_cookie_from_another_address_or_browser_still_signs_in_once_moved(app):
    # Strong protection still guards a live session: a session cookie taken to another address
    # is wiped (tested above through logout), while a remembered browser that moves (a phone on
    # another network) signs in again from its remember-me cookie.
    user = make_user("staff")
    v = Browser(app)
    v.login(user.username, PASSWORD, remember="y")
    moved = Browser(app, "198.51.100.44")
    moved.client.set_cookie(REMEMBER, v.client.get_cookie(REMEMBER).value)
    assert moved.signed_in()
    assert moved.signed_in()


def test_a_wrong_current_password_changes_nothing(app):
    user = make_user("staff")
    v = Browser(app)
    v.login(user.username, PASSWORD)
    copied = copy_of(v, SESSION)
    response = change_password(v, WRONG, NEW_PASSWORD)
    assert response.status_code == 400
    assert "当前密码不正确" in error_summary(response)
    assert copied.signed_in()
    assert Browser(app).login(user.username, PASSWORD).status_code == 302


def test_a_password_reset_by_the_cli_ends_every_session(app):
    user = make_user("staff")
    v = Browser(app)
    v.login(user.username, PASSWORD, remember="y")
    remembered = copy_of(v, REMEMBER)
    result = app.test_cli_runner().invoke(
        args=["users", "set-password", "--username", user.username, "--password", NEW_PASSWORD]
    )
    assert result.exit_code == 0, result.output
    assert not v.signed_in()
    assert not remembered.signed_in()
    assert Browser(app).login(user.username, NEW_PASSWORD).status_code == 302


# ---- behind a proxy ------------------------------------------------------------------------------


@pytest.fixture
def app_behind(database_url, tmp_path):
    """Another app on the same database, built with the given proxy settings."""
    made = []

    def build(**overrides):
        from app import create_app
        from config import TestingConfig

        built = create_app(
            TestingConfig,
            SQLALCHEMY_DATABASE_URI=database_url,
            UPLOAD_FOLDER=str(tmp_path / "uploads"),
            LOGIN_RATE_LIMIT="3 per minute",
            **overrides,
        )
        made.append(built)
        return built

    yield build
    for built in made:
        with built.app_context():
            db.engine.dispose()


def via_proxy(app, client_address: str) -> Browser:
    """A browser whose requests arrive from the proxy 10.0.0.2, forwarded for `client_address`."""
    browser = Browser(app, "10.0.0.2")
    browser.client.environ_base["HTTP_X_FORWARDED_FOR"] = client_address
    return browser


def test_behind_a_configured_proxy_the_limit_applies_to_the_forwarded_address(app, app_behind):
    proxied = app_behind(PROXY_FIX_X_FOR=1)
    user = make_user("staff")
    for _ in range(3):
        assert via_proxy(proxied, "203.0.113.7").login(user.username, WRONG).status_code == 400
    assert via_proxy(proxied, "203.0.113.7").login(user.username, PASSWORD).status_code == 429
    # Another client behind the same proxy is not held up by the first one's tries.
    assert via_proxy(proxied, "198.51.100.9").login(user.username, PASSWORD).status_code == 302


def test_without_a_configured_proxy_x_forwarded_for_is_ignored(app, app_behind):
    direct = app_behind()  # PROXY_FIX_X_FOR = 0: nobody's header is trusted
    user = make_user("staff")
    for n in range(3):
        forged = via_proxy(direct, f"192.0.2.{n}")  # a new forged address each time
        assert forged.login(user.username, WRONG).status_code == 400
    assert via_proxy(direct, "192.0.2.99").login(user.username, PASSWORD).status_code == 429
