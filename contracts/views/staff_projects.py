"""Staff project pages: open projects with their next step, entry for an owner, filing (备案) or
sending back, and recording the contract or a refusal."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from app.auth.guards import roles_required
from app.auth.roles import OFFICE_ROLES
from app.errors import DomainError
from app.forms import error_onto
from app.history import rules as history_rules
from app.i18n import english, named
from app.offices.scope import find_office
from contracts import progress, rules, services
from contracts.forms.projects import FileForm, SendBackForm
from contracts.queries import todo
from contracts.views.owner import (
    enter_project,
    project_or_404,
    record_contract,
    record_refusal,
    render_detail,
    revise,
    send_attachment,
    upload,
)
from contracts.views.staff import bp
from contracts.views.staff_common import require_page_scope

DETAIL = "contracts/staff/projects_detail.html"


@bp.app_template_global("project_office_name")
def project_office_name(office_id: int | None) -> str:
    """The name of a project's office (its platform, or the district running it), for the
    pages' 所属平台 column; the session's identity map loads each office once."""
    office = find_office(office_id)
    return named(office) if office is not None else ""


def staff_project(code: str):
    """The project named in the URL, if this account's offices cover it (else 403)."""
    return require_page_scope(project_or_404(code))


def _action_label(action: str) -> str:
    return history_rules.action_label(action, english())


def _render(p, status: int = 200, **forms):
    history = progress.history(p)
    names = progress.actor_names(history)
    return render_detail(
        DETAIL,
        p,
        status,
        history=history,
        actor_of=lambda e: progress.actor_label(e, names),
        action_label=_action_label,
        **forms,
    )


#: The list's `?state=` filters beside the project states: the dashboard's award meetings due.
FILTER_LABELS = {
    todo.MEETING_DUE: ("定标会议已到期（今日或逾期）", "Award meetings due (today or overdue)")
}


@bp.route("/")
@roles_required(*OFFICE_ROLES)
def index():
    """The open projects, most urgent first; `?state=` keeps one state's (`submitted`, …) or
    the award meetings due (`meeting_due`): the lists the dashboard's to-do counts link to."""
    rows = progress.open_projects(current_user)
    raw = request.args.get("state", "")
    status, shown = 200, None
    if raw == todo.MEETING_DUE:
        due = todo.meeting_due_codes(current_user)
        rows, shown = [r for r in rows if r.project.code in due], FILTER_LABELS[raw]
    elif raw:
        try:
            state = rules.ProjectState(raw)
        except ValueError:
            flash(_("没有这种项目状态，已显示全部在办项目"), "error")
            status = 400
        else:
            rows, shown = [r for r in rows if r.state is state], rules.STATE_LABELS[state]
    return render_template(
        "contracts/staff/projects_index.html",
        rows=rows,
        shown=shown,
        closed=progress.recently_closed(actor=current_user),
        state_labels=rules.STATE_LABELS,
    ), status


@bp.route("/new", methods=["GET", "POST"])
@roles_required(*OFFICE_ROLES)
def new():
    return enter_project(".detail")


@bp.route("/<code>")
@roles_required(*OFFICE_ROLES)
def detail(code: str):
    return _render(staff_project(code))


@bp.route("/<code>/edit", methods=["GET", "POST"])
@roles_required(*OFFICE_ROLES)
def edit(code: str):
    return revise(staff_project(code), ".detail")


@bp.route("/<code>/file", methods=["POST"])
@roles_required(*OFFICE_ROLES)
def file(code: str):
    p = staff_project(code)
    form = FileForm()
    if not form.validate_on_submit():
        if "csrf_token" in form.errors:
            abort(400)
        # Not ticked: the page again with the message on the box (and at the top, the box
        # being halfway down), nothing changed. The fingerprint stays the one posted, so a
        # project changed meanwhile is still refused.
        flash(_("请勾选确认"), "error")
        return _render(p, 400, file_form=form)
    try:
        services.file_project(p.code, reviewed=form.reviewed.data or "", actor=current_user)
    except DomainError as e:
        error_onto(None, e)
    else:
        flash(_("项目已备案，可以发布交易公告"), "success")
    return redirect(url_for(".detail", code=p.code))


@bp.route("/<code>/send-back", methods=["POST"])
@roles_required(*OFFICE_ROLES)
def send_back(code: str):
    p = staff_project(code)
    form = SendBackForm()
    if form.validate_on_submit():
        try:
            services.send_back(
                p.code,
                form.reasons.data or "",
                reviewed=form.reviewed.data or "",
                actor=current_user,
            )
        except DomainError as e:
            error_onto(form, e)
        else:
            flash(_("项目已退回业主"), "success")
            return redirect(url_for(".detail", code=p.code))
    return _render(p, 400, send_back_form=form)


@bp.route("/<code>/attachments", methods=["POST"])
@roles_required(*OFFICE_ROLES)
def attachments(code: str):
    return upload(staff_project(code), ".detail")


@bp.route("/<code>/attachments/<int:attachment_id>")
@roles_required(*OFFICE_ROLES)
def attachment(code: str, attachment_id: int):
    return send_attachment(staff_project(code), attachment_id)


@bp.route("/<code>/contract", methods=["POST"])
@roles_required(*OFFICE_ROLES)
def contract(code: str):
    return record_contract(staff_project(code), _render, ".detail")


@bp.route("/<code>/refusal", methods=["POST"])
@roles_required(*OFFICE_ROLES)
def refusal(code: str):
    return record_refusal(staff_project(code), _render, ".detail")
