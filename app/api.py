"""The public API v1 shell: pagination envelope, `?since=`, Last-Modified and the value formats
shared by every endpoint."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from datetime import date, datetime, time
from functools import lru_cache

from flask import abort, current_app, make_response, request, url_for

from app import clock, i18n
from app.extensions import limiter
from app.jsonout import InOrder
from app.jsonout import in_order as in_order_json
from app.offices.queries import office_filter, record_ref
from app.refusal import Refusal

#: The longest `?since=` read: an ISO 8601 timestamp with microseconds and an offset is 32.
MAX_SINCE_LENGTH = 40


def _api_rate_limit() -> str:
    return current_app.config["API_RATE_LIMIT"]


#: The API's rate limit (API_RATE_LIMIT per client address), put on every API blueprint by
#: `limit_api`: one Limit object, so that binding it again (another app, a test) adds nothing.
API_LIMIT = limiter.shared_limit(_api_rate_limit, scope="api")


def limit_api(app) -> None:
    """Every blueprint under /api/ answers 429 with Retry-After beyond API_RATE_LIMIT."""
    for bp in app.blueprints.values():
        if (bp.url_prefix or "").startswith("/api/"):
            API_LIMIT(bp)


def time_iso(moment: datetime | None) -> str | None:
    """ISO 8601 with the +08:00 offset (DESIGN.md: times are shown in Asia/Shanghai)."""
    return _local_iso(moment) if moment else None


@lru_cache(maxsize=4096)
def _local_iso(moment: datetime) -> str:
    """Kept by the moment (a pure function of it): an API page writes two or three times per
    record, the same ones on every request, and the conversion to local time and the
    formatting cost ~1 µs each, the lookup a quarter of it (issue 14). Equal moments are the
    same instant, whatever their zone, and give the same local time."""
    return clock.local(moment).isoformat()


def parse_since(text: str, now: datetime) -> datetime:
    """`?since=` as an aware moment: an ISO 8601 timestamp (`2026-12-01T08:00:00+08:00`, `…Z`),
    or a date (`2026-12-01`, its 00:00); without an offset it is Beijing time, as every time the
    API shows. Refused (Refusal) when unreadable or after `now`: a list "changed since
    tomorrow" is empty, and a client that sent it has a clock or a bug to fix — better told
    than answered nothing."""
    example = "2026-12-01T08:00:00+08:00"
    text = text.strip()
    try:
        if len(text) > MAX_SINCE_LENGTH:
            raise ValueError(text)
        if len(text) == 10:
            moment = datetime.combine(date.fromisoformat(text), time(0))
        else:
            moment = datetime.fromisoformat(text)
    except ValueError:
        raise Refusal(
            f"since 参数不是 ISO 8601 时间（例如 {example}）",
            f"since is not an ISO 8601 timestamp (e.g. {example})",
            field="since",
        ) from None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=clock.TZ)
    if moment > now:
        shown = clock.local(now).isoformat(timespec="seconds")
        raise Refusal(
            f"since 参数晚于当前时间（{shown}）",
            f"since is in the future (now is {shown})",
            field="since",
        )
    return moment


def since_arg() -> datetime | None:
    """`?since=` of the current request (None when absent), or a 400 in the API's error format
    (`{"error": 400, "message": …}`) saying what is wrong with it."""
    text = request.args.get("since")
    if text is None or not text.strip():
        return None
    try:
        return parse_since(text, clock.now())
    except Refusal as e:
        bad_request(i18n.localized(e))


def bad_request(message: str):
    """Stop with a 400 in the API's error format."""
    abort(make_response({"error": 400, "message": message}, 400))


def newest(moments: Iterable[datetime | None]) -> datetime | None:
    """The latest of some moments, None among them ignored (None when there is none)."""
    return max((m for m in moments if m is not None), default=None)


def paginated(
    pagination,
    serialize: Callable,
    endpoint: str,
    changed: Callable | None = None,
    in_order: bool = False,
    **args,
):
    """`{"items": [...], "next": url-or-null}` — DESIGN.md, Public API v1. `next` carries the
    request's `?since=`; `changed(item)` gives the moment an item last changed, and the newest
    of the page is its Last-Modified (a client's If-Modified-Since then gets a 304 from the
    cache policy of create_app). `in_order`: `serialize` gives its dicts' keys in sorted order
    (app.jsonout.InOrder)."""
    body = (InOrder if in_order else dict)(
        items=[serialize(item) for item in pagination.items],
        next=_next_url(pagination, endpoint, args),
    )
    if changed is None:
        return body
    return last_modified(body, newest(changed(item) for item in pagination.items))


def _next_url(pagination, endpoint: str, args: dict) -> str | None:
    """`next` of a page (`paginated`): the next page's URL with the request's `?since=` and
    `args` (those not None), or None on the last page."""
    args = {k: v for k, v in args.items() if v is not None}
    since = (request.args.get("since") or "").strip()
    if since:
        args["since"] = since
    if hasattr(pagination, "next_args"):  # a keyset page (app.keyset): `next` is a cursor
        more = pagination.next_args()
    else:
        more = {"page": pagination.next_num} if pagination.has_next else None
    return url_for(endpoint, _external=True, **more, **args) if more else None


def written_page(pagination, items: list[tuple[str, datetime | None]], endpoint: str, **args):
    """`paginated(pagination, serialize, endpoint, changed, in_order=True, **args)`'s answer,
    the same bytes and headers, from each item's JSON already written and the moment it last
    changed (`items`, in the page's order; issue 14): an API that keeps its records' JSON
    (notices.api) puts the page together without writing them again. Only when the app's
    provider writes compactly (app.jsonout.compact)."""
    app = current_app._get_current_object()
    text = "".join(
        (
            '{"items":[',
            ",".join(t for t, _changed in items),
            '],"next":',
            in_order_json(app, _next_url(pagination, endpoint, args)),
            "}\n",
        )
    )
    response = app.response_class(text, mimetype=app.json.mimetype)
    response.last_modified = newest(m for _t, m in items)
    return response


def last_modified(body: dict, moment: datetime | None):
    """A JSON answer with `Last-Modified: moment` (none when None). The cache policy of
    create_app makes it conditional: If-Modified-Since at or after it answers 304."""
    response = current_app.json.response(body)
    response.last_modified = moment
    return response


def office_arg() -> tuple[list[int] | None, str | None]:
    """`?office=<code>` of a list: the office ids it keeps (None: every office; a district: it and
    its platforms) and the code to carry in `next`. An unknown code answers 400 with a message
    rather than an empty list a client could take for "nothing published". Without a code
    nothing is read (issue 14): the offices are read when a record's office is looked up."""
    raw = request.args.get("office")
    if raw is None or not raw.strip():
        return None, None
    flt = office_filter(raw)
    if flt.unknown:
        bad_request(f"unknown office code: {flt.code} (see /api/v1/offices)")
    return flt.ids, flt.arg


def office_field(record) -> dict | None:
    """The `office` of a record in API v1: `{"code", "name"}` of its office, or null."""
    return record_ref(record)
