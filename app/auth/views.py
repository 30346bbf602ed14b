"""Login, logout and password-change pages, and the administrator's accounts page."""

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
from flask_login import current_user, login_required, login_user, logout_user

from app import i18n
from app.auth import services
from app.auth.errors import AccountError, LoginRefused, LoginThrottled
from app.auth.forms import LoginForm, NewAccountForm, NewOfficeForm, PasswordForm
from app.auth.guards import roles_required
from app.auth.models import ROLE_LABELS
from app.auth.roles import ADMIN_CREATED_ROLES, Role
from app.extensions import limiter
from app.forms import error_onto
from app.offices import queries as office_queries
from app.offices.errors import OfficeError
from app.offices.rules import KIND_LABELS, OfficeKind
from app.offices.services import NewOffice
from app.urls import safe_next

bp = Blueprint("auth", __name__)


def _login_limit() -> str:
    return current_app.config["LOGIN_RATE_LIMIT"]


@bp.route("/login", methods=["GET", "POST"])
@limiter.limit(_login_limit, methods=["POST"])
def login():
    if current_user.is_authenticated:
        return redirect(url_for("public.dashboard"))
    form = LoginForm()
    status = 200
    if form.validate_on_submit():
        try:
            user = services.authenticate(
                form.username.data, form.password.data, request.remote_addr
            )
        except LoginThrottled as e:
            form.password.errors.append(e.localized())
            page = render_template("auth/login.html", form=form, **_throttle_facts())
            return page, 429, {"Retry-After": str(e.wait_seconds)}
        except LoginRefused as e:
            form.password.errors.append(e.localized())
        else:
            login_user(user, remember=form.remember.data)
            if user.must_change_password:  # signed in with a one-time password (guards.py)
                flash(_("请先设置您自己的新密码"), "info")
                return redirect(url_for(".change_password"))
            flash(_("已登录：%(name)s", name=user.display_name), "success")
            return redirect(safe_next(request.args.get("next")) or url_for("public.dashboard"))
    if form.errors:
        status = 400
    return render_template("auth/login.html", form=form, **_throttle_facts()), status


def _throttle_facts() -> dict:
    policy = services.throttle_policy()
    return {
        "free_failures": policy.free_failures,
        "cap_minutes": int(policy.cap.total_seconds() // 60),
    }


@bp.route("/logout", methods=["POST"])
@login_required
def logout():
    # Ends every session of the account, this one and any other device's (DESIGN.md: sessions
    # revocable); a stolen cookie stops working at the owner's logout.
    services.end_sessions(current_user.id, actor=current_user)
    logout_user()
    flash(_("已退出登录"), "success")
    return redirect(url_for("public.home"))


@bp.route("/account/password", methods=["GET", "POST"])
@login_required
def change_password():
    form = PasswordForm()
    if form.validate_on_submit():
        try:
            user = services.change_password(
                current_user.id, form.current_password.data, form.new_password.data
            )
        except AccountError as e:
            field = form.new_password if e.field == "password" else form.current_password
            field.errors.append(e.localized())
        else:
            # Every session ended with the change; this one goes on under the new version (and
            # keeps "remember me" if it had it).
            remembered = current_app.config.get("REMEMBER_COOKIE_NAME", "remember_token")
            login_user(user, remember=remembered in request.cookies)
            flash(_("密码已修改，其他设备上的登录已失效"), "success")
            return redirect(url_for("public.dashboard"))
    status = 400 if form.errors else 200
    return render_template("auth/password.html", form=form), status


def office_choices() -> list[tuple[str, str]]:
    """The offices the administrator administers; no office only for the deployment's."""
    offices = [
        (str(o.id), o.name if o.is_district else f"\u3000{o.name}")
        for o in office_queries.in_scope(current_user)
    ]
    if current_user.office_id is None:
        offices.append(("", _("（不属于任何机构：部署管理员）")))
    return offices


@bp.route("/admin/accounts", methods=["GET", "POST"])
@roles_required(Role.ADMIN)
def accounts():
    """Open an account for the office, a department reviewer, an owner or a supervisor
    (纪检监察 / 审计) in an office the administrator administers; `flask users create` does the
    same from the command line."""
    form = NewAccountForm()
    form.role.choices = [(r.value, _(ROLE_LABELS[r])) for r in ADMIN_CREATED_ROLES]
    form.office.choices = office_choices()
    if request.method == "GET":
        form.office.data = current_user.office_id
    if form.validate_on_submit():
        data = services.NewUser(
            form.username.data,
            form.display_name.data,
            form.role.data,
            form.password.data,
            form.organisation.data or "",
            # Not chosen: the administrator's own office (an office admin's select has no
            # "none"; only the deployment's administrator opens accounts of no office).
            form.office.data if form.office.data is not None else current_user.office_id,
        )
        try:
            user = services.create_user(data, actor=current_user)
        except AccountError as e:
            error_onto(form, e)
        else:
            flash(
                _("已开设账户：%(name)s（%(role)s）", name=user.username, role=_(user.role_label)),
                "success",
            )
            return redirect(url_for(".accounts"))
    status = 400 if form.errors else 200
    page = render_template(
        "auth/accounts.html",
        form=form,
        accounts=services.all_accounts(current_user),
        offices={o.id: o for o in office_queries.all_offices()},
        manages_offices=services.manages_offices(current_user),
    )
    return page, status


@bp.route("/admin/offices", methods=["GET", "POST"])
@roles_required(Role.ADMIN)
def offices():
    """The offices, and a form to add one (services.add_office): the deployment's administrator
    adds a district office or a street/town platform under one, a district's administrator a
    platform of its district."""
    if not services.manages_offices(current_user):
        abort(403)
    form = NewOfficeForm()
    mine = [o for o in office_queries.in_scope(current_user) if o.is_district]
    if current_user.office_id is None:
        form.kind.choices = [(k.value, _(KIND_LABELS[k])) for k in OfficeKind]
        form.parent.choices = [("", _("（无：新设区公管办）"))]
    else:
        form.kind.choices = [(OfficeKind.STREET.value, _(KIND_LABELS[OfficeKind.STREET]))]
        form.parent.choices = []
    form.parent.choices += [(str(d.id), i18n.named(d)) for d in mine]
    if form.validate_on_submit():
        data = NewOffice(
            code=form.code.data or "",
            name=form.name.data or "",
            name_en=form.name_en.data or "",
            kind=form.kind.data,
            parent_id=form.parent.data,
        )
        try:
            office = services.add_office(data, actor=current_user)
        except (AccountError, OfficeError) as e:
            error_onto(form, e)
        else:
            flash(_("已新设机构：%(name)s", name=office.name), "success")
            return redirect(url_for(".offices"))
    status = 400 if form.errors else 200
    page = render_template(
        "auth/offices.html",
        form=form,
        offices=office_queries.in_scope(current_user),
        kind_labels=KIND_LABELS,
    )
    return page, status
