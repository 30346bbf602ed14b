"""Public API v1 of the pool: `GET /api/v1/pool` (`?category=`), today's active members."""

from __future__ import annotations

from flask import Blueprint, request

from app.api import paginated
from app.urls import page_arg
from contractors import queries

bp = Blueprint("pool_api", __name__, url_prefix="/api/v1/pool")

PER_PAGE = 100


def serialize(m: queries.Member) -> dict:
    """DESIGN.md, Public API v1: `uscc`, `name`, `category`, `since`, `until` (ISO dates; `since`
    inclusive, `until` exclusive — the day after the pool's validity ends, as sanctions' `until`)."""
    return {
        "uscc": m.uscc,
        "name": m.name,
        "category": m.category,
        "since": m.since.isoformat(),
        "until": m.until.isoformat(),
    }


@bp.route("")
def list_members():
    category = (request.args.get("category") or "").strip() or None
    page = page_arg()
    return paginated(
        queries.pool_page(category, page, PER_PAGE),
        serialize,
        "pool_api.list_members",
        category=category,
    )
