"""Contractor pages: the open tradings of its categories, the response commitment and its copy."""

from __future__ import annotations

import io

from flask import (
    Blueprint,
    abort,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    send_file,
    url_for,
)
from flask_babel import gettext as _
from flask_login import current_user

from app import clock
from app.auth.guards import roles_required
from app.auth.roles import Role
from app.errors import DomainError, Forbidden, NotFound
from app.pdf import cjk_fonts
from app.urls import record_id
from contractors import queries as pool_queries
from contractors.queries import contractor_of
from contracts import documents, queries, rules, services
from contracts.forms.responses import RespondForm, WithdrawForm
from contracts.services import office_name

bp = Blueprint("projects_account", __name__, url_prefix="/contractor/projects")


def _need_company():
    flash(_("请先登记企业信息"), "info")
    return redirect(url_for("contractor.profile"))


def _project_or_404(code: str):
    p = queries.get_public_project(code)
    if p is None:
        abort(404)
    return p


@bp.route("/")
@roles_required(Role.CONTRACTOR)
def index():
    company = contractor_of(current_user)
    if company is None:
        return render_template("contracts/account/index.html", company=None)
    categories = queries.member_categories(company.id)
    responses = queries.responses_of(company.id)
    live = {r.trading_id: r for r in responses if r.withdrawn_at is None}
    now = clock.now()
    return render_template(
        "contracts/account/index.html",
        company=company,
        categories=categories,
        # Where it stands on each selection, in the words its account page uses too.
        standings=pool_queries.standings_of(company.id),
        districts=pool_queries.districts_by_id(),
        open_tradings=queries.open_tradings_of(company.id),
        live=live,
        responses=responses,
        refused=queries.refused_tradings(company.id),
        # The tradings whose responses are still open, by the rule (a response there may be
        # withdrawn): the page does not compare the deadline itself.
        open_ids={
            r.trading_id
            for r in responses
            if rules.responses_open(r.trading.responses_close_at, now)
        },
    )


def _blocker(p, t, company) -> str | None:
    """Why the company cannot respond now ("not_announced", "suspended", "closed",
    "not_member"), or None.
    Membership is THE rule in the project's district's pool (`contractors.queries.active_members`,
    via `is_member_for`)."""
    if t is None:
        return "not_announced"
    state = queries.state_of(p)
    if state is rules.ProjectState.SUSPENDED:
        return "suspended"
    if not rules.may(state, rules.TradingAction.RESPOND):
        return "closed"
    if not queries.is_member_for(p, company.id):
        return "not_member"
    return None


def _render_respond(p, company, form, *, error: str | None = None, status: int = 200):
    t = queries.latest_trading(p)
    response = queries.response_of(t, company.id) if t is not None else None
    blocker = _blocker(p, t, company)
    return render_template(
        "contracts/account/respond.html",
        project=p,
        trading=t,
        company=company,
        category_name=queries.category_names().get(p.category_code, p.category_code),
        form=form,
        withdraw_form=WithdrawForm(),
        response=response,
        blocker=blocker,
        error=error,
        text=services.commitment_text(p.code) if t is not None else "",
    ), status


@bp.route("/<code>/respond", methods=["GET", "POST"])
@roles_required(Role.CONTRACTOR)
def respond(code: str):
    company = contractor_of(current_user)
    if company is None:
        return _need_company()
    p = _project_or_404(code)
    form = RespondForm()
    if request.method == "GET" and queries.latest_trading(p) is not None:
        form.commitment.data = services.commitment_text(p.code)
    if not form.validate_on_submit():
        return _render_respond(p, company, form, status=400 if request.method == "POST" else 200)
    try:
        services.respond(p.code, form.commitment.data or "", actor=current_user)
    except NotFound:
        abort(404)
    except DomainError as e:
        # Refused (not a member, after the deadline, already responded…): nothing was stored;
        # the page says why, with the service's own words.
        status = 403 if isinstance(e, Forbidden) else 400
        return _render_respond(p, company, form, error=e.localized(), status=status)
    flash(_("已确认交易响应承诺。响应截止前可以撤回。"), "success")
    return redirect(url_for(".respond", code=p.code))


@bp.route("/<code>/withdraw", methods=["POST"])
@roles_required(Role.CONTRACTOR)
def withdraw(code: str):
    if contractor_of(current_user) is None:
        return _need_company()
    p = _project_or_404(code)
    if not WithdrawForm().validate_on_submit():
        abort(400)
    try:
        services.withdraw_response(p.code, actor=current_user)
    except NotFound:
        abort(404)
    except DomainError as e:
        flash(e.localized(), "error")
    else:
        flash(_("响应已撤回。响应截止前可以重新确认。"), "success")
    return redirect(url_for(".respond", code=p.code))


@bp.route("/<code>/commitment.pdf")
@roles_required(Role.CONTRACTOR)
def commitment_pdf(code: str):
    """The company's own copy of its commitment (the latest round it responded to, or the round
    asked for); another company's, or none, is 404."""
    company = contractor_of(current_user)
    p = queries.get_public_project(code)
    if company is None or p is None:
        abort(404)
    wanted = request.args.get("round", type=record_id)
    if wanted is None:
        r = queries.own_response(p, company.id)
    else:
        t = next((t for t in p.tradings if t.round == wanted), None)
        r = queries.response_of(t, company.id) if t is not None else None
    if r is None:
        abort(404)
    t = r.trading
    copy = documents.CommitmentCopy(
        reference=f"RC-{t.code.removeprefix('PRJ-')}-{r.id:03d}",
        project_code=t.code,
        project_name=p.name,
        owner=p.owner_name,
        contractor_name=company.name,
        contractor_uscc=company.uscc,
        text=r.commitment_text,
        confirmed_at=r.confirmed_at,
        response_deadline=t.responses_close_at,
        issuer=office_name(p),
        generated_at=clock.now(),
        withdrawn_at=r.withdrawn_at,
    )
    pdf = documents.commitment_pdf(copy, fonts=cjk_fonts(current_app.config))
    return send_file(
        io.BytesIO(pdf),
        mimetype="application/pdf",
        download_name=f"{t.code}-交易响应承诺.pdf",
        max_age=0,
    )
