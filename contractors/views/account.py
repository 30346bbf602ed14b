"""Contractor pages: public sign-up, and for a contractor account its own company, documents,
applications and objections. Staff and admin do not use these (they have their own pages)."""

from __future__ import annotations

from flask import (
    Blueprint,
    abort,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import gettext as _
from flask_login import current_user, login_required, login_user
from wtforms.fields.choices import SelectChoice

from app import once
from app.auth.guards import roles_required
from app.auth.roles import Role
from app.auth.services import NewUser
from app.errors import DomainError
from app.extensions import limiter
from app.forms import error_onto
from app.i18n import loc
from app.storage import send_stored
from app.urls import record_id
from contractors import queries, rules, services
from contractors.errors import PoolForbidden, PoolNotFound
from contractors.forms.account import (
    ApplyForm,
    ConfirmForm,
    DocumentForm,
    ObjectionForm,
    ProfileForm,
    RosterObjectionForm,
    SignUpForm,
    SmsPreferenceForm,
)
from contractors.views.public import published_call_or_404
from notices.sms import services as sms
from notices.subscriptions import queries as subscriptions

bp = Blueprint("contractor", __name__, url_prefix="/contractor")


def _company_input(form) -> services.ContractorInput:
    return services.ContractorInput(
        uscc=form.uscc.data or "",
        name=form.name.data or "",
        legal_representative=form.legal_representative.data or "",
        contact_person=form.contact_person.data or "",
        contact_mobile=form.contact_mobile.data or "",
        address=form.address.data or "",
        safety_licence_number=form.safety_licence_number.data or "",
        safety_licence_valid_until=form.safety_licence_valid_until.data,
        qualifications=tuple(
            services.QualificationInput(
                category=row.form.category.data or "",
                grade=row.form.grade.data or "",
                number=row.form.number.data or "",
                valid_until=row.form.valid_until.data,
            )
            for row in form.qualifications
            if not row.form.is_blank()
        ),
    )


def _own_company():
    return queries.contractor_of(current_user)


def _need_company():
    flash(_("请先登记企业信息"), "info")
    return redirect(url_for(".profile"))


# ---- sign-up ------------------------------------------------------------------------------------


def _signup_limit() -> str:
    return current_app.config["SIGNUP_RATE_LIMIT"]


def _signup_refused() -> str:
    return _("同一网络地址提交企业注册过于频繁，已暂停受理，请稍后再试；如需帮助请联系区公管办。")


# Anyone can sign up, so the number of sign-ups per client address is capped (Flask-Limiter, in
# the shared store: Redis in production); the 429 page says why in the reader's language.
@bp.route("/register", methods=["GET", "POST"])
@limiter.limit(_signup_limit, methods=["POST"], error_message=_signup_refused)
def register():
    if current_user.is_authenticated:
        if current_user.role == "contractor" and _own_company() is None:
            return redirect(url_for(".profile"))
        flash(_("您已登录，无需注册"), "info")
        return redirect(url_for("public.dashboard"))
    form = SignUpForm()
    if form.validate_on_submit():
        account = NewUser(
            username=form.username.data or "",
            display_name=form.display_name.data or "",
            role="contractor",
            password=form.password.data or "",
            organisation=(form.name.data or "").strip(),
        )
        try:
            user = services.sign_up(account, _company_input(form))
        except DomainError as e:
            error_onto(form, e)
        else:
            login_user(user)
            flash(_("注册成功，已登录。现在可以申请加入名录库。"), "success")
            return redirect(url_for(".home"))
    failed = request.method == "POST"
    return render_template("contractors/account/register.html", form=form), 400 if failed else 200


# ---- own company --------------------------------------------------------------------------------


@bp.route("/")
@roles_required(Role.CONTRACTOR)
def home():
    company = _own_company()
    applications = queries.applications_of(current_user)
    standings = queries.standings_of(company.id) if company else []
    return render_template(
        "contractors/account/home.html",
        company=company,
        publicly_listed=company is not None
        and rules.is_publicly_listed(queries.listing_facts([company.id])[company.id]),
        applications=[(a, queries.state_of(a.call)) for a in applications],
        # Where it stands on each selection, in the words its projects page uses too.
        standings=standings,
        standing_of={m.cc.id: m for m in standings},
        # A company registers once per deployment and applies to each district's call.
        open_calls=queries.open_calls(),
        districts=queries.districts_by_id(),
        document_form=DocumentForm(),
        confirm_form=ConfirmForm(),
        sms_form=SmsPreferenceForm(
            formdata=None, optional_messages=sms.wants_optional(company.id) if company else False
        ),
        subscribed=subscriptions.is_subscribed(current_user.id),
        states=rules.CallState,
        kinds=rules.DOCUMENT_KINDS,
        reasons=queries.reason_labels(shown=True),
    )


@bp.route("/sms", methods=["POST"])
@roles_required(Role.CONTRACTOR)
def sms_preferences():
    """Opt in or out of optional messages; the legally required notice SMS is not optional."""
    company = _own_company()
    form = SmsPreferenceForm()
    if company is None or not form.validate_on_submit():
        abort(400)
    sms.set_optional_messages(company.id, form.optional_messages.data, actor=current_user)
    flash(_("短信设置已保存"), "success")
    return redirect(url_for(".home", _anchor="sms"))


@bp.route("/profile", methods=["GET", "POST"])
@roles_required(Role.CONTRACTOR)
def profile():
    company = _own_company()
    form = ProfileForm(obj=company if request.method == "GET" else None)
    if request.method == "GET":
        form.fill_qualifications(company.qualifications if company else [])
    if form.validate_on_submit():
        try:
            if company is None:
                services.register_contractor(_company_input(form), actor=current_user)
            else:
                services.update_contractor(company.id, _company_input(form), actor=current_user)
        except PoolForbidden:
            abort(403)
        except DomainError as e:
            error_onto(form, e)
        else:
            flash(_("企业信息已保存") if company else _("企业已登记"), "success")
            return redirect(url_for(".home"))
    failed = request.method == "POST"
    return render_template(
        "contractors/account/profile.html", form=form, company=company
    ), 400 if failed else 200


@bp.route("/documents", methods=["POST"])
@roles_required(Role.CONTRACTOR)
def upload():
    company = _own_company()
    if company is None:
        return _need_company()
    form = DocumentForm()
    if not form.validate_on_submit():
        once.abort_for_token(form)
        for errors in form.errors.values():
            for e in errors:
                flash(e, "error")
        return redirect(url_for(".home", _anchor="documents"))
    file = form.file.data
    try:
        services.add_document(
            company.id,
            form.kind.data,
            file.filename,
            file.stream,
            actor=current_user,
            token=form.once.data,
        )
    except once.AlreadySubmitted as e:
        return once.already(e, url_for(".home", _anchor="documents"))
    except PoolForbidden:
        abort(403)
    except DomainError as e:
        flash(e.localized(), "error")
    else:
        flash(_("材料已上传"), "success")
    return redirect(url_for(".home", _anchor="documents"))


@bp.route("/documents/<int:document_id>")
@login_required
def document(document_id: int):
    """A company's uploaded document as a download: for the company, the trading office and the
    reviewers of a call it was submitted to; 404 for anyone else, as if it did not exist."""
    doc = queries.document_for(document_id, current_user)
    if doc is None:
        abort(404)
    return send_stored(doc.storage_key, doc.content_type, doc.original_name)


# ---- applications -------------------------------------------------------------------------------


def _apply_form(call, company, application=None, formdata=None) -> ApplyForm:
    form = ApplyForm(formdata=formdata) if formdata is not None else ApplyForm()
    form.categories.choices = [
        SelectChoice(cc.category.code, f"{_(cc.category.name)}（{_('入围%(n)d家', n=cc.quota)}）")
        for cc in call.categories
    ]
    form.documents.choices = [
        SelectChoice(
            d.id, f"{loc(*rules.DOCUMENT_KINDS[d.kind])}{loc('：', ': ')}{d.original_name}"
        )
        for d in company.documents
    ]
    if application is not None and request.method == "GET":
        form.categories.data = [e.call_category.category.code for e in application.entries]
        form.documents.data = list(application.document_ids or [])
    return form


def _live_application(call, company):
    return next(
        (
            a
            for a in queries.applications_of(current_user)
            if a.call_id == call.id and a.withdrawn_at is None
        ),
        None,
    )


def _render_apply(call, company, form, application, status=200):
    return render_template(
        "contractors/account/apply.html",
        call=call,
        company=company,
        form=form,
        application=application,
        is_open=queries.state_of(call) is rules.CallState.OPEN,
        confirm_form=ConfirmForm(),
    ), status


@bp.route("/calls/<int:call_id>/apply", methods=["GET", "POST"])
@roles_required(Role.CONTRACTOR)
def apply(call_id: int):
    call = published_call_or_404(call_id)
    company = _own_company()
    if company is None:
        return _need_company()
    application = _live_application(call, company)
    form = _apply_form(call, company, application)
    if form.validate_on_submit():
        try:
            services.apply(
                call.id, form.categories.data, form.documents.data or [], actor=current_user
            )
        except PoolNotFound:
            abort(404)
        except DomainError as e:
            error_onto(form, e)
        else:
            flash(_("申请已提交"), "success")
            return redirect(url_for(".home"))
    return _render_apply(call, company, form, application, 400 if request.method == "POST" else 200)


def _own_application_or_404(application_id: int):
    """The account's own application, else 404 (another company's does not exist for it)."""
    a = next((a for a in queries.applications_of(current_user) if a.id == application_id), None)
    if a is None:
        abort(404)
    return a


@bp.route("/applications/<int:application_id>/amend", methods=["POST"])
@roles_required(Role.CONTRACTOR)
def amend(application_id: int):
    a = _own_application_or_404(application_id)
    form = _apply_form(a.call, a.contractor, a)
    if form.validate_on_submit():
        try:
            services.amend_application(
                a.id, form.categories.data, form.documents.data or [], actor=current_user
            )
        except PoolNotFound:
            abort(404)
        except DomainError as e:
            error_onto(form, e)
        else:
            flash(_("申请已修改"), "success")
            return redirect(url_for(".home"))
    return _render_apply(a.call, a.contractor, form, a, 400)


@bp.route("/applications/<int:application_id>/withdraw", methods=["POST"])
@roles_required(Role.CONTRACTOR)
def withdraw(application_id: int):
    a = _own_application_or_404(application_id)
    if not ConfirmForm().validate_on_submit():
        abort(400)
    try:
        services.withdraw_application(a.id, actor=current_user)
    except PoolNotFound:
        abort(404)
    except DomainError as e:
        flash(e.localized(), "error")
        return redirect(url_for(".apply", call_id=a.call_id))
    flash(_("申请已撤回"), "success")
    return redirect(url_for(".home"))


# ---- objections ---------------------------------------------------------------------------------


def _object_from_call_page(form, target_id, file, done: str, anchor: str):
    """An objection posted from a call page (to a review decision or to a drawn roster): the
    form, its record id, one service call; back to the call page with the outcome flashed."""
    back = request.form.get("call_id", type=record_id)
    target = url_for("pool.call", call_id=back) if back else url_for(".home")
    if _own_company() is None:
        return _need_company()
    if not form.validate_on_submit():
        for errors in form.errors.values():
            for e in errors:
                flash(e, "error")
        return redirect(target)
    try:
        record = record_id(target_id.data)
    except (TypeError, ValueError):
        abort(404)
    try:
        file(record, form.text.data, actor=current_user)
    except PoolNotFound:
        abort(404)
    except DomainError as e:
        flash(e.localized(), "error")
    else:
        flash(done, "success")
    return redirect(target + anchor)


@bp.route("/objections", methods=["POST"])
@roles_required(Role.CONTRACTOR)
def objection():
    form = ObjectionForm()
    return _object_from_call_page(
        form,
        form.entry_id,
        services.file_objection,
        _("异议已提交，区公管办将在摇号前答复"),
        "#review",
    )


@bp.route("/roster-objections", methods=["POST"])
@roles_required(Role.CONTRACTOR)
def roster_objection():
    """An objection to a category's drawn roster, from the call page (roster publicity)."""
    form = RosterObjectionForm()
    return _object_from_call_page(
        form,
        form.call_category_id,
        services.file_roster_objection,
        _("异议已提交，区公管办将在收到之日起3日内答复"),
        "#roster-objections",
    )
