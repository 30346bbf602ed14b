"""Performance evaluation pages: the published form (public), the owner's and staff's evaluation
page, the evidence download; the public project page and company record read the queries."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from app.auth.guards import roles_required
from app.auth.roles import OFFICE_ROLES, OVERSIGHT_ROLES, Role
from app.errors import DomainError
from app.forms import error_onto
from app.i18n import label
from app.storage import send_stored
from contractors.queries import contractor_by_uscc
from contracts import queries as trading_queries
from contracts.evaluations import queries, rules, services
from contracts.evaluations.forms import EvaluationForm
from contracts.views.staff_common import require_page_scope

bp = Blueprint("evaluations", __name__)


@bp.route("/evaluations/criteria")
def criteria():
    """履约评价标准: the published form, what each part covers and what follows a 不合格."""
    return render_template("contracts/evaluations/criteria.html", aspects=list(rules.Aspect))


def _project_or_404(code: str, *, own: bool):
    p = trading_queries.get_project(code)
    if p is None or (own and p.owner_user_id != current_user.id):
        abort(404)  # another owner's project does not exist for this account
    return p if own else require_page_scope(p)


def _page(p, *, form, staff: bool, status: int = 200):
    state, contract, ev = queries.state_of(p)
    company = trading_queries.award_holder(trading_queries.latest_trading(p))
    holder = contractor_by_uscc(company[0]) if company else None
    return render_template(
        "contracts/evaluations/evaluate.html",
        project=p,
        state=state,
        States=rules.EvaluationState,
        contract=contract,
        evaluation=ev,
        company=company,
        company_name=holder.name if holder else "",
        form=form if state == rules.EvaluationState.DUE else None,
        aspects=list(rules.Aspect),
        staff=staff,
        action=url_for(".staff_evaluate" if staff else ".owner_evaluate", code=p.code),
        back=url_for("projects_staff.detail" if staff else "projects_owner.detail", code=p.code),
    ), status


def _post(p, *, staff: bool):
    form = EvaluationForm()
    if not form.validate_on_submit():
        return _page(p, form=form, staff=staff, status=400)
    files = [
        (f.stream, f.filename)
        for f in (form.evidence.data or [])
        if f is not None and getattr(f, "filename", "")
    ]
    try:
        services.evaluate(
            p.code,
            services.EvaluationInput(
                completed_on=form.completed_on.data,
                parts={a.value: form[a.value].data for a in rules.Aspect},
                reasons={a.value: form[f"{a.value}_reason"].data or "" for a in rules.Aspect},
                evidence=files,
            ),
            actor=current_user,
        )
    except DomainError as e:
        error_onto(form, e, summary=True)
        return _page(p, form=form, staff=staff, status=400)
    flash(_("履约评价已记录并公开"), "success")
    return redirect(url_for(".staff_evaluate" if staff else ".owner_evaluate", code=p.code))


@bp.route("/owner/projects/<code>/evaluation", methods=["GET", "POST"])
@roles_required(Role.OWNER)
def owner_evaluate(code: str):
    """The owner's evaluation of its project's contract unit."""
    p = _project_or_404(code, own=True)
    if request.method == "POST":
        return _post(p, staff=False)
    return _page(p, form=EvaluationForm(formdata=None), staff=False)


@bp.route("/staff/projects/<code>/evaluation")
@roles_required(*OVERSIGHT_ROLES)
def staff_evaluate(code: str):
    """The evaluation of a project, read by the office and supervisors; staff may enter it on
    the owner's behalf (the form is not shown to supervisors)."""
    p = _project_or_404(code, own=False)
    form = EvaluationForm(formdata=None) if current_user.role in OFFICE_ROLES else None
    return _page(p, form=form, staff=True)


@bp.route("/staff/projects/<code>/evaluation", methods=["POST"])
@roles_required(*OFFICE_ROLES)
def staff_evaluate_post(code: str):
    return _post(_project_or_404(code, own=False), staff=True)


@bp.route("/staff/projects/<code>/evaluation/evidence/<int:evidence_id>")
@roles_required(*OVERSIGHT_ROLES)
def evidence(code: str, evidence_id: int):
    """An evidence file of the evaluation, as a download (office and supervisors)."""
    _project_or_404(code, own=False)
    found = queries.evidence_of(code, evidence_id)
    if found is None:
        abort(404)
    return send_stored(found.storage_key, found.content_type, found.original_name)


@bp.app_template_global("project_evaluation")
def project_evaluation(project):
    """The public project page's evaluation (None before one exists)."""
    return queries.state_of(project)[2]


@bp.app_template_global("verdict_label")
def verdict_label(value: str) -> str:
    return label(rules.Verdict(value).label)


@bp.app_template_global("aspect_label")
def aspect_label(aspect) -> str:
    return label(rules.Aspect(aspect).label)


def record_section(contractor) -> tuple[str, dict]:
    """The evaluations on the public record of a company (the contractors' record page)."""
    return (
        "contracts/evaluations/_record.html",
        {"evaluations": queries.public_evaluations_of(contractor.id)},
    )


@bp.app_template_global("aspect_covers")
def aspect_covers(aspect) -> str:
    return label(rules.Aspect(aspect).covers)


@bp.app_template_global("evaluation_aspects")
def evaluation_aspects() -> list[rules.Aspect]:
    return list(rules.Aspect)


@bp.app_template_global("evaluation_part_label")
def evaluation_part_label(pair: tuple[str, str]) -> str:
    return label(pair)
