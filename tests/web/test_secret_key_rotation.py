"""Rotating SECRET_KEY (docs/deploy.md, "Rotating SECRET_KEY"): with the old key among
SECRET_KEY_FALLBACKS, everyone signed in stays signed in, a form opened before is accepted and a
remember-me cookie still signs in (app.keys); once it is removed, what it signed is worth nothing."""

from __future__ import annotations

from contextlib import contextmanager
from types import SimpleNamespace

import pytest
from flask_login.utils import decode_cookie

from app import once
from app.extensions import db
from tests.conftest import build_app
from tests.factories import PASSWORD, Browser, make_user, signed_in

OLD, NEW = "o" * 40, "n" * 40
REMEMBER = "remember_token"


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


# ---- what else the secret signs: the CSRF token, the remember-me cookie, the once-only token -----


@contextmanager
def running(database_url, tmp_path, name: str, **keys):
    """The app restarted with `keys` (SECRET_KEY, SECRET_KEY_FALLBACKS), its context pushed."""
    app = build_app(database_url, tmp_path / name, **keys)
    with app.app_context():
        yield app
        db.engine.dispose()


ROTATION = (("during", {"SECRET_KEY_FALLBACKS": [OLD]}), ("after", {"SECRET_KEY_FALLBACKS": []}))


def test_a_form_opened_before_the_rotation_is_accepted_while_the_old_key_is_a_fallback(
    database_url, tmp_path
):
    with running(database_url, tmp_path, "before", SECRET_KEY=OLD) as before:
        browser = signed_in(before)
        cookie, token = _session_cookie(browser), browser.token()  # the logout button's form
    statuses = {}
    for name, fallbacks in ROTATION:
        with running(database_url, tmp_path, name, SECRET_KEY=NEW, **fallbacks) as app:
            visitor = Browser(app)
            visitor.client.set_cookie("session", cookie)
            statuses[name] = visitor.post("/logout", {"csrf_token": token}, token=False).status_code
    assert statuses == {"during": 302, "after": 400}  # logged out; then refused


def test_a_remember_me_cookie_from_before_the_rotation_signs_in_and_is_signed_again_with_the_new_key(
    database_url, tmp_path
):
    with running(database_url, tmp_path, "before", SECRET_KEY=OLD) as before:
        user = make_user("staff")
        browser = Browser(before)
        browser.login(user.username, PASSWORD, remember="y")
        old = browser.client.get_cookie(REMEMBER).value

    def remembered(app, cookie: str) -> Browser:
        visitor = Browser(app)
        visitor.client.set_cookie(REMEMBER, cookie)  # no session: a browser opened again
        return visitor

    with running(
        database_url, tmp_path, "during", SECRET_KEY=NEW, SECRET_KEY_FALLBACKS=[OLD]
    ) as app:
        visitor = remembered(app, old)
        assert visitor.signed_in() and visitor.signed_in()  # and the session it made holds
        new = visitor.client.get_cookie(REMEMBER).value
        assert decode_cookie(new, key=NEW) == decode_cookie(old, key=OLD)
    with running(database_url, tmp_path, "after", SECRET_KEY=NEW) as app:
        assert not remembered(app, old).signed_in()
        assert remembered(app, new).signed_in()


def test_a_once_only_form_token_from_before_the_rotation_is_accepted_while_the_old_key_is_a_fallback(
    database_url, tmp_path
):
    actor = SimpleNamespace(id=7)
    with running(database_url, tmp_path, "before", SECRET_KEY=OLD):
        token = once.issue("project", actor)
    with running(database_url, tmp_path, "during", SECRET_KEY=NEW, SECRET_KEY_FALLBACKS=[OLD]):
        assert once.check(token, "project", actor)
        assert once.issue("project", actor)  # new ones are signed with the new key
    with (
        running(database_url, tmp_path, "after", SECRET_KEY=NEW),
        pytest.raises(once.SubmissionRefused),
    ):
        once.check(token, "project", actor)
