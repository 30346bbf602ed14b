"""Staff pages of suspending and resuming a trading (art. 62): two forms on the project page, and
the template globals every project page uses to show a suspension."""

from __future__ import annotations

from flask import abort, flash, redirect, url_for
from flask_babel import gettext as _
from flask_login import current_user

from app.auth.guards import roles_required
from app.auth.roles import OFFICE_ROLES
from app.errors import DomainError
from app.forms import error_onto
from contracts import queries, rules, services
from contracts.forms.suspension import ResumeForm, SuspendForm
from contracts.views.staff import bp
from contracts.views.staff_common import _project_or_404 as project_or_404


@bp.record_once
def _template_globals(state) -> None:
    env = state.app.jinja_env
    env.globals["trading_suspensions"] = queries.suspensions_of
    env.globals["trading_suspensions_by_code"] = queries.suspensions_of_code
    env.globals["suspension_forms"] = suspension_forms


def suspension_forms(project) -> dict:
    """The suspend or resume form the project's state allows (none for other states)."""
    state = queries.state_of(project)
    return {
        "suspend": SuspendForm() if rules.may(state, rules.TradingAction.SUSPEND) else None,
        "resume": ResumeForm() if rules.may(state, rules.TradingAction.RESUME) else None,
    }


def _back(code: str):
    return redirect(url_for(".detail", code=code, _anchor="suspension-forms"))


def _trading_code(p) -> str:
    t = queries.latest_trading(p)
    if t is None:
        abort(404)
    return t.code


@bp.route("/<code>/suspend", methods=["POST"])
@roles_required(*OFFICE_ROLES)
def suspend(code: str):
    p = project_or_404(code)
    form = SuspendForm()
    if not form.validate_on_submit():
        for errors in form.errors.values():
            for message in errors:
                flash(str(message), "error")
        return _back(p.code)
    try:
        services.suspend_trading(
            _trading_code(p),
            form.reason.data or "",
            complaint_id=form.complaint_id.data,
            actor=current_user,
        )
    except DomainError as e:
        error_onto(None, e)
    else:
        flash(_("交易已暂停，暂停公告已发布"), "success")
    return _back(p.code)


@bp.route("/<code>/resume", methods=["POST"])
@roles_required(*OFFICE_ROLES)
def resume(code: str):
    p = project_or_404(code)
    form = ResumeForm()
    if not form.validate_on_submit():
        for errors in form.errors.values():
            for message in errors:
                flash(str(message), "error")
        return _back(p.code)
    try:
        services.resume_trading(
            _trading_code(p),
            form.reason.data or "",
            new_responses_close_at=form.responses_close_at(),
            new_meeting_at=form.meeting_moment(),
            actor=current_user,
        )
    except DomainError as e:
        error_onto(None, e)
    else:
        flash(_("交易已恢复，恢复公告已发布"), "success")
    return _back(p.code)
