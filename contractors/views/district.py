"""Which accounts see the district's staff pages (the pool, cases and sanctions): a district's
accounts and the deployment's administrator, never a street/town platform's."""

from __future__ import annotations

from flask_babel import gettext as _
from flask_login import current_user
from werkzeug.exceptions import Forbidden

from app.offices import scope


def works_for_a_district(actor) -> bool:
    """Whether an account does a district's work (the pool, sanctions): a district's account,
    or the deployment's administrator; a street/town platform's account does not."""
    office = scope.office_of(actor)
    if office is None:
        return scope.scope_ids(actor) is None  # the deployment's administrator covers all
    return office.is_district


def district_pages_only():
    """`before_request` of the district's staff pages: a street/town platform's account gets
    403 (pool work and sanctions are the district's, DESIGN: offices); anonymous visitors go on
    to the login redirect of `roles_required`."""
    if current_user.is_authenticated and not works_for_a_district(current_user):
        refused = Forbidden()
        refused.detail = _(
            "名录库、不良行为案件和处理由区公管办办理，街道/镇平台的账户无权查看或办理。"
        )
        raise refused
