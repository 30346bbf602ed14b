"""Public API v1 of offices: `GET /api/v1/offices`, every district and its platforms."""

from __future__ import annotations

from flask import Blueprint, request, url_for

from app.api import last_modified, newest, since_arg
from app.urls import page_arg

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
    """Paginated like the other lists (`{"items", "next"}`); each district before its platforms.
    The offices are few (one query for all of them), so the page is cut in memory."""
    offices = queries.all_offices()
    since = since_arg()
    if since is not None:  # an office's record is set when it is created
        offices = [o for o in offices if o.created_at >= since]
    index = queries.office_index()
    page = page_arg()
    start = (page - 1) * PER_PAGE
    items = offices[start : start + PER_PAGE]
    has_next = start + PER_PAGE < len(offices)
    more = {"page": page + 1} | ({"since": request.args["since"]} if since else {})
    body = {
        "items": [serialize(o, index) for o in items],
        "next": url_for("offices_api.list_offices", **more, _external=True) if has_next else None,
    }
    return last_modified(body, newest(o.created_at for o in items))
