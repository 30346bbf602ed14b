"""The administrator's page of one account: its facts and history, and the buttons that disable,
enable, reset its password and change its role or office (app.auth.accounts decides who may)."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user

from app.auth import accounts
from app.auth.errors import AccountError
from app.auth.forms import AccountChangeForm, ButtonForm
from app.auth.guards import roles_required
from app.auth.models import ROLE_LABELS
from app.auth.roles import ADMIN_CREATED_ROLES, Role
from app.auth.views import office_choices
from app.errors import DomainError
from app.forms import abort_for_role_or_record, error_onto
from app.history import rules as history_rules
from app.i18n import english, named
from app.offices.scope import find_office

bp = Blueprint("accounts", __name__, url_prefix="/admin/accounts")


def action_label(action: str) -> str:
    """An entry of the account's history, named from the one label table (app.history.rules)."""
    return history_rules.action_label(action, english())


def role_name(role: str) -> str:
    """A role's label, for the history's before and after (the code if no longer known)."""
    label = ROLE_LABELS.get(role)
    return _(label) if label else role


def account_office_name(office_id: int | None) -> str:
    office = find_office(office_id)
    return named(office) if office is not None else _("（不属于任何机构）")


def _account(user_id: int):
    """The account, if the administrator manages it (403 outside its scope, 404 unknown)."""
    try:
        return accounts.get_account(user_id, actor=current_user)
    except DomainError as e:
        abort_for_role_or_record(e)
        raise


def _change_form(user) -> AccountChangeForm:
    form = AccountChangeForm()
    form.role.choices = [(r.value, _(ROLE_LABELS[r])) for r in ADMIN_CREATED_ROLES]
    form.office.choices = office_choices()
    return form


def _page(user, change_form=None, status: int = 200):
    if change_form is None:
        change_form = _change_form(user)
        change_form.role.data, change_form.office.data = user.role, user.office_id
    page = render_template(
        "auth/account.html",
        user=user,
        change_form=change_form,
        button=ButtonForm(),
        history=accounts.history(user.id),
        action_label=action_label,
        account_office_name=account_office_name,
        role_name=role_name,
        is_self=user.id == current_user.id,
        changeable=user.role in {r.value for r in ADMIN_CREATED_ROLES},
    )
    return page, status


def _after(user_id: int, message: str):
    flash(message, "success")
    return redirect(url_for(".show", user_id=user_id))


@bp.route("/<int:user_id>")
@roles_required(Role.ADMIN)
def show(user_id: int):
    return _page(_account(user_id))


@bp.route("/<int:user_id>/change", methods=["POST"])
@roles_required(Role.ADMIN)
def change(user_id: int):
    user = _account(user_id)
    form = _change_form(user)
    if form.validate_on_submit():
        try:
            accounts.change_account(
                accounts.AccountChange(user.id, form.role.data, form.office.data),
                actor=current_user,
            )
        except AccountError as e:
            error_onto(form, e, summary=True)
        else:
            return _after(user.id, _("已更改 %(name)s 的角色和所属机构", name=user.username))
    return _page(user, form, 400)


@bp.route("/<int:user_id>/disable", methods=["GET", "POST"])
@roles_required(Role.ADMIN)
def disable(user_id: int):
    """A page that says what disabling does, and a button to do it (no JavaScript confirm)."""
    user = _account(user_id)
    form = ButtonForm()
    if form.validate_on_submit():
        try:
            accounts.disable_account(user.id, actor=current_user)
        except AccountError as e:
            error_onto(form, e, summary=True)
        else:
            return _after(user.id, _("已停用账户：%(name)s", name=user.username))
    status = 400 if form.errors else 200
    page = render_template(
        "auth/account_disable.html", user=user, form=form, account_office_name=account_office_name
    )
    return page, status


@bp.route("/<int:user_id>/enable", methods=["POST"])
@roles_required(Role.ADMIN)
def enable(user_id: int):
    user = _account(user_id)
    if ButtonForm().validate_on_submit():
        try:
            accounts.enable_account(user.id, actor=current_user)
        except AccountError as e:
            error_onto(None, e)
        else:
            flash(_("已启用账户：%(name)s", name=user.username), "success")
    return redirect(url_for(".show", user_id=user.id))


@bp.route("/<int:user_id>/reset", methods=["POST"])
@roles_required(Role.ADMIN)
def reset(user_id: int):
    """Reset the password and show the one-time password on this response, once. Not a redirect
    (the one exception to post-redirect-get on these pages): carrying the password to a GET
    would put it in the session cookie, which is signed, not encrypted. The page is not stored."""
    user = _account(user_id)
    if not ButtonForm().validate_on_submit():
        flash(_("页面已过期，请重试"), "error")
        return redirect(url_for(".show", user_id=user.id))
    try:
        password = accounts.reset_password(user.id, actor=current_user)
    except AccountError as e:
        error_onto(None, e)
        return redirect(url_for(".show", user_id=user.id))
    page = render_template("auth/account_reset.html", user=user, password=password)
    return page, 200, {"Cache-Control": "no-store", "Pragma": "no-cache"}
