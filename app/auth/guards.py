"""The role guard: a view decorator that admits only the given roles."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps

from flask import abort
from flask_login import current_user

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
