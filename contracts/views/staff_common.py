"""What the staff trading pages share: the project from the URL, the page frame, domain errors
onto a flash or a form."""

from __future__ import annotations

from flask import abort, flash, render_template, url_for
from flask_babel import get_locale

from app import clock
from app.errors import DomainError, Forbidden, NotFound
from contracts import queries
from contracts.models import Project, Trading

STAFF = ("staff", "admin")


def _english() -> bool:
    locale = get_locale()
    return locale is not None and locale.language == "en"


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


def _refuse(e: DomainError) -> None:
    if isinstance(e, Forbidden):
        abort(403)
    if isinstance(e, NotFound):
        abort(404)
    flash(e.localized(), "error")


def _error_onto(form, e: DomainError) -> None:
    if isinstance(e, Forbidden | NotFound):
        _refuse(e)
    target = getattr(form, e.field, None) if e.field else None
    if target is not None:
        target.errors = [*target.errors, e.localized()]
    else:
        form.form_errors.append(e.localized())


def _early(t: Trading) -> bool:
    return clock.now() < t.responses_close_at
