"""The reading mode a visitor chose: standard, or large text with high contrast (适老化).

工信部《互联网应用适老化及无障碍改造专项行动方案》 asks public sites for a large-text,
high-contrast mode that older readers can switch on once and keep. The choice is a cookie set by a
plain link (no JavaScript, `public.set_display`); the page is rendered with a class on <html>, so
the same address has two renderings: the page cache keys by `mode()` as it does by the language,
and the pages vary by Cookie for shared caches (Flask adds it: every page reads the session).
"""

from __future__ import annotations

from flask import has_request_context, request

DISPLAY_COOKIE = "display"
STANDARD = "standard"
LARGE = "large"
MODES = (STANDARD, LARGE)


def mode() -> str:
    """The current request's mode (STANDARD outside a request)."""
    return mode_of(request.cookies) if has_request_context() else STANDARD


def mode_of(cookies) -> str:
    """The mode a request's cookies choose: LARGE only when the cookie says exactly so (also read
    by the page cache's key before any request context exists, `app.pagecache`)."""
    return LARGE if cookies.get(DISPLAY_COOKIE) == LARGE else STANDARD
