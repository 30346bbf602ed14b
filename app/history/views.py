"""The public history page of one object: `/history/<kind>/<id>`, newest first, keyset pages."""

from __future__ import annotations

from flask import Blueprint, abort, render_template

from app.history import queries
from app.keyset import cursor_arg

bp = Blueprint("history", __name__, url_prefix="/history")


@bp.route("/<kind>/<path:ident>")
def detail(kind: str, ident: str):
    # An unknown kind, an unknown id and an object not public yet all read as the same 404.
    target = queries.find_target(kind, ident)
    if target is None:
        abort(404)
    pagination = queries.page(target, cursor_arg())
    return render_template(
        "public/history.html",
        target=target,
        pagination=pagination,
        rows=queries.rows(target, pagination.items),
    )
