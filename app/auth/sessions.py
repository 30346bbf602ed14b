"""A session begun from the remember-me cookie is marked as this browser's, as a login is.

Flask-Login's strong session protection wipes a session whose identifier (a hash of the address
and the browser) differs from the request's. A login records it; a session Flask-Login begins from
the remember-me cookie did not (Flask-Login issue #685), so the next request found none, wiped the
session and cleared the cookie: "在本机保持登录" held for one page. The identifier is recorded
here when the cookie signs a user in, so such a session is guarded like any other from then on.
"""

from __future__ import annotations

from flask import Flask, current_app, session
from flask_login import user_loaded_from_cookie


def _mark_session(app: Flask, user) -> None:
    session["_id"] = current_app.login_manager._session_identifier_generator()


def init_app(app: Flask) -> None:
    # weak=False: the receiver is a module function, but say it lives as long as the process.
    user_loaded_from_cookie.connect(_mark_session, app, weak=False)
