"""Rotating SECRET_KEY beyond Flask's session: SECRET_KEY signs, and what one of
SECRET_KEY_FALLBACKS signed is still accepted until that key is removed (docs/deploy.md).

Flask's session cookie does this itself. Three other signatures are made with the secret and were
checked against SECRET_KEY alone, so a rotation failed every form in flight and signed out every
remembered user:
- the CSRF token (Flask-WTF): signed with WTF_CSRF_SECRET_KEY, which Flask-WTF hands to
  itsdangerous as it is — and itsdangerous takes a list of keys, oldest to newest, signs with the
  last and accepts any (`signing_keys`, the order Flask's session uses);
- the once-only form token (app.once): the same list;
- the remember-me cookie (Flask-Login): an HMAC of SECRET_KEY, no list. `decode_cookie` takes
  another key, so a cookie only a fallback verifies signs its user in again before anything asks
  who the user is (`login_user`, not fresh — as Flask-Login does from its cookie), which also
  gives it a new cookie signed with SECRET_KEY.
"""

from __future__ import annotations

from collections.abc import Mapping

from flask import Flask, current_app, request, session
from flask_login import login_user
from flask_login.utils import decode_cookie


def signing_keys(config: Mapping) -> list[str]:
    """The keys a signature is checked against, oldest to newest: SECRET_KEY (last) signs."""
    return [*(config.get("SECRET_KEY_FALLBACKS") or ()), config["SECRET_KEY"]]


def remembered_under_a_fallback() -> None:
    """before_request: the user of a remember-me cookie that only a fallback key verifies."""
    config = current_app.config
    cookie = request.cookies.get(config.get("REMEMBER_COOKIE_NAME", "remember_token"))
    fallbacks = config.get("SECRET_KEY_FALLBACKS") or ()
    if not (cookie and fallbacks) or "_user_id" in session or session.get("_remember") == "clear":
        return  # no cookie, no rotation, a session, or a logout: Flask-Login's own business
    if decode_cookie(cookie) is not None:
        return  # SECRET_KEY verifies it: Flask-Login reads it
    for key in fallbacks:
        user_id = decode_cookie(cookie, key=key)
        if user_id is not None:
            user = current_app.login_manager.user_callback(user_id)
            if user is not None:
                login_user(user, remember=True, fresh=False)
            return


def init_app(app: Flask) -> None:
    """After Flask-WTF and Flask-Login, before any other request hook asks for the user."""
    if app.config.get("WTF_CSRF_SECRET_KEY") is None:
        app.config["WTF_CSRF_SECRET_KEY"] = signing_keys(app.config)
    app.before_request(remembered_under_a_fallback)
