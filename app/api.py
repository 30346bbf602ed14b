"""The public API v1 shell: pagination envelope and value formats shared by every endpoint."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from flask import abort, make_response, request, url_for

from app import clock
from app.offices.queries import office_filter, record_ref


def time_iso(moment: datetime | None) -> str | None:
    """ISO 8601 with the +08:00 offset (DESIGN.md: times are shown in Asia/Shanghai)."""
    return clock.local(moment).isoformat() if moment else None


def paginated(pagination, serialize: Callable, endpoint: str, **args) -> dict:
    """`{"items": [...], "next": url-or-null}` — DESIGN.md, Public API v1."""
    args = {k: v for k, v in args.items() if v is not None}
    if hasattr(pagination, "next_args"):  # a keyset page (app.keyset): `next` is a cursor
        more = pagination.next_args()
    else:
        more = {"page": pagination.next_num} if pagination.has_next else None
    return {
        "items": [serialize(item) for item in pagination.items],
        "next": url_for(endpoint, _external=True, **more, **args) if more else None,
    }


def office_arg() -> tuple[list[int] | None, str | None]:
    """`?office=<code>` of a list: the office ids it keeps (None: every office; a district: it and
    its platforms) and the code to carry in `next`. An unknown code answers 400 with a message
    rather than an empty list a client could take for "nothing published"."""
    flt = office_filter(request.args.get("office"))
    if flt.unknown:
        abort(
            make_response(
                {
                    "error": 400,
                    "message": f"unknown office code: {flt.code} (see /api/v1/offices)",
                },
                400,
            )
        )
    return flt.ids, flt.arg


def office_field(record) -> dict | None:
    """The `office` of a record in API v1: `{"code", "name"}` of its office, or null."""
    return record_ref(record)
