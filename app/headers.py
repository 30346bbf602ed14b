"""The headers of every answer: the security headers, and the one Cache-Control policy (with the
ETag and 304 of public pages) — registered by `create_app` after the page cache, so that the
cache keeps answers with their final headers."""

from __future__ import annotations

from flask import Flask, request
from flask import Response as FlaskResponse
from flask.globals import _cv_request
from werkzeug.datastructures import Headers
from werkzeug.http import generate_etag, http_date


def header(headers, lowered: str) -> str | None:
    """The first value of a header (`lowered`: its name in lower case), or None.

    For the hooks every request runs (issue 14): Werkzeug's `Headers.get` and `in` make and
    catch a BadRequestKeyError for an absent header (~2 µs), and the headers asked about
    (Vary, Cache-Control, X-Page-Cache) are mostly absent."""
    for name, value in headers:
        if name.lower() == lowered:
            return value
    return None


class Response(FlaskResponse):
    """Flask's response, whose headers for the WSGI server are copied without Werkzeug's
    checking them again, when it would change nothing (issue 14).

    Werkzeug's `get_wsgi_headers` copies the headers through `Headers.add`, which converts and
    checks each value again (~50 calls a page for its dozen headers), before it looks at the
    few that it may change: Location and Content-Location (made absolute URIs), Content-Length
    (dropped from a 1xx, 204 or 304, set when absent). A response whose headers include none
    of the first two, has a Content-Length, and whose status is none of those gets a plain copy
    of its list — what Werkzeug's copy holds then, every value a str already checked when it
    was set; any other takes Werkzeug's way."""

    def get_wsgi_headers(self, environ) -> Headers:
        headers = self.headers
        status = self.status_code
        if type(headers) is Headers and status >= 200 and status not in (204, 304):
            has_length = False
            for name, _value in headers:
                lowered = name.lower()
                if lowered == "content-length":
                    has_length = True
                elif lowered in ("location", "content-location"):
                    has_length = False
                    break
            if has_length:
                copy = Headers()
                copy._list.extend(headers._list)
                return copy
        return super().get_wsgi_headers(environ)


def init_app(app: Flask) -> None:
    _register_security_headers(app)
    _register_cache_policy(app)


def _register_security_headers(app: Flask) -> None:
    csp = (
        "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; "
        "object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors 'none'"
    )

    defaults = tuple(
        (name, name.lower(), value)
        for name, value in (
            ("Content-Security-Policy", csp),
            ("X-Content-Type-Options", "nosniff"),
            ("X-Frame-Options", "DENY"),
            # Never no-referrer: Flask-WTF's HTTPS referrer check needs the header (DESIGN.md).
            ("Referrer-Policy", "strict-origin-when-cross-origin"),
        )
    )
    api_defaults = (*defaults, ("Access-Control-Allow-Origin", "access-control-allow-origin", "*"))

    @app.after_request
    def headers(response):
        # Each header unless the view set its own. One pass over the few headers present:
        # Werkzeug's setdefault raises and catches a KeyError for each absent one (~2.5 µs).
        # An absent one is added at the end, where `headers[name] = value` puts it, without
        # that assignment's second pass looking for it.
        headers = response.headers
        present = {name.lower() for name, _value in headers}
        api = _cv_request.get().request.path.startswith("/api/")
        for name, lowered, value in api_defaults if api else defaults:
            if lowered not in present:
                headers.add(name, value)
        return response


#: Seconds a shared cache may keep an answer of the public API seen by an anonymous client.
PUBLIC_MAX_AGE = 60
#: Public pages may be stored but are revalidated on every use (a 304 by their ETag when nothing
#: changed): their state follows the clock, and the people at a meeting reload the project page
#: to read the result the moment it is drawn, not a minute later.
PUBLIC_PAGE_CACHE = "public, no-cache"


def _deliberately_public(response) -> bool:
    """The view said its content is the same for everyone (e.g. a drawn draw's minutes, served
    with an ETag): `public` with a lifetime. send_file's defaults (`no-cache`, or `public,
    max-age=0`) say nothing of the kind and are not taken as such."""
    cc = response.cache_control
    return bool(cc.public) and (cc.max_age or 0) > 0


def _register_cache_policy(app: Flask) -> None:
    """One Cache-Control rule for every response (issue 10, finding 19).

    - Anything that may be personal (`app.pagecache.serving.personal`: a signed-in visitor's page, any
      POST, any answer that sets or changes a cookie) is `private, no-store`, so no proxy keeps
      it and the browser's back button does not show it after logout; unless the view declared
      its content public.
    - An anonymous GET of the API that succeeded may be kept a short while by shared caches
      (`public, max-age=60`), with an ETag; a public page is `public, no-cache` with an ETag, so
      a cache keeps it but asks each time (304 when unchanged). A Cache-Control the view set
      itself is kept.
    - Any other anonymous answer (redirects, errors) is not stored.
    Pages that depend on the session or the language cookie carry `Vary: Cookie` (Flask adds it
    whenever the session is read), so a cache never gives one visitor another's page.
    """
    from app.pagecache.serving import personal

    @app.after_request
    def cache_control(response):
        if personal(response):
            if not _deliberately_public(response):
                response.headers["Cache-Control"] = "private, no-store"
        elif header(response.headers, "cache-control") is None:
            if response.status_code != 200:
                response.headers["Cache-Control"] = "no-store"
            elif _cv_request.get().request.path.startswith("/api/"):
                response.headers["Cache-Control"] = f"public, max-age={PUBLIC_MAX_AGE}"
                _conditional(response)
            else:
                response.headers["Cache-Control"] = PUBLIC_PAGE_CACHE
                if response.mimetype in _REVALIDATED:
                    _conditional(response)
        return response


#: What a public page answers with an ETag (files carry their own, or none).
_REVALIDATED = frozenset({"text/html", "application/atom+xml"})


#: The request headers Werkzeug's `make_conditional` reads (its range handling is off here).
_CONDITIONAL_HEADERS = (
    "HTTP_IF_NONE_MATCH",
    "HTTP_IF_MATCH",
    "HTTP_IF_MODIFIED_SINCE",
    "HTTP_IF_UNMODIFIED_SINCE",
    "HTTP_IF_RANGE",
    "HTTP_RANGE",
)


def _conditional(response) -> None:
    """An ETag of the body, and 304 to a client that already holds it (If-None-Match). The page
    cache keeps the answer with its ETag, so a hit answers the same.

    A request that asks nothing conditional (most: a first visit, a crawler) gets what Werkzeug's
    `make_conditional` gives it — a Date and a Content-Length, the status unchanged — without its
    parsing of every conditional header and its checks of the response's (~15 µs, issue 14);
    the others take `make_conditional` itself."""
    if response.direct_passthrough:
        return
    if header(response.headers, "etag") is None:  # `add_etag`, without its KeyError when absent
        response.set_etag(generate_etag(response.get_data()))
    environ = request.environ
    if environ["REQUEST_METHOD"] not in ("GET", "HEAD") or any(
        name in environ for name in _CONDITIONAL_HEADERS
    ):
        response.make_conditional(request)
        return
    headers = response.headers
    present = {name.lower() for name, _value in headers}
    if "date" not in present:
        headers["Date"] = http_date()
    if response.automatically_set_content_length and "content-length" not in present:
        length = response.calculate_content_length()
        if length is not None:
            headers["Content-Length"] = str(length)
