"""Pages of cases and sanctions: the public list, archive and record page with its change table;
staff's cases with their deadlines and forms (supervisors read them, without forms); a company's
own cases and sanctions on its account (statement, correction request)."""

from __future__ import annotations

from datetime import timedelta

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from app import clock
from app.auth.guards import roles_required
from app.auth.roles import OFFICE_ROLES, OVERSIGHT_ROLES, Role
from app.calendar.services import current_calendar
from app.deadlines import marked, order
from app.errors import DomainError
from app.forms import error_onto
from app.i18n import loc
from app.offices import scope
from contractors import queries as pool
from contractors.views.district import district_pages_only

from . import queries, rules, services
from .forms import (
    AnswerForm,
    ButtonForm,
    CaseForm,
    ChangeForm,
    CorrectionForm,
    DecisionForm,
    StatementForm,
)

public_bp = Blueprint("sanctions", __name__, url_prefix="/sanctions")
staff_bp = Blueprint("sanctions_staff", __name__, url_prefix="/staff/sanctions")
account_bp = Blueprint("sanctions_account", __name__, url_prefix="/contractor/sanctions")
# Cases and sanctions are the district's: a street/town platform's account gets 403 here.
staff_bp.before_request(district_pages_only)


def _labels() -> dict:
    return {
        "source_label": lambda s: loc(*rules.SOURCE_LABELS[rules.CaseSource(s)]),
        "outcome_label": lambda o: loc(*rules.OUTCOME_LABELS[rules.Outcome(o)]),
        "case_state_label": lambda s: loc(*rules.CASE_STATE_LABELS[s]),
        "sanction_state": queries.sanction_state,
        "SanctionState": rules.SanctionState,
        "CaseState": rules.CaseState,
        "last_day": lambda d: d.fromordinal(d.toordinal() - 1) if d else None,
    }


def _render(template: str, status: int = 200, **ctx):
    return render_template(template, **_labels(), **ctx), status


# ---- public -------------------------------------------------------------------------------------


def _district_arg():
    """`?office=<code>`: the district whose sanctions are listed (a platform's code names its
    district); None for all; 404 for an unknown code."""
    code = (request.args.get("office") or "").strip() or None
    if code is None:
        return None
    district = pool.pool_district(code)
    if district is None:
        abort(404)
    return district


def _public_list(archived: bool):
    district = _district_arg()
    return _render(
        "contractors/sanctions/list.html",
        items=queries.published(archived=archived, district_id=district.id if district else None),
        archived=archived,
        district=district,
        districts=pool.districts_by_id(),
    )


@public_bp.route("/")
def index():
    return _public_list(archived=False)


@public_bp.route("/archive")
def archive():
    return _public_list(archived=True)


@public_bp.route("/<int:sanction_id>")
def detail(sanction_id: int):
    s = queries.public_sanction(sanction_id)
    if s is None:
        abort(404)
    return _render(
        "contractors/sanctions/detail.html",
        s=s,
        changes=queries.changes_of(s.id),
    )


# ---- staff and supervisors ------------------------------------------------------------------------


def _office() -> bool:
    return current_user.role in OFFICE_ROLES


@staff_bp.route("/")
@roles_required(*OVERSIGHT_ROLES)
def cases():
    cal, now = current_calendar(), clock.now()
    deadlines = [
        (d, marked(d, now, cal))
        for d in queries.deadlines(scope.scope_ids(current_user))
        if d.done_at is None
    ]
    return _render(
        "contractors/sanctions/cases.html",
        cases=[(c, queries.state_of(c)) for c in queries.cases(current_user)],
        deadlines=sorted(deadlines, key=lambda x: order(x[0])),
        form=CaseForm(formdata=None) if _office() else None,
    )


