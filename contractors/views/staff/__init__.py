"""Staff and reviewer pool pages (blueprint `pool_staff`): the calls and their timeline, the
lottery meeting, the consultation and review panel, and the registrations to check."""

from __future__ import annotations

from flask import Blueprint

bp = Blueprint("pool_staff", __name__, url_prefix="/staff/pool")

# Pool work is the district's: a street/town platform's account gets 403 on every page here.
from contractors.views.district import district_pages_only  # noqa: E402

bp.before_request(district_pages_only)

# The pages register themselves on `bp`; imported after it exists.
from contractors.views.staff import (  # noqa: E402,F401
    calls,
    meeting,
    registrations,
    review,
)
