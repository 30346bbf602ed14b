"""What the staff trading pages share: the project from the URL and the page frame (domain
errors go onto a flash or a form through app.forms.error_onto)."""

from __future__ import annotations

from flask import abort, render_template, url_for

from app import clock
from contracts import queries, rules
from contracts.models import Project, Trading


def _project_or_404(code: str) -> Project:
    p = queries.get_project(code)
    if p is None:
        abort(404)
    return p


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
