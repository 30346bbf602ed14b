"""URL helpers shared by the views: bounded integer ids, page numbers, safe redirect targets.

Every integer taken from a request is bounded here, once: `<int:…>` in a route (the converter
below, installed by `create_app` in place of Werkzeug's), `record_id` for an id in a query string
or a form (`request.args.get("m", type=record_id)`), `page_arg` for `?page=`, and the house forms
(`app.forms`) for an `IntegerField`. An integer beyond PostgreSQL's INTEGER made the database
raise, i.e. a 500; here it is simply not a record (404) or not a page (the last one).
"""

from __future__ import annotations

from urllib.parse import urlsplit

from flask import current_app, has_request_context, request
from werkzeug.routing import IntegerConverter

#: PostgreSQL's INTEGER: an id above it cannot exist, so it is a 404, not a database error.
MAX_ID = 2**31 - 1
#: Beyond this a page is empty anyway; the bound keeps the SQL OFFSET within range.
MAX_PAGE = 100_000


class BoundedIntConverter(IntegerConverter):
    """`<int:…>` that matches only ids a database column can hold (others fall through to 404)."""

    def __init__(self, map, *args, **kwargs):  # werkzeug names it `map`
        kwargs.setdefault("max", MAX_ID)
        super().__init__(map, *args, **kwargs)


def public_base_url() -> str:
    """The origin the platform is served from (PUBLIC_BASE_URL), without a trailing slash: the
    base of every absolute link (API `url` and `next`, QR codes, printed documents).

    In development without PUBLIC_BASE_URL (config BASE_URL_FROM_REQUEST), a request's links
    are on the address it was asked on — `make run PORT=5123` prints QR codes that open on port
    5123 — and what is made outside a request falls back to the configured local server."""
    config = current_app.config
    if config.get("BASE_URL_FROM_REQUEST") and has_request_context():
        return request.host_url.rstrip("/")
    return config["PUBLIC_BASE_URL"].rstrip("/")


def record_id(value: str) -> int:
    """An id given as text, as `type=` of `request.args.get` / `request.form.get`: a ValueError
    (which those turn into their default) unless it is a whole number a database id can be."""
    number = int(value)
    if not 0 < number <= MAX_ID:
        raise ValueError(f"not a record id: {value!r}")
    return number


def clamp_page(page: int | None) -> int:
    return min(max(page or 1, 1), MAX_PAGE)


def page_arg() -> int:
    """`?page=` of the current request, 1 when absent or not a number, within 1…MAX_PAGE."""
    return clamp_page(request.args.get("page", 1, type=int))


def safe_next(target: str | None) -> str | None:
    """A same-site relative path to go back to, or None: never an open redirect.

    Refuses absolute URLs, scheme-relative `//host`, backslashes and control characters (browsers
    and Werkzeug drop tabs and newlines, which turns `/\\t/evil` into `//evil`).
    """
    if not target or not target.startswith("/"):
        return None
    if "\\" in target or any(ord(c) < 32 or ord(c) == 127 for c in target):
        return None
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or target.startswith("//"):
        return None
    return target
