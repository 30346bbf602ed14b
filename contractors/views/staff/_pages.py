"""What the pool's staff pages share: role groups, step labels, rendering, loading and refusals."""

from __future__ import annotations

from flask import abort, render_template, url_for
from flask_login import current_user

from app.i18n import loc
from app.offices import scope
from contractors import queries, rules
from contractors.errors import PoolNotFound

STEP_STATES = {
    "done": ("已完成", "Done"),
    "now": ("可以进行", "Allowed now"),
    "waiting": ("等待中", "Waiting"),
    "blocked": ("受阻", "Blocked"),
    "later": ("尚未开始", "Later"),
}


# ---- helpers ----------------------------------------------------------------------------------


def _render(template: str, status: int = 200, **ctx):
    return render_template(
        template,
        state_label=lambda s: loc(*rules.STATE_LABELS[s]),
        step_state_label=lambda s: loc(*STEP_STATES[s]),
        **ctx,
    ), status


def _call_or_404(call_id: int):
    """A call the account's district keeps (403 for another district's call)."""
    try:
        call = queries.get_call(call_id)
    except PoolNotFound:
        abort(404)
    if not scope.covers(current_user, call.office_id):
        abort(403)
    return call


def _timeline_url(call_id: int, anchor: str | None = None) -> str:
    return url_for(".timeline", call_id=call_id, _anchor=anchor)
