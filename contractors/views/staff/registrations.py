"""Sign-ups staff check (核验) before a company without an application is public."""

from __future__ import annotations

from flask import abort, flash, redirect, url_for
from flask_babel import gettext as _
from flask_login import current_user

from app.auth.guards import roles_required
from app.auth.roles import OFFICE_ROLES
from app.errors import DomainError
from app.forms import error_onto
from app.i18n import loc
from contractors import queries, rules, services
from contractors.forms.staff import (
    ConfirmForm,
)
from contractors.views.staff import bp
from contractors.views.staff._pages import (
    _render,
)

# ---- registrations to check (核验) ---------------------------------------------------------------


@bp.route("/registrations/")
@roles_required(*OFFICE_ROLES)
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
@roles_required(*OFFICE_ROLES)
def check_registration(contractor_id: int):
    if not ConfirmForm().validate_on_submit():
        abort(400)
    try:
        c = services.check_registration(contractor_id, actor=current_user)
    except DomainError as e:
        error_onto(None, e)
    else:
        flash(_("已核验通过：%(name)s，企业信息现已公开", name=c.name), "success")
    return redirect(url_for(".registrations"))
