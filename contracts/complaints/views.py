"""Complaint pages: the company's "我的投诉" and its complaint form; the staff's list, detail page
with its step forms and paper entry; supervisors read the staff pages without any form."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from app import clock, once
from app.auth.guards import roles_required
from app.auth.roles import OFFICE_ROLES, OVERSIGHT_ROLES, Role
from app.calendar.services import current_calendar
from app.deadlines import marked
from app.errors import DomainError
from app.forms import error_onto
from app.offices.scope import covers_unplaced
from app.storage import send_stored
from contractors.queries import contractor_of
from contracts.complaints import forms, queries, rules, services
from contracts.complaints.errors import ComplaintNotFound
from contracts.queries import trading_by_code

account_bp = Blueprint("complaints_account", __name__, url_prefix="/contractor/complaints")
staff_bp = Blueprint("complaints_staff", __name__, url_prefix="/staff/complaints")


def _uploads(form) -> tuple[services.Upload, ...]:
    files = form.evidence.data or []
    return tuple(
        services.Upload(f.filename or "", f.stream) for f in files if f and (f.filename or "")
    )


def _input(form, trading_code: str, **extra) -> services.ComplaintInput:
    return services.ComplaintInput(
        trading_code=trading_code,
        matter=form.matter.data or "",
        knew_on=form.knew_on.data,
        complainant_name=form.complainant_name.data or "",
        complainant_contact=form.complainant_contact.data or "",
        respondent_name=form.respondent_name.data or "",
        respondent_contact=form.respondent_contact.data or "",
        respondent_uscc=form.respondent_uscc.data or "",
        facts=form.facts.data or "",
        requests=form.requests.data or "",
        evidence=_uploads(form),
        **extra,
    )


def _rows(complaints):
    calendar = current_calendar()
    return [queries.row_of(c, calendar) for c in complaints]


# ---- the company's pages -------------------------------------------------------------------------


@account_bp.route("/")
@roles_required(Role.CONTRACTOR)
def index():
    company = contractor_of(current_user)
    rows = _rows(queries.complaints_of(company.id)) if company else []
    return render_template(
        "contracts/complaints/account_index.html",
        company=company,
        rows=rows,
        statuses=rules.STATUS_LABELS,
    )


@account_bp.route("/new/<trading_code>", methods=["GET", "POST"])
@roles_required(Role.CONTRACTOR)
def new(trading_code: str):
    company = contractor_of(current_user)
    if company is None:
        flash(_("请先登记企业信息"), "info")
        return redirect(url_for("contractor.profile"))
    t = trading_by_code(trading_code)
    if t is None or not t.project.is_filed:
        abort(404)
    is_open = queries.filing_open(t, company.id)
    form = forms.ComplaintForm().with_choices()
    if request.method == "GET":
        form.complainant_name.data = company.name
        form.complainant_contact.data = (
            f"{company.contact_person} {company.contact_mobile} {company.address}"
        )
        form.respondent_name.data = t.project.owner_name
        form.respondent_contact.data = f"{t.project.contact_person} {t.project.contact_phone}"
    status = 200
    if request.method == "POST":
        status = 400
        if form.validate_on_submit():
            try:
                c = services.file_complaint(
                    _input(form, t.code), actor=current_user, token=form.once.data
                )
            except once.AlreadySubmitted as e:
                return once.already(e, url_for(".index"))
            except DomainError as e:
                error_onto(form, e)
            else:
                flash(_("投诉已提交，编号 %(id)s", id=c.id), "success")
                return redirect(url_for(".index"))
    return render_template(
        "contracts/complaints/account_new.html", form=form, trading=t, is_open=is_open
    ), status


# ---- the staff's and supervisors' pages ----------------------------------------------------------


@staff_bp.route("/")
@roles_required(*OVERSIGHT_ROLES)
def staff_index():
    status = request.args.get("status") or None
    if status not in {None, *rules.ComplaintStatus}:
        status = None
    rows = _rows(queries.all_complaints(status, actor=current_user))
    return render_template(
        "contracts/complaints/staff_index.html",
        rows=rows,
        status=status,
        statuses=rules.STATUS_LABELS,
        deadlines={r.complaint.id: _marked(queries.deadlines_of(r.complaint)) for r in rows},
    )


def _marked(deadlines):
    now, calendar = clock.now(), current_calendar()
    return [(d, marked(d, now, calendar)) for d in deadlines]


def _complaint_or_404(complaint_id: int):
    """A complaint of an office the account covers (404 unknown, 403 another office's)."""
    c = queries.get(complaint_id)
    if c is None:
        abort(404)
    if not covers_unplaced(current_user, c.office_id):
        abort(403)
    return c


def _forms(**given) -> dict:
    made = {
        "refuse_form": forms.RefuseForm().with_choices(),
        "pause_form": forms.PauseForm().with_choices(),
        "finding_form": forms.FindingForm(),
        "decide_form": forms.DecideForm().with_choices(),
        "withdraw_form": forms.WithdrawForm(),
        "suspend_form": forms.SuspendForm(),
        "button_form": forms.ButtonForm(),
    }
    if request.method == "POST":
        # Only the form that was posted keeps its input; the others start empty.
        made = {
            k: type(v)(formdata=None).with_choices()
            if hasattr(v, "with_choices")
            else type(v)(formdata=None)
            for k, v in made.items()
        }
    return made | given


def _render_detail(c, status: int = 200, **given):
    f = queries.facts_of(c)
    return render_template(
        "contracts/complaints/staff_detail.html",
        c=c,
        row=queries.row_of(c),
        trading=queries.trading_of(c),
        steps=rules.allowed(f) if services.handles(current_user, c) else frozenset(),
        Step=rules.Step,
        deadlines=_marked(queries.deadlines_of(c)),
        matters=rules.MATTERS,
        grounds=rules.REFUSAL_GROUNDS,
        outcomes=rules.OUTCOMES,
        pause_kinds=rules.PAUSE_KINDS,
        statuses=rules.STATUS_LABELS,
        **_forms(**given),
    ), status


@staff_bp.route("/<int:complaint_id>")
@roles_required(*OVERSIGHT_ROLES)
def detail(complaint_id: int):
    return _render_detail(_complaint_or_404(complaint_id))


@staff_bp.route("/<int:complaint_id>/evidence/<int:evidence_id>")
@roles_required(*OVERSIGHT_ROLES)
def evidence(complaint_id: int, evidence_id: int):
    c = _complaint_or_404(complaint_id)
    found = next((e for e in c.evidence if e.id == evidence_id), None)
    if found is None:
        abort(404)
    return send_stored(found.storage_key, found.content_type, found.original_name)


def _step(complaint_id: int, form_name: str, form, call, done: str):
    """POST of one step: the form validated, one service call, the page again on refusal."""
    c = _complaint_or_404(complaint_id)
    if form.validate_on_submit():
        try:
            call(form)
        except DomainError as e:
            error_onto(form, e, summary=True)
        else:
            flash(done, "success")
            return redirect(url_for(".detail", complaint_id=complaint_id))
    return _render_detail(_complaint_or_404(c.id), 400, **{form_name: form})


@staff_bp.route("/<int:complaint_id>/accept", methods=["POST"])
@roles_required(*OFFICE_ROLES)
def accept(complaint_id: int):
    return _step(
        complaint_id,
        "button_form",
        forms.ButtonForm(),
        lambda f: services.accept(complaint_id, actor=current_user),
        _("投诉已受理"),
    )


@staff_bp.route("/<int:complaint_id>/refuse", methods=["POST"])
@roles_required(*OFFICE_ROLES)
def refuse(complaint_id: int):
    return _step(
        complaint_id,
        "refuse_form",
        forms.RefuseForm().with_choices(),
        lambda f: services.refuse(
            complaint_id, f.ground.data or "", f.reason.data or "", actor=current_user
        ),
        _("已决定不予受理，并已公开"),
    )


@staff_bp.route("/<int:complaint_id>/pause", methods=["POST"])
@roles_required(*OFFICE_ROLES)
def pause(complaint_id: int):
    return _step(
        complaint_id,
        "pause_form",
        forms.PauseForm().with_choices(),
        lambda f: services.pause(
            complaint_id, f.kind.data or "", f.reason.data or "", actor=current_user
        ),
        _("处理期限已暂停计时"),
    )


@staff_bp.route("/<int:complaint_id>/resume", methods=["POST"])
@roles_required(*OFFICE_ROLES)
def end_pause(complaint_id: int):
    return _step(
        complaint_id,
        "button_form",
        forms.ButtonForm(),
        lambda f: services.end_pause(complaint_id, actor=current_user),
        _("处理期限已恢复计时"),
    )


@staff_bp.route("/<int:complaint_id>/finding", methods=["POST"])
@roles_required(*OFFICE_ROLES)
def finding(complaint_id: int):
    return _step(
        complaint_id,
        "finding_form",
        forms.FindingForm(),
        lambda f: services.record_finding(complaint_id, f.finding.data or "", actor=current_user),
        _("违法事实认定已记录"),
    )


@staff_bp.route("/<int:complaint_id>/decide", methods=["POST"])
@roles_required(*OFFICE_ROLES)
def decide(complaint_id: int):
    return _step(
        complaint_id,
        "decide_form",
        forms.DecideForm().with_choices(),
        lambda f: services.decide(
            complaint_id,
            services.DecisionInput(
                f.outcome.data or "",
                f.facts.data or "",
                f.basis.data or "",
                f.text.data or "",
                resume_trading=bool(f.resume_trading.data),
                open_case=bool(f.open_case.data),
                false_complaint=bool(f.false_complaint.data),
                new_responses_close_at=_aware(f.new_responses_close_at.data),
                new_meeting_at=_aware(f.new_meeting_at.data),
            ),
            actor=current_user,
        ),
        _("处理决定已作出，并已公开"),
    )


@staff_bp.route("/<int:complaint_id>/suspend", methods=["POST"])
@roles_required(*OFFICE_ROLES)
def suspend(complaint_id: int):
    return _step(
        complaint_id,
        "suspend_form",
        forms.SuspendForm(),
        lambda f: services.suspend_trading(complaint_id, f.reason.data or "", actor=current_user),
        _("交易已暂停，并已发布公告"),
    )


def _aware(moment):
    """A local time typed in a form, as an aware moment (Asia/Shanghai)."""
    return moment.replace(tzinfo=clock.TZ) if moment is not None else None


@staff_bp.route("/<int:complaint_id>/withdraw", methods=["POST"])
@roles_required(*OFFICE_ROLES)
def withdraw(complaint_id: int):
    return _step(
        complaint_id,
        "withdraw_form",
        forms.WithdrawForm(),
        lambda f: services.withdraw(complaint_id, f.reason.data or "", actor=current_user),
        _("投诉人撤回投诉已记录"),
    )


@staff_bp.route("/new", methods=["GET", "POST"])
@roles_required(*OFFICE_ROLES)
def paper():
    form = forms.PaperComplaintForm().with_choices()
    status = 200
    if request.method == "POST":
        status = 400
        if form.validate_on_submit():
            try:
                c = services.file_complaint(
                    _input(
                        form,
                        form.trading_code.data or "",
                        complainant_uscc=form.complainant_uscc.data or "",
                    ),
                    actor=current_user,
                    token=form.once.data,
                )
            except once.AlreadySubmitted as e:
                return once.already(e, url_for(".detail", complaint_id=e.ref))
            except ComplaintNotFound as e:  # a mistyped code: the field, not a 404
                form.trading_code.errors = [*form.trading_code.errors, e.localized()]
            except DomainError as e:
                error_onto(form, e)
            else:
                flash(_("书面投诉已录入，编号 %(id)s", id=c.id), "success")
                return redirect(url_for(".detail", complaint_id=c.id))
    return render_template("contracts/complaints/staff_new.html", form=form), status
