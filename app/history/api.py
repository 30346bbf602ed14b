"""Public API v1 of the revision histories: `GET /api/v1/history/<kind>/<id>` — the page's rows
(app.history.queries) with the list contract `{"items", "next"}` and the object they belong to;
`?since=` and Last-Modified as on every list (docs/api.md)."""

from __future__ import annotations

from urllib.parse import urljoin

from flask import Blueprint, abort, url_for

from app.api import last_modified, newest, paginated, since_arg, time_iso
from app.history import queries
from app.keyset import cursor_arg

bp = Blueprint("history_api", __name__, url_prefix="/api/v1/history")


def serialize(row: queries.Row) -> dict:
    return {
        "id": row.id,
        "at": time_iso(row.at),
        "action": row.action,
        "label": row.label,
        "role": row.role,
        "office": row.office or None,
        "about": row.about or None,
        "details_withheld": row.withheld,
        "changes": [
            {"field": c.field, "label": c.label, "before": c.before, "after": c.after}
            for c in row.changes
        ],
    }


@bp.route("/<kind>/<path:ident>")
def get_history(kind: str, ident: str):
    target = queries.find_target(kind, ident)
    if target is None:
        abort(404)
    pagination = queries.page(target, cursor_arg(), since=since_arg())
    pagination.items = queries.rows(target, pagination.items)
    body = paginated(
        pagination, serialize, "history_api.get_history", kind=target.kind, ident=target.ident
    )
    # An entry never changes: the newest on the page is the page's Last-Modified.
    changed = newest(row.at for row in pagination.items)
    return last_modified(
        {
            "object": {
                "kind": target.kind,
                "id": target.ident,
                "title": target.title,
                "url": url_for(
                    "history.detail", kind=target.kind, ident=target.ident, _external=True
                ),
                "page": urljoin(url_for("public.home", _external=True), target.url),
                "public_since": time_iso(target.public_since),
            },
            **body,
        },
        changed,
    )
