"""Staff and reviewer pool pages (blueprint `pool_staff`): the calls and their timeline, the
lottery meeting, the consultation and review panel, and the registrations to check."""

from __future__ import annotations

from flask import Blueprint

bp = Blueprint("pool_staff", __name__, url_prefix="/staff/pool")

# The pages register themselves on `bp`; imported after it exists.
from contractors.views.staff import (  # noqa: E402,F401
    calls,
    meeting,
    registrations,
    review,
)
