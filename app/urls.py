"""URL helpers shared by the views: bounded integer ids, page numbers, safe redirect targets."""

from __future__ import annotations

from urllib.parse import urlsplit

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


def clamp_page(page: int | None) -> int:
    return min(max(page or 1, 1), MAX_PAGE)


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
