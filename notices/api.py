"""Public API v1 of notices: `GET /api/v1/notices[/<id>]` exactly as DESIGN.md says."""

from __future__ import annotations

from flask import Blueprint, abort, request, url_for

from app.api import last_modified, office_arg, paginated, since_arg, time_iso
from app.jsonout import InOrder
from app.keyset import cursor_arg
from notices import queries, records
from notices.errors import NoticeNotFound

bp = Blueprint("notices_api", __name__, url_prefix="/api/v1/notices")

PER_PAGE = 50


def serializer():
    """`serialize` for the request, with what every record repeats built once (issue 14): a
    notice's URL without its id (the route is `/notices/<int:notice_id>`, the id written as the
    number, so it is appended rather than each link built). The `office` field is the code and
    name read with the record (`records._records_select`), as `app.api.office_field` gives them."""
    detail = url_for("notices.detail", notice_id=0, _external=True).removesuffix("0")

    def serialize(record: records.NoticeRecord) -> dict:
        n = record.columns
        # The row's values by position, in `records._record_columns()`'s order: reading a Row's
        # attribute costs ~0.3 µs, a dozen per record (issue 14).
        (
            notice_id,
            notice_type,
            title,
            published_at,
            publicity_ends_at,
            min_working_days,
            corrects_id,
            issuing_body,
            _office_id,
            legal_basis,
            office_code,
            office_name,
        ) = n
        # The keys in sorted order, as the JSON provider would write them (app.jsonout.InOrder:
        # the page is written without sorting them again).
        return {
            "attachments": [
                {
                    "content_type": a.content_type,
                    "name": a.original_name,
                    "sha256": a.sha256,
                    "size": a.size,
                    "url": url_for(
                        "notices.attachment",
                        notice_id=notice_id,
                        attachment_id=a.id,
                        _external=True,
                    ),
                }
                for a in record.attachments
            ],
            "corrected_by": [c_id for c_id, _at in record.corrections],
            "corrects": corrects_id,
            "id": notice_id,
            "issuing_body": issuing_body,
            "legal_basis": legal_basis,
            "min_working_days": min_working_days,
            "office": None if office_code is None else {"code": office_code, "name": office_name},
            "publicity_ends_at": time_iso(publicity_ends_at),
            "published_at": time_iso(published_at),
            "title": title,
            "type": notice_type,
            "url": f"{detail}{notice_id}",
        }

    return serialize


@bp.route("")
def list_notices():
    types = queries.parse_types(request.args.get("type"))
    office_ids, office = office_arg()
    return paginated(
        records.published_records(types, cursor_arg(), PER_PAGE, office_ids, since=since_arg()),
        serializer(),
        "notices_api.list_notices",
        changed=records.last_changed,
        in_order=True,
        type=request.args.get("type") or None,
        office=office,
    )


@bp.route("/<int:notice_id>")
def get_notice(notice_id: int):
    try:
        notice = records.published_record(notice_id)
    except NoticeNotFound:
        abort(404)
    return last_modified(InOrder(serializer()(notice)), records.last_changed(notice))
