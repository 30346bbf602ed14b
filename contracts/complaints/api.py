"""Public API v1 of complaints: `GET /api/v1/complaints[/<id>]` with DESIGN.md's fields and no
personal data (no complainant, respondent or contact)."""

from __future__ import annotations

from flask import Blueprint, abort, request

from app.api import last_modified, paginated, since_arg, time_iso
from app.calendar.services import current_calendar
from app.keyset import cursor_arg
from app.offices.queries import ref
from contracts.complaints import queries
from contracts.complaints.models import Complaint

bp = Blueprint("complaints_api", __name__, url_prefix="/api/v1/complaints")

PER_PAGE = 50


def serialize(c: Complaint, calendar=None) -> dict:
    """Exactly the fields of the contract (DESIGN.md, Public API v1). A list passes one working-
    day `calendar` for all its complaints (current_calendar)."""
    row = queries.row_of(c, calendar)
    return {
        "id": c.id,
        "subject": {"type": "trading", "code": row.trading_code},
        "received_at": time_iso(c.received_at),
        "accept_by": time_iso(row.accept_by),
        "accepted_at": time_iso(c.accepted_at),
        "refused_at": time_iso(c.refused_at),
        "decide_by": time_iso(row.decide_by),
        "decided_at": time_iso(c.decided_at),
        "status": str(row.status),
        "outcome": c.outcome,
        "decision_notice_id": c.decision_notice_id,
        "office": ref(queries.office_of(c)),
    }


@bp.route("")
def list_complaints():
    """Newest first; `?office=<code>` keeps one office's (a district's: with its platforms'),
    an unknown code none."""
    code = request.args.get("office") or None
    calendar = current_calendar()
    return paginated(
        queries.public_page(cursor_arg(), PER_PAGE, office_code=code, since=since_arg()),
        lambda c: serialize(c, calendar),
        "complaints_api.list_complaints",
        changed=queries.last_changed,
        **({"office": code} if code else {}),
    )


@bp.route("/<int:complaint_id>")
def get_complaint(complaint_id: int):
    c = queries.get(complaint_id)
    if c is None:
        abort(404)
    return last_modified(serialize(c), queries.last_changed(c))
