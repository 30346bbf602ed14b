"""Public API v1 of sanctions: `GET /api/v1/sanctions` and `GET /api/v1/sanctions/<uscc>` —
published sanctions only, current and archived, newest first (field names: DESIGN.md), each
with `office`, the district that decided it."""

from __future__ import annotations

import math

from flask import Blueprint, abort, request

from app.api import paginated, since_arg
from app.keyset import ListWindow, list_window
from contractors.queries import pool_district

from . import queries

bp = Blueprint("sanctions_api", __name__, url_prefix="/api/v1/sanctions")

PER_PAGE = 100


def _newest_first(s) -> tuple[float, int]:
    return (-s.published_at.timestamp(), -s.id)


def _page(items: list) -> ListWindow:
    """A cursor page, newest first; `?after=<sanction id>` continues after that sanction (a
    published sanction is never deleted; an id not in the list gives an empty page)."""
    keys = {str(s.id): _newest_first(s) for s in items}
    end = (math.inf, math.inf)
    return list_window(
        items,
        PER_PAGE,
        key=_newest_first,
        token=lambda s: str(s.id),
        parse=lambda text: keys.get(text.strip(), end),
    )


@bp.route("")
def list_sanctions():
    """Every published sanction, or those decided by one district (`?office=<code>`; a
    platform's code names its district; 404 for an unknown code)."""
    code = (request.args.get("office") or "").strip() or None
    district = pool_district(code) if code else None
    if code and district is None:
        abort(404)
    items = queries.published(district_id=district.id if district else None, since=since_arg())
    return paginated(
        _page(items),
        queries.api_row,
        "sanctions_api.list_sanctions",
        changed=queries.last_changed,
        office=code,
    )


@bp.route("/<uscc>")
def of_company(uscc: str):
    code = uscc.strip().upper()[:18]
    since = since_arg()
    items = queries.published(uscc=code)
    if not items:
        abort(404)  # a company never sanctioned, whatever `since` says
    if since is not None:
        items = [s for s in items if queries.last_changed(s) >= since]
    return paginated(
        _page(items),
        queries.api_row,
        "sanctions_api.of_company",
        changed=queries.last_changed,
        uscc=code,
    )
