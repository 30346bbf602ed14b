"""Sign-ups staff check (核验) before a company without an application is public."""

from __future__ import annotations

from flask import abort, flash, redirect, url_for
from flask_babel import gettext as _
from flask_login import current_user

from app.auth.guards import roles_required
from app.errors import DomainError
from contractors import queries, rules, services
from contractors.forms.staff import (
    ConfirmForm,
)
from contractors.views.staff import bp
from contractors.views.staff._pages import (
    STAFF,
    _refuse,
    _render,
    loc,
)

# ---- registrations to check (核验) ---------------------------------------------------------------


@bp.route("/registrations/")
@roles_required(*STAFF)
def registrations():
    """Sign-ups staff have not checked yet: a company without an application is not public until
    checked (contractors.rules.is_publicly_listed)."""
    return _render(
        "contractors/staff/registrations.html",
        rows=queries.unchecked_registrations(),
        listing_label=lambda state: loc(*rules.LISTING_LABELS[state]),
        listings=rules.Listing,
        document_kinds=rules.DOCUMENT_KINDS,
        confirm_form=ConfirmForm(),
    )


@bp.route("/registrations/<int:contractor_id>/check", methods=["POST"])
@roles_required(*STAFF)
def check_registration(contractor_id: int):
    if not ConfirmForm().validate_on_submit():
        abort(400)
    try:
        c = services.check_registration(contractor_id, actor=current_user)
    except DomainError as e:
        _refuse(e)
    else:
        flash(_("已核验通过：%(name)s，企业信息现已公开", name=c.name), "success")
    return redirect(url_for(".registrations"))
