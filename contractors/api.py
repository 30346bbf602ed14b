"""Public API v1 of the pool: `GET /api/v1/pool` (`?category=`, `?office=`), today's active
members, each with its district (`office`)."""

from __future__ import annotations

from flask import Blueprint, abort, request

from app.api import paginated, since_arg
from app.offices.queries import ref
from contractors import queries

bp = Blueprint("pool_api", __name__, url_prefix="/api/v1/pool")

PER_PAGE = 100


def serializer(districts: dict):
    """DESIGN.md, Public API v1: `uscc`, `name`, `category`, `since`, `until` (ISO dates; `since`
    inclusive, `until` exclusive — the day after the pool's validity ends, as sanctions' `until`),
    and `office`: the district whose pool it is a member of (`app.offices.queries.ref`)."""

    def serialize(m: queries.Member) -> dict:
        return {
            "uscc": m.uscc,
            "name": m.name,
            "category": m.category,
            "since": m.since.isoformat(),
            "until": m.until.isoformat(),
            "office": ref(districts.get(m.district_id)),
        }

    return serialize


@bp.route("")
def list_members():
    category = (request.args.get("category") or "").strip() or None
    code = (request.args.get("office") or "").strip() or None
    district = queries.pool_district(code) if code else None
    if code and district is None:
        abort(404)
    return paginated(
        queries.pool_page(category, PER_PAGE, district.id if district else None, since=since_arg()),
        serializer(queries.districts_by_id()),
        "pool_api.list_members",
        changed=queries.member_since,
        category=category,
        office=code,
    )
