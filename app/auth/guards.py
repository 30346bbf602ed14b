"""The role guards: a view decorator that admits only the given roles, the app-wide refusal of
every write by a read-only role (the supervisors), and the detour of an account that must change
its password."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps

from flask import abort, redirect, request, url_for
from flask_login import current_user

from app.auth.roles import READ_ONLY_ROLES
from app.extensions import login_manager


def roles_required(*roles: str) -> Callable:
    """Admit logged-in users holding one of `roles`; send others to login (anonymous) or 403."""

    def decorator(view: Callable) -> Callable:
        @wraps(view)
        def wrapped(*args, **kwargs):
            if not current_user.is_authenticated:
                return login_manager.unauthorized()
            if current_user.role not in roles:
                abort(403)
            return view(*args, **kwargs)

        wrapped.allowed_roles = roles  # read by the route × role test
        return wrapped

    return decorator


#: What a read-only account may still post: its own session and password, never a record.
OWN_ACCOUNT_ENDPOINTS = frozenset({"auth.login", "auth.logout", "auth.change_password"})
#: Methods that read.
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


def refuse_writes_by_read_only_roles() -> None:
    """A supervisor (纪检监察 / 审计) reads everything and changes nothing: any request of theirs
    that may write is 403 before a view runs, whatever roles the view itself admits. Held here,
    once, so that a route added tomorrow is covered without remembering it
    (tests/web/test_read_only_roles.py walks the url map)."""
    if request.method in SAFE_METHODS or request.endpoint in OWN_ACCOUNT_ENDPOINTS:
        return
    if current_user.is_authenticated and current_user.role in READ_ONLY_ROLES:
        abort(403)


#: What an account that must change its password may still reach: its session, the password
#: page, the language switch and the static files.
BEFORE_PASSWORD_CHANGE = OWN_ACCOUNT_ENDPOINTS | {"public.set_language", "static"}


def send_to_password_change():
    """An account whose password an administrator reset signed in with a one-time password:
    until it chooses its own (app.auth.services.change_password clears the mark), every other
    request goes to the password page, so the one-time password opens nothing but that page."""
    if request.endpoint is None or request.endpoint in BEFORE_PASSWORD_CHANGE:
        return None
    if current_user.is_authenticated and current_user.must_change_password:
        return redirect(url_for("auth.change_password"))
    return None


def init_app(app) -> None:
    app.before_request(refuse_writes_by_read_only_roles)
    app.before_request(send_to_password_change)
