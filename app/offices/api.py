"""Public API v1 of offices: `GET /api/v1/offices`, every district and its platforms."""

from __future__ import annotations

from flask import Blueprint

from app.api import paginated, since_arg
from app.keyset import list_window

from . import queries

bp = Blueprint("offices_api", __name__, url_prefix="/api/v1/offices")

PER_PAGE = 50


def serialize(office, index: dict) -> dict:
    parent = index.get(office.parent_id) if office.parent_id is not None else None
    return {
        "code": office.code,
        "name": office.name,
        "kind": office.kind,
        "parent": parent.code if parent is not None else None,
    }


@bp.route("")
def list_offices():
    """Paginated like the other lists (`{"items", "next"}` with a cursor); each district before
    its platforms. The offices are few (one query for all of them), so the page is cut in
    memory."""
    offices = queries.all_offices()
    # The order of all_offices (each district before its platforms); `?after=<office code>`
    # continues after that office (offices are never deleted; an unknown code: an empty page).
    order = {o.code: n for n, o in enumerate(offices)}
    since = since_arg()
    if since is not None:  # an office's record is set when it is created
        offices = [o for o in offices if o.created_at >= since]
    index = queries.office_index()
    window = list_window(
        offices,
        PER_PAGE,
        key=lambda o: order[o.code],
        token=lambda o: o.code,
        parse=lambda text: order.get(text.strip(), len(order)),
    )
    return paginated(
        window,
        lambda o: serialize(o, index),
        "offices_api.list_offices",
        changed=lambda o: o.created_at,
    )
