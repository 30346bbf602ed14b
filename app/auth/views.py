"""Login and logout pages."""

from __future__ import annotations

from flask import Blueprint, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required, login_user, logout_user

from app.auth import services
from app.auth.errors import LoginRefused
from app.auth.forms import LoginForm
from app.extensions import limiter
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
    if form.validate_on_submit():
        try:
            user = services.authenticate(form.username.data, form.password.data)
        except LoginRefused as e:
            form.password.errors.append(e.localized())
        else:
            login_user(user, remember=form.remember.data)
            flash(_("已登录：%(name)s", name=user.display_name), "success")
            return redirect(safe_next(request.args.get("next")) or url_for("public.dashboard"))
    return render_template("auth/login.html", form=form), 200 if not form.errors else 400


@bp.route("/logout", methods=["POST"])
@login_required
def logout():
    logout_user()
    flash(_("已退出登录"), "success")
    return redirect(url_for("public.home"))
