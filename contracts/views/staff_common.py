"""What the staff trading pages share: the project from the URL and the page frame (domain
errors go onto a flash or a form through app.forms.error_onto)."""

from __future__ import annotations

from flask import abort, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user
from werkzeug.exceptions import Forbidden

from app import clock
from app.offices.scope import covers
from contracts import queries, rules
from contracts.models import Project, Trading


def require_page_scope(p: Project) -> Project:
    """A staff (or supervisor) page of a project of an office the account does not cover answers
    403 with the reason; the services refuse its forms whatever a page shows."""
    if not covers(current_user, p.office_id):
        refused = Forbidden()
        refused.detail = _("该项目属于其他平台，本账户无权查看或办理。")
        raise refused
    return p


def _project_or_404(code: str) -> Project:
    p = queries.get_project(code)
    if p is None:
        abort(404)
    return require_page_scope(p)


def detail_url(code: str) -> str:
    return url_for("projects_staff.detail", code=code)


def _render(template: str, p: Project, status: int = 200, **ctx):
    return render_template(
        template,
        project=p,
        detail_url=detail_url(p.code),
        index_url=url_for("projects_staff.index"),
        **ctx,
    ), status


def _early(t: Trading) -> bool:
    """The trading's responses are still open (contracts.rules.responses_open)."""
    return rules.responses_open(t.responses_close_at, clock.now())
