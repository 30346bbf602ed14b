"""What the pool's staff pages share: role groups, step labels, rendering, loading and refusals."""

from __future__ import annotations

from flask import abort, flash, render_template, url_for
from flask_babel import get_locale

from app.errors import DomainError, Forbidden, NotFound
from contractors import queries, rules
from contractors.errors import PoolNotFound

STAFF = ("staff", "admin")
PANEL = ("staff", "admin", "reviewer")

STEP_STATES = {
    "done": ("已完成", "Done"),
    "now": ("可以进行", "Allowed now"),
    "waiting": ("等待中", "Waiting"),
    "blocked": ("受阻", "Blocked"),
    "later": ("尚未开始", "Later"),
}


# ---- helpers ----------------------------------------------------------------------------------


def _english() -> bool:
    locale = get_locale()
    return locale is not None and locale.language == "en"


def loc(zh: str, en: str) -> str:
    """Data-driven labels (steps, states) come in both languages; pick the request's."""
    return en if _english() else zh


def _render(template: str, status: int = 200, **ctx):
    return render_template(
        template,
        loc=loc,
        state_label=lambda s: loc(*rules.STATE_LABELS[s]),
        step_state_label=lambda s: loc(*STEP_STATES[s]),
        **ctx,
    ), status


def _call_or_404(call_id: int):
    try:
        return queries.get_call(call_id)
    except PoolNotFound:
        abort(404)


def _refuse(e: DomainError) -> None:
    """A refusal that belongs to no field: 403/404 for roles and unknown records, else a flash."""
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
    elif e.field:
        form.form_errors.append(e.localized())  # e.g. "categories": the quota inputs as a whole
    else:
        flash(e.localized(), "error")


def _timeline_url(call_id: int, anchor: str | None = None) -> str:
    return url_for(".timeline", call_id=call_id, _anchor=anchor)
