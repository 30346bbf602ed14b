"""URL helpers shared by the views: the app's `url_for` (public address, memo), bounded integer
ids, page numbers, safe redirect targets.

Every integer taken from a request is bounded here, once: `<int:…>` in a route (the converter
below, installed by `create_app` in place of Werkzeug's), `record_id` for an id in a query string
or a form (`request.args.get("m", type=record_id)`), `page_arg` for `?page=`, and the house forms
(`app.forms`) for an `IntegerField`. An integer beyond PostgreSQL's INTEGER made the database
raise, i.e. a 500; here it is simply not a record (404) or not a page (the last one).

A number in a URL is written in ASCII digits (`whole_number`): Python's `int()` and the regular
expression digit class also read "２" (fullwidth) and the digits of other scripts, so `?page=２`
was page 2 and `/notices/２` notice 2; here they are not numbers, like any other bad one.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from functools import lru_cache, partial
from urllib.parse import urlsplit

from flask import Flask, current_app, has_request_context, request, url_for
from flask.globals import _cv_request
from markupsafe import Markup
from werkzeug.routing import IntegerConverter
from werkzeug.sansio.utils import get_current_url

from app import i18n
from app.jsonout import JSONProvider

#: PostgreSQL's INTEGER: an id above it cannot exist, so it is a 404, not a database error.
MAX_ID = 2**31 - 1
#: Beyond this a page is empty anyway; the bound keeps the SQL OFFSET within range.
MAX_PAGE = 100_000


class BoundedIntConverter(IntegerConverter):
    """`<int:…>` that matches only ids a database column can hold, in ASCII digits (others fall
    through to 404; Werkzeug's digit class matches "２" too)."""

    regex = r"[0-9]+"

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
        return _origin(request.scheme, request.host)
    return config["PUBLIC_BASE_URL"].rstrip("/")


@lru_cache(maxsize=64)
def _origin(scheme: str, host: str) -> str:
    """`request.host_url` without its slash, kept by what it is made of (issue 14): Werkzeug
    builds it anew for each request (~115 calls: IRI decoding, IDNA, quoting), and every page
    asks for it (its SiteDomain). The few addresses a development server is asked on."""
    return get_current_url(scheme, host).rstrip("/")


def whole_number(value: str) -> int:
    """A number as a link or a form writes it, ASCII digits only, as `type=` of
    `request.args.get`: a ValueError otherwise (which `get` turns into its default). `int()`
    alone also reads "２", " 2", "+2" and "1_0"."""
    if not (isinstance(value, str) and value.isascii() and value.isdigit()):
        raise ValueError(f"not a whole number: {value!r}")
    return int(value)


def record_id(value: str) -> int:
    """An id given as text, as `type=` of `request.args.get` / `request.form.get`: a ValueError
    (which those turn into their default) unless it is a whole number a database id can be."""
    number = whole_number(value)
    if not 0 < number <= MAX_ID:
        raise ValueError(f"not a record id: {value!r}")
    return number


def clamp_page(page: int | None) -> int:
    return min(max(page or 1, 1), MAX_PAGE)


def page_arg() -> int:
    """`?page=` of the current request, 1 when absent or not a number (`whole_number`), within
    1…MAX_PAGE: the one reading of a page number, for every list."""
    return clamp_page(request.args.get("page", 1, type=whole_number))


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


#: A value written into a URL's path or query as it is: urllib's `quote`, which Werkzeug builds
#: both with, never changes these characters.
_AS_IS = re.compile(r"[A-Za-z0-9_.-]+")
#: Stands for the value in `links`' model URL (itself written as it is).
_MARK = "x-link-value-x"


def links(endpoint: str, name: str) -> Callable[[str], str]:
    """`url_for(endpoint, **{name: value})` for the many values of one page (the home page's
    400 offices, issue 14): the URL is built once with a mark in the value's place, and each
    value that is written as it is (`_AS_IS`, e.g. an office's or a project's code) is put in
    the mark's place; any other value is built by `url_for` (tests/web/test_office_cards.py
    compares the two for any value)."""
    head, mark, tail = url_for(endpoint, **{name: _MARK}).rpartition(_MARK)

    def link(value: str) -> str:
        if mark and _AS_IS.fullmatch(value):
            return f"{head}{value}{tail}"
        return url_for(endpoint, **{name: value})

    return link


#: `_relative_url` called without the caller's key: it makes it.
_UNKNOWN: tuple = ("no key given",)


class SmallworksFlask(Flask):
    """Flask whose absolute URLs are on the public address, never on the request's Host.

    `url_for(..., _external=True)` — in views, the API and templates alike — would otherwise
    follow the Host header a client sends (`Host: evil.example` → links to it, and into any
    cache that stores the answer). PUBLIC_BASE_URL is the origin the platform is served from;
    relative URLs are unchanged.
    """

    json_provider_class = JSONProvider

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        #: Relative URLs already built, by everything their building reads (`_url_key`).
        self._url_memo: dict[tuple, str] = {}
        #: `ensure_sync` of each function it was given (`ensure_sync`).
        self._sync_memo: dict = {}
        #: Parts of pages kept by what they show (`kept_part`).
        self._part_memo: dict[tuple, Markup] = {}

    def ensure_sync(self, func: Callable) -> Callable:
        """Flask's `ensure_sync`, its answer kept per function (issue 14).

        Flask asks it of every request hook, context processor and view on every request: ~20
        `inspect.iscoroutinefunction` calls, ~1 µs each, whose answer is a property of the
        function's code. The functions asked are the app's registered ones (a few dozen); the
        memo is bounded all the same (emptied when full), and an async function's wrapper is
        kept like any other answer."""
        try:
            answer = self._sync_memo.get(func)
        except TypeError:  # an unhashable callable
            return super().ensure_sync(func)
        if answer is not None:
            return answer
        answer = super().ensure_sync(func)
        if len(self._sync_memo) >= SYNC_MEMO_SIZE:
            self._sync_memo.clear()
        self._sync_memo[func] = answer
        return answer

    def url_for(self, /, endpoint: str, *, _external: bool | None = None, **values) -> str:
        ctx = _cv_request.get(None)
        if ctx is None:
            return super().url_for(endpoint, _external=_external, **values)
        absolute = _external or values.get("_scheme")
        if absolute:
            values.pop("_scheme", None)  # the public address says http or https
            _external = False  # the relative URL, put after the public address
        # `_relative_url`, its memo read here: a page asks for 10–40 links, and each call and
        # lookup on the way cost more than the read itself (issue 14).
        key = self._url_key(endpoint, _external, values, ctx)
        try:
            url = self._url_memo[key]  # no key (None) is never kept
        except KeyError:
            url = self._relative_url(endpoint, _external, values, key)
        return public_base_url() + url if absolute else url

    def _relative_url(
        self, endpoint: str, external: bool | None, values: dict, key: tuple | None = _UNKNOWN
    ) -> str:
        """`url_for` of a request, built once per process for the same inputs (issue 14).

        Building walks Werkzeug's rules and converters (~20 µs), and a page builds the same
        links (its nav, its footer) on every request. The relative URL is a pure function of
        the endpoint, the values and the request's URL adapter (script root, host, scheme,
        method); `_url_key` names all of them, or None when the result might depend on
        anything else, and then it is built as usual. The memo is per app, bounded
        (URL_MEMO_SIZE, emptied when full) and safe under threads (a race builds twice).
        `key`: `_url_key`'s, when the caller has it already.
        """
        if key is _UNKNOWN:
            key = self._url_key(endpoint, external, values)
        if key is None:
            return super().url_for(endpoint, _external=external, **values)
        return self._kept(key, partial(Flask.url_for, self, endpoint, _external=external, **values))

    def _kept(self, key: tuple, build: Callable[[], str]) -> str:
        """The memo's value for `key`, built and kept the first time (the memo emptied when full)."""
        try:
            return self._url_memo[key]
        except KeyError:
            value = build()
            if len(self._url_memo) >= URL_MEMO_SIZE:
                self._url_memo.clear()
            self._url_memo[key] = value
            return value

    def _url_key(
        self, endpoint: str, external: bool | None, values: dict, ctx=None
    ) -> tuple | None:
        """Everything a relative URL of the current request is built from, or None.

        None: before the first request (routes may still be added), when `url_defaults` or
        build-error handlers could add to or replace the result, or when a value is not a
        plain str/int/bool/None (a list, an object whose text may change) or is long (a
        client-given `next` would fill the memo). Types are part of the key: 1, 1.0 and
        True are equal but read "1", "1.0" and "True". `ctx`: the request context, if the
        caller has it.
        """
        address = self.address_key(ctx)
        if address is None:
            return None
        items = []
        for name, value in values.items():
            kind = type(value)
            if kind not in _MEMO_TYPES or (kind is str and len(value) > URL_MEMO_VALUE_MAX):
                return None
            items.append((name, kind, value))
        blueprint = _cv_request.get().request.blueprint if endpoint[:1] == "." else None
        return (endpoint, blueprint, external, address, tuple(items))

    def address_key(self, ctx=None) -> tuple | None:
        """What a relative URL of the current request depends on besides its endpoint and values
        (the URL adapter's script root, host, scheme and method), or None when it may depend on
        more: before the first request (routes may still be added), when `url_defaults` could
        add values or build-error handlers replace the result, outside a request. What a page
        keeps per address (`kept_fragment`, app.home's home lists) is keyed by it. `ctx`: the
        request context, if the caller has it.

        Kept on the request's adapter once made (issue 14): a page asks for it with each of its
        links, and what it reads of the adapter is fixed when the adapter is made."""
        if (
            not self._got_first_request
            or self.url_default_functions
            or self.url_build_error_handlers
        ):
            return None
        if ctx is None:
            ctx = _cv_request.get(None)
        adapter = ctx.url_adapter if ctx is not None else None
        if adapter is None:
            return None
        try:
            return adapter._smallworks_address  # a call fewer than getattr, once it is kept
        except AttributeError:
            address = adapter._smallworks_address = (
                adapter.script_name,
                adapter.server_name,
                adapter.subdomain,
                adapter.url_scheme,
                adapter.default_method,
            )
            return address

    def kept_fragment(self, name: str, *values, caller) -> Markup:
        """`{% call kept_fragment("mainnav") %}…{% endcall %}` in a template: the block rendered
        once per process for each language and address (issue 14), e.g. the layout's navigation:
        twelve links and their words, the same on every page.

        The block may use only `url_for` of absolute endpoints (".x" depends on the page),
        `_()` and the `values` passed after the name, which are part of the key (e.g. a name
        from the config); never the visitor, the request's path or the page's own variables.
        Kept per app, by the name, the values, the request's locale and `address_key` (the
        same rules as the URL memo, whose bound it shares); rendered every time when that is
        None or a text value is long (a client-given path, as for the URL memo).
        """
        address = self.address_key()
        if address is None or any(
            type(value) is str and len(value) > URL_MEMO_VALUE_MAX for value in values
        ):
            return caller()
        return self._kept(("fragment", name, values, str(i18n.request_locale()), address), caller)

    def kept_part(self, name: str, key, *values, caller) -> Markup:
        """`{% call kept_part("draw-body", key, …) %}…{% endcall %}` in a template: a part of a
        page rendered once per process for each `key` the view gives, `values`, language and
        address (issue 14) — e.g. the body of a drawn draw's page, which its row alone decides.

        The view's `key` holds everything the block shows besides `values` (the template's own
        names, e.g. the office's), the language and the address: a record's whole row, not its
        id; None when the part may show anything else (the visitor, the clock), and then it is
        rendered every time, as it is when `address_key` is None. Kept per app, apart from the
        URL memo (parts are larger): at most PART_MEMO_SIZE, emptied when full."""
        if key is None:
            return caller()
        address = self.address_key()
        if address is None:
            return caller()
        whole = (name, key, values, str(i18n.request_locale()), address)
        try:
            return self._part_memo[whole]
        except KeyError:
            part = caller()
            if len(self._part_memo) >= PART_MEMO_SIZE:
                self._part_memo.clear()
            self._part_memo[whole] = part
            return part


#: Functions whose `ensure_sync` an app keeps: its hooks, processors, views and error handlers.
SYNC_MEMO_SIZE = 1024
#: Relative URLs a process keeps (per app); a page of links is ~100 of them.
URL_MEMO_SIZE = 4096
#: Parts of pages a process keeps (per app, `kept_part`): a drawn draw's body is 5–40 KB.
PART_MEMO_SIZE = 256
#: A longer text value (a `next=` path and query) is built, not kept.
URL_MEMO_VALUE_MAX = 200
#: The types of values whose URL text is a function of their value and type alone.
_MEMO_TYPES = frozenset({str, int, bool, type(None)})
