"""Staff and reviewer pool pages (blueprint `pool_staff`): the calls and their timeline, the
lottery meeting, the consultation and review panel, and the registrations to check."""

from __future__ import annotations

from flask import Blueprint

bp = Blueprint("pool_staff", __name__, url_prefix="/staff/pool")

# Pool work is the district's: a street/town platform's account gets 403 on every page here.
from contractors.views.district import district_pages_only  # noqa: E402

bp.before_request(district_pages_only)


@bp.app_template_global("works_for_a_district")
def _works_for_a_district() -> bool:
    """For the menus: whether the signed-in account sees the district's pages (the pool, cases
    and sanctions) — a street/town platform's clerk is not offered links that answer 403."""
    from flask_login import current_user

    from contractors.views.district import works_for_a_district

    return current_user.is_authenticated and works_for_a_district(current_user)


# The pages register themselves on `bp`; imported after it exists.
from contractors.views.staff import (  # noqa: E402,F401
    calls,
    meeting,
    registrations,
    review,
)
