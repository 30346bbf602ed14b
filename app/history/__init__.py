"""Public revision histories (修改记录): every change of a public object from the audit log, with
personal data masked — `/history/<kind>/<id>` and `GET /api/v1/history/<kind>/<id>`."""

from __future__ import annotations

from flask import Flask


def init_app(app: Flask) -> None:
    """The page and the API; the kinds are registered by the domains (queries.register_kind)."""
    from app.history.api import bp as api_bp
    from app.history.views import bp

    app.register_blueprint(bp)
    app.register_blueprint(api_bp)
