"""Rotating SECRET_KEY (docs/deploy.md, "Rotating SECRET_KEY"): with the old key among
SECRET_KEY_FALLBACKS, everyone signed in stays signed in; once it is removed, sessions signed with
it are worth nothing."""

from __future__ import annotations

from app.extensions import db
from tests.conftest import build_app
from tests.factories import Browser, signed_in

OLD, NEW = "o" * 40, "n" * 40


def _session_cookie(browser: Browser) -> str:
    return browser.client.get_cookie("session").value


def _dashboard_with(app, cookie: str) -> int:
    visitor = Browser(app)
    visitor.client.set_cookie("session", cookie)
    return visitor.get("/dashboard").status_code


def test_a_session_signed_with_the_old_key_holds_while_it_is_a_fallback(database_url, tmp_path):
    before = build_app(database_url, tmp_path / "a", SECRET_KEY=OLD)
    with before.app_context():
        cookie = _session_cookie(signed_in(before))
        db.engine.dispose()

    during = build_app(database_url, tmp_path / "b", SECRET_KEY=NEW, SECRET_KEY_FALLBACKS=[OLD])
    with during.app_context():
        assert _dashboard_with(during, cookie) == 200
        db.engine.dispose()

    after = build_app(database_url, tmp_path / "c", SECRET_KEY=NEW, SECRET_KEY_FALLBACKS=[])
    with after.app_context():
        assert _dashboard_with(after, cookie) == 302  # to the login page
        db.engine.dispose()
