"""Objection pages: a company's objection form on a trading, the office's list and answer form;
supervisors read the office's pages and see no form."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from app.auth.guards import roles_required
from app.auth.roles import OFFICE_ROLES, OVERSIGHT_ROLES, Role
from app.errors import DomainError
from app.forms import error_onto
from app.i18n import citation, loc
from contractors.queries import contractor_of
from contracts import queries as trading_queries
from contracts.objections import queries, rules, services
from contracts.objections.forms import AnswerForm, ObjectionForm
from contracts.views.staff_common import require_page_scope

bp = Blueprint("objections", __name__)


@bp.record_once
def _template_globals(state) -> None:
    env = state.app.jinja_env
    env.globals["objection_answers"] = queries.answered_of_project
    env.globals["objection_open_matters"] = queries.open_matters
    env.globals["objection_matter_label"] = lambda m: loc(*rules.MATTER_LABELS[rules.Matter(m)])
    env.globals["objection_state_label"] = lambda s: loc(*rules.STATE_LABELS[s])
    env.globals["objection_basis"] = lambda m: citation(rules.BASIS[rules.Matter(m)])


def _project_or_404(code: str):
    p = trading_queries.get_public_project(code)
    if p is None or not p.tradings:
        abort(404)
    return p


def _render_new(p, t, company, form, status: int = 200):
    return render_template(
        "contracts/objections/new.html",
        project=p,
        trading=t,
        company=company,
        form=form,
        open_matters=queries.open_matters(t),
        mine=queries.mine(t.id, company.id),
    ), status


@bp.route("/projects/<code>/objections", methods=["GET", "POST"])
@roles_required(Role.CONTRACTOR)
def new(code: str):
    """The company's objections to the project's current trading, and the form to file one."""
    company = contractor_of(current_user)
    if company is None:
        flash(_("请先登记企业信息"), "info")
        return redirect(url_for("contractor.profile"))
    p = _project_or_404(code)
    t = p.tradings[-1]
    form = ObjectionForm()
    if request.method == "GET":
        matter = request.args.get("matter")
        if matter in rules.Matter._value2member_map_:
            form.matter.data = matter
        return _render_new(p, t, company, form)
    if not form.validate_on_submit():
        return _render_new(p, t, company, form, 400)
    try:
        services.file_objection(t.code, form.matter.data, form.text.data or "", actor=current_user)
    except DomainError as e:
        error_onto(form, e, summary=True)
        return _render_new(p, t, company, form, 400)
    flash(_("异议已提交。区公管办将在收到之日起3日内答复。"), "success")
    return redirect(url_for(".new", code=p.code))


@bp.route("/staff/objections/")
@roles_required(*OVERSIGHT_ROLES)
def staff_index():
    return render_template(
        "contracts/objections/staff_index.html",
        open_rows=queries.staff_rows(open_only=True, actor=current_user),
        answered=[
            r
            for r in queries.staff_rows(open_only=False, actor=current_user)
            if r.objection.answered_at
        ],
    )


def _objection_or_404(objection_id: int):
    o = queries.objection_by_id(objection_id) if 0 < objection_id < 2**31 else None
    if o is None:
        abort(404)
    require_page_scope(queries.trading_of(o).project)
    return o


def _render_detail(o, form, status: int = 200):
    t = queries.trading_of(o)
    return render_template(
        "contracts/objections/staff_detail.html",
        o=o,
        trading=t,
        project=t.project,
        company=queries.company_of(o),
        state=queries.state_of(o),
        form=form if current_user.role in OFFICE_ROLES else None,
    ), status


@bp.route("/staff/objections/<int:objection_id>")
@roles_required(*OVERSIGHT_ROLES)
def staff_detail(objection_id: int):
    return _render_detail(_objection_or_404(objection_id), AnswerForm())


@bp.route("/staff/objections/<int:objection_id>/answer", methods=["POST"])
@roles_required(*OFFICE_ROLES)
def answer(objection_id: int):
    o = _objection_or_404(objection_id)
    form = AnswerForm()
    if not form.validate_on_submit():
        return _render_detail(o, form, 400)
    try:
        services.answer_objection(
            o.id, form.upheld.data == "yes", form.answer.data or "", actor=current_user
        )
    except DomainError as e:
        error_onto(form, e, summary=True)
        return _render_detail(o, form, 400)
    flash(_("已答复异议，答复已在项目页面公开"), "success")
    return redirect(url_for(".staff_detail", objection_id=o.id))
