"""Public API v1 of notices: `GET /api/v1/notices[/<id>]` exactly as DESIGN.md says."""

from __future__ import annotations

from datetime import datetime

from flask import Blueprint, abort, current_app, request, url_for

from app import jsonout
from app.api import last_modified, office_arg, paginated, since_arg, time_iso, written_page
from app.jsonout import InOrder
from app.keyset import cursor_arg
from notices import entries, queries, records
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


#: Records' JSON a process keeps per app (`_written`; emptied when full).
KEPT_RECORDS = 2048


@bp.route("")
def list_notices():
    types = queries.parse_types(request.args.get("type"))
    office_ids, office = office_arg()
    page = entries.published_entries(types, cursor_arg(), PER_PAGE, office_ids, since=since_arg())
    args = {"type": request.args.get("type") or None, "office": office}
    app = current_app._get_current_object()
    if not jsonout.compact(app):  # indented (debug): written whole, as it always was
        page.window.items = [entries.record_of(key) for key in page.keys]
        return paginated(
            page.window,
            serializer(),
            "notices_api.list_notices",
            changed=records.last_changed,
            in_order=True,
            **args,
        )
    return written_page(page.window, _written(app, page.keys), "notices_api.list_notices", **args)


def _written(app, keys: list[tuple]) -> list[tuple[str, datetime | None]]:
    """Each record's JSON as `serializer()` gives it, written alone (app.jsonout.in_order), and
    when it last changed (`records.last_changed`), for the keys of `entries.published_entries`.

    Kept per process and app by the key — every value the record is made of, as read on this
    request — and by the address its links are written with (issue 14): writing a page's fifty
    records (typing their rows, building each dict, encoding them) was ~0.4 ms of the API's
    ~1.4; looking them up costs a few µs. A record whose notice, office, corrections or
    attachments changed in any way, by any writer, has another key, and is written anew."""
    detail = url_for("notices.detail", notice_id=0, _external=True)
    kept = app.extensions.setdefault("smallworks.notice_json", {})
    serialize = None
    written = []
    for key in keys:
        slot = (detail, key)
        found = kept.get(slot)
        if found is None:
            if serialize is None:
                serialize = serializer()
            record = entries.record_of(key)
            found = (jsonout.in_order(app, serialize(record)), records.last_changed(record))
            if len(kept) >= KEPT_RECORDS:
                kept.clear()
            kept[slot] = found
        written.append(found)
    return written


@bp.route("/<int:notice_id>")
def get_notice(notice_id: int):
    try:
        notice = records.published_record(notice_id)
    except NoticeNotFound:
        abort(404)
    return last_modified(InOrder(serializer()(notice)), records.last_changed(notice))
