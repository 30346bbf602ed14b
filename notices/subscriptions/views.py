"""我的订阅: the account's subscription page — choose categories and notice types, or stop with
one button. Any signed-in account may open it; only one with a mobile on record can subscribe."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from wtforms.fields.choices import SelectChoice

from app.forms import error_onto
from app.i18n import named
from notices import categories
from notices.rules import NOTICE_TYPES
from notices.sms.rules import mask_mobile
from notices.subscriptions import queries, rules, services
from notices.subscriptions.errors import SubscriptionError
from notices.subscriptions.forms import StopForm, SubscriptionForm

bp = Blueprint("subscriptions", __name__, url_prefix="/account/subscriptions")


def _form(sub) -> SubscriptionForm:
    form = SubscriptionForm(formdata=None if request.method == "GET" else request.form)
    form.categories.choices = [SelectChoice(c.code, named(c)) for c in categories.categories()]
    form.types.choices = [SelectChoice(code, _(t.label)) for code, t in NOTICE_TYPES.items()]
    if request.method == "GET" and sub is not None:
        choice = queries.choice_of(sub)
        form.all_categories.data, form.categories.data = choice.all_categories, choice.categories
        form.all_types.data, form.types.data = choice.all_types, choice.types
    return form


def _page(form, status: int = 200):
    sub = queries.subscription_of(current_user.id)
    company = services.company_of(current_user.id)
    page = render_template(
        "notices/subscriptions.html",
        form=form,
        sub=sub,
        state=queries.state_of(sub),
        states=rules.SubscriptionState,
        mobile=mask_mobile(company[1]) if company else None,
    )
    return page, status


@bp.route("/", methods=["GET", "POST"])
@login_required
def index():
    form = _form(queries.subscription_of(current_user.id))
    if form.validate_on_submit():
        choice = rules.Choice(
            bool(form.all_categories.data),
            tuple(form.categories.data or ()),
            bool(form.all_types.data),
            tuple(form.types.data or ()),
        )
        try:
            services.subscribe(current_user.id, choice, actor=current_user)
        except SubscriptionError as e:
            error_onto(form, e, summary=True)
        else:
            flash(_("订阅已保存：此后发布的相应公告将以短信通知您"), "success")
            return redirect(url_for(".index"))
    return _page(form, 400 if request.method == "POST" else 200)


@bp.route("/stop", methods=["POST"])
@login_required
def stop():
    """One step: the button posts here, the subscription stops, the page says so."""
    if not StopForm().validate_on_submit():
        flash(_("页面已过期，请重试"), "error")
        return redirect(url_for(".index"))
    try:
        services.stop(current_user.id, actor=current_user)
    except SubscriptionError as e:
        flash(e.localized(), "error")
    else:
        flash(_("已退订：不会再收到订阅短信。如需恢复，可随时重新订阅。"), "success")
    return redirect(url_for(".index"))