@staff_bp.route("/new", methods=["POST"])
@roles_required(*OFFICE_ROLES)
def new_case():
    form = CaseForm()
    if form.validate_on_submit():
        company = pool.contractor_by_uscc((form.uscc.data or "").strip().upper())
        if company is None:
            form.uscc.errors = [*form.uscc.errors, _("该统一社会信用代码未在平台登记")]
        else:
            try:
                case = services.open_case(
                    company.id,
                    form.source.data,
                    form.facts.data,
                    ref=(form.ref.data or "").strip() or None,
                    statement_days=form.days.data,
                    actor=current_user,
                )
            except DomainError as e:
                error_onto(form, e)
            else:
                flash(_("案件已立案，已短信告知企业"), "success")
                return redirect(url_for(".case", case_id=case.id))
    return _render(
        "contractors/sanctions/cases.html",
        400,
        cases=[(c, queries.state_of(c)) for c in queries.cases(current_user)],
        deadlines=[],
        form=form,
    )


def _case_page(case_id: int, status: int = 200, **forms):
    c = queries.get_case(case_id)
    if c is None:
        abort(404)
    if not scope.covers(current_user, c.office_id):
        abort(403)
    state = queries.state_of(c)
    s = c.sanction
    office = _office()
    ctx = {
        "c": c,
        "state": state,
        "s": s,
        "changes": queries.changes_of(s.id) if s else [],
        "corrections": queries.corrections_of(s.id) if s else [],
        "publish_due": queries.publish_due(s) if s else None,
    }
    if office:
        ctx.update(
            statement_form=forms.get("statement") or StatementForm(formdata=None),
            # The deciding body is, by default, the case's district office.
            decision_form=forms.get("decision")
            or DecisionForm(
                formdata=None,
                deciding_body=scope.get_office(c.office_id).name if c.office_id else None,
            ),
            change_form=forms.get("change") or ChangeForm(formdata=None),
            answer_forms={
                r.id: (forms.get(f"answer{r.id}") or AnswerForm(formdata=None, prefix=f"a{r.id}"))
                for r in ctx["corrections"]
                if r.answered_at is None
            },
            publish_form=ButtonForm(formdata=None),
            paper_form=CorrectionForm(formdata=None),
        )
    return _render("contractors/sanctions/case.html", status, office=office, **ctx)


@staff_bp.route("/cases/<int:case_id>")
@roles_required(*OVERSIGHT_ROLES)
def case(case_id: int):
    return _case_page(case_id)


def _done(case_id: int, message: str):
    flash(message, "success")
    return redirect(url_for(".case", case_id=case_id))


@staff_bp.route("/cases/<int:case_id>/statement", methods=["POST"])
@roles_required(*OFFICE_ROLES)
def statement(case_id: int):
    form = StatementForm()
    if form.validate_on_submit():
        try:
            services.state_case(case_id, form.statement.data, actor=current_user)
        except DomainError as e:
            error_onto(form, e)
        else:
            return _done(case_id, _("陈述申辩已记录"))
    return _case_page(case_id, 400, statement=form)


@staff_bp.route("/cases/<int:case_id>/decision", methods=["POST"])
@roles_required(*OFFICE_ROLES)
def decide(case_id: int):
    form = DecisionForm()
    if form.validate_on_submit():
        try:
            services.decide(
                case_id,
                services.DecisionInput(
                    outcome=form.outcome.data,
                    act=form.act.data,
                    basis=form.basis.data,
                    deciding_body=form.deciding_body.data,
                    starts_on=form.starts_on.data,
                    months=form.months.data,
                ),
                actor=current_user,
            )
        except DomainError as e:
            error_onto(form, e)
        else:
            return _done(case_id, _("处理决定已记录"))
    return _case_page(case_id, 400, decision=form)


def _sanction_case(sanction_id: int) -> int:
    s = queries.get_sanction(sanction_id)
    if s is None:
        abort(404)
    if not scope.covers(current_user, s.office_id):
        abort(403)
    return s.case_id


@staff_bp.route("/<int:sanction_id>/publish", methods=["POST"])
@roles_required(*OFFICE_ROLES)
def publish(sanction_id: int):
    case_id = _sanction_case(sanction_id)
    if ButtonForm().validate_on_submit():
        try:
            services.publish(sanction_id, actor=current_user)
        except DomainError as e:
            error_onto(None, e)
        else:
            return _done(case_id, _("不良行为处理公告已发布"))
    return redirect(url_for(".case", case_id=case_id))


def _change_input(form) -> services.ChangeInput:
    return services.ChangeInput(
        reason=form.reason.data or "",
        approver=form.approver.data or "",
        basis=form.basis.data or None,
        decision=form.decision.data or None,
        # The form asks for the last day; the record keeps `until` exclusive.
        until=form.until.data + timedelta(days=1) if form.until.data else None,
    )


