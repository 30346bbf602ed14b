"""Oversight (监督): the pages staff and supervisors (纪检监察 / 审计) read — every statutory deadline
the domains register (`app.deadlines`) with its status, and the audit log — and the staff's warning
banner. Reads only: nothing here changes a record."""

from __future__ import annotations

from flask import Flask


def init_app(app: Flask) -> None:
    """The blueprint and the banner's template helper. No SMS tick: accounts have no mobile
    number (app.auth.models.User), so the warning is the banner on every staff page."""
    from app.supervision.views import bp, deadline_warning

    app.register_blueprint(bp)
    app.add_template_global(deadline_warning, "deadline_warning")
