"""Public API v1 of draws: `GET /api/v1/draws[/<draw_id>]`, each item exactly LOTTERY.md's record."""

from __future__ import annotations

import json

from flask import Blueprint, Response, abort, request

from app.api import last_modified, office_arg, paginated, since_arg, time_iso
from app.keyset import cursor_arg
from lottery import queries, rules
from lottery.errors import DrawNotFound
from lottery.models import Draw

bp = Blueprint("draws_api", __name__, url_prefix="/api/v1/draws")

PER_PAGE = 50


def serialize(d: Draw) -> dict:
    """The published record (LOTTERY.md): the seed is null until the draw is drawn or abandoned."""
    return rules.published_record(d, time_iso)


@bp.route("")
def list_draws():
    status = queries.parse_status(request.args.get("status"))
    # The office filters the list; the record itself stays exactly LOTTERY.md's (no office).
    office_ids, office = office_arg()
    return paginated(
        queries.page(status, cursor_arg(), PER_PAGE, office_ids, since=since_arg()),
        serialize,
        "draws_api.list_draws",
        changed=queries.last_changed,
        status=status,
        office=office,
    )


@bp.route("/<draw_id>")
def get_draw(draw_id: str):
    try:
        draw = queries.get(draw_id)
    except DrawNotFound:
        abort(404)
    record = serialize(draw)
    if request.args.get("download"):
        # The same record as a file to keep: `python -m lottery.verify <draw_id>.json`.
        body = json.dumps(record, ensure_ascii=False, indent=2) + "\n"
        return Response(
            body,
            mimetype="application/json",
            headers={"Content-Disposition": f'attachment; filename="{draw_id}.json"'},
        )
    return last_modified(record, queries.last_changed(draw))
