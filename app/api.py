"""The public API v1 shell: pagination envelope and value formats shared by every endpoint."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from flask import url_for

from app import clock


def time_iso(moment: datetime | None) -> str | None:
    """ISO 8601 with the +08:00 offset (DESIGN.md: times are shown in Asia/Shanghai)."""
    return clock.local(moment).isoformat() if moment else None


def paginated(pagination, serialize: Callable, endpoint: str, **args) -> dict:
    """`{"items": [...], "next": url-or-null}` — DESIGN.md, Public API v1."""
    args = {k: v for k, v in args.items() if v is not None}
    return {
        "items": [serialize(item) for item in pagination.items],
        "next": url_for(endpoint, page=pagination.next_num, _external=True, **args)
        if pagination.has_next
        else None,
    }