@staff_bp.route("/<int:sanction_id>/change", methods=["POST"])
@roles_required(*OFFICE_ROLES)
def change(sanction_id: int):
    case_id = _sanction_case(sanction_id)
    form = ChangeForm()
    if form.validate_on_submit():
        try:
            services.change(sanction_id, _change_input(form), actor=current_user)
        except DomainError as e:
            error_onto(form, e)
        else:
            return _done(case_id, _("变更已记录并发布更正公告"))
    return _case_page(case_id, 400, change=form)


@staff_bp.route("/corrections/<int:correction_id>/answer", methods=["POST"])
@roles_required(*OFFICE_ROLES)
def answer(correction_id: int):
    corr = queries.get_correction(correction_id)
    if corr is None:
        abort(404)
    if not scope.covers(current_user, corr.sanction.office_id):
        abort(403)
    case_id = corr.sanction.case_id
    form = AnswerForm(prefix=f"a{correction_id}")
    if form.validate_on_submit():
        upheld = form.upheld.data == "yes"
        try:
            services.answer_correction(
                correction_id,
                upheld,
                form.answer.data,
                _change_input(form) if upheld else None,
                actor=current_user,
            )
        except DomainError as e:
            error_onto(form, e)
        else:
            return _done(case_id, _("更正申请已答复"))
    return _case_page(case_id, 400, **{f"answer{correction_id}": form})


@staff_bp.route("/<int:sanction_id>/corrections", methods=["POST"])
@roles_required(*OFFICE_ROLES)
def paper_correction(sanction_id: int):
    """A correction request received on paper, entered by staff."""
    case_id = _sanction_case(sanction_id)
    form = CorrectionForm()
    if form.validate_on_submit():
        try:
            services.ask_correction(sanction_id, form.request.data, actor=current_user)
        except DomainError as e:
            error_onto(None, e)
        else:
            return _done(case_id, _("更正申请已登记"))
    return redirect(url_for(".case", case_id=case_id))


# ---- a company's own account ------------------------------------------------------------------------


def _own():
    company = pool.contractor_of(current_user)
    if company is None:
        abort(404)
    return company


def _account_page(status: int = 200, forms=None):
    forms = forms or {}
    company = _own()
    cases_ = queries.cases_of(company.id)
    return _render(
        "contractors/sanctions/account.html",
        status,
        company=company,
        cases=[
            (
                c,
                queries.state_of(c),
                forms.get(f"s{c.id}") or StatementForm(formdata=None, prefix=f"s{c.id}"),
            )
            for c in cases_
        ],
        sanctions=[
            (
                s,
                queries.sanction_state(s),
                forms.get(f"r{s.id}") or CorrectionForm(formdata=None, prefix=f"r{s.id}"),
                queries.corrections_of(s.id),
            )
            for s in queries.published(uscc=company.uscc)
        ],
    )


@account_bp.route("/")
@roles_required(Role.CONTRACTOR)
def home():
    return _account_page()


@account_bp.route("/cases/<int:case_id>/statement", methods=["POST"])
@roles_required(Role.CONTRACTOR)
def own_statement(case_id: int):
    form = StatementForm(prefix=f"s{case_id}")
    if form.validate_on_submit():
        try:
            services.state_case(case_id, form.statement.data, actor=current_user)
        except DomainError as e:
            error_onto(form, e)
        else:
            flash(_("陈述申辩已提交"), "success")
            return redirect(url_for(".home"))
    return _account_page(400, {f"s{case_id}": form})


@account_bp.route("/<int:sanction_id>/correction", methods=["POST"])
@roles_required(Role.CONTRACTOR)
def own_correction(sanction_id: int):
    form = CorrectionForm(prefix=f"r{sanction_id}")
    if form.validate_on_submit():
        try:
            services.ask_correction(sanction_id, form.request.data, actor=current_user)
        except DomainError as e:
            error_onto(form, e)
        else:
            flash(_("更正申请已提交"), "success")
            return redirect(url_for(".home"))
    return _account_page(400, {f"r{sanction_id}": form})
