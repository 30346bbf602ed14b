"""Which requests the page cache answers and which answers it keeps: the request hooks."""

from __future__ import annotations

import logging

from flask import current_app, g, request, session
from flask.globals import _cv_request
from flask_login import current_user
from redis.exceptions import RedisError

from app import clock
from app.headers import header
from app.pagecache.store import Entry, _state

log = logging.getLogger("smallworks.pagecache")

#: Where a miss in the front (`app.pagecache.front`) leaves (generation, key, started) for the
#: request hooks.
LOOKED_UP = "smallworks.pagecache.looked_up"

#: The pages and API reads kept as rendered: the public side, opted in one by one, so that a new
#: endpoint is cached only once someone has checked what it shows (and registered its time edge).
#: Not here: files (attachments, minutes, photos, the verifier), the meeting screen (it shows the
#: time to the minute), forms, and everything under /staff, /admin, /account, /owner, /contractor,
#: /supervision.
CACHED_ENDPOINTS = frozenset(
    {
        "public.home",
        "public.search",
        "notices.index",
        "notices.detail",
        "notices.feed",
        # 公开时限: changes by a publication, or at midnight (the default months roll then).
        "notices.timeliness",
        # Policies and guides: change by a write; a policy's 尚未施行 ends at local midnight.
        "guides.index",
        "guides.detail",
        "notices_api.list_notices",
        "notices_api.get_notice",
        "draws.index",
        "draws.detail",
        "draws_api.list_draws",
        "draws_api.get_draw",
        "pool.roster",
        "pool.calls",
        "pool.call",
        "pool.contractor",
        "pool.draw_subject",
        "pool_api.list_members",
        "sanctions.index",
        "sanctions.archive",
        "sanctions.detail",
        "sanctions_api.list_sanctions",
        "sanctions_api.of_company",
        "projects.index",
        "projects.detail",
        "projects_api.list_projects",
        "projects_api.get_project",
        # OCDS: a package changes only by a write (its releases are dated by their steps). Not
        # the change feed (`?since=` in the future is refused by the clock) nor the streamed
        # bulk download.
        "ocds_api.get_package",
        "ocds_api.extension",
        "complaints_api.list_complaints",
        "complaints_api.get_complaint",
        "offices.index",
        "offices.detail",
        "offices_api.list_offices",
        "evaluations.criteria",
        # 公开数据: its figures change only by writes (a meeting, a letter).
        "stats.index",
        "stats_api.get_stats",
        # Revision histories (app.history): changed by writes; a project's responses appear when
        # they close — the "trading" time edge (contracts.queries.next_clock_change).
        "history.detail",
        "history_api.get_history",
    }
)

#: Headers not kept with an entry: the cookie rule keeps Set-Cookie out anyway; Content-Length is
#: set again from the body; X-Page-Cache says what happened to this request, X-Request-ID which
#: request it was (app.observability); Date when it was answered (the server sends its own).
_UNKEPT = frozenset({"set-cookie", "content-length", "x-page-cache", "x-request-id", "date"})


def personal(response) -> bool:
    """Whether an answer may be someone's own: any request but GET/HEAD, a signed-in visitor's,
    one that changed the session (a CSRF token made, a message flashed or shown) or sets a
    cookie. The Cache-Control policy (app.headers) makes such answers `private, no-store`, and the
    page cache never keeps them: one rule for both."""
    # The request context read once, and Set-Cookie looked for without the KeyError that
    # Werkzeug's `in` makes and catches when it is absent (issue 14).
    ctx = _cv_request.get()
    return (
        ctx.request.method not in ("GET", "HEAD")
        or current_user.is_authenticated
        or ctx.session.modified
        or header(response.headers, "set-cookie") is not None
    )


def _lookup():
    """before_request: serve a kept answer at once, or note what to store after the view."""
    if (
        request.method not in ("GET", "HEAD")
        or request.endpoint not in CACHED_ENDPOINTS
        or current_user.is_authenticated
        or session.get("_flashes")
    ):
        return None
    looked_up = request.environ.pop(LOOKED_UP, None)
    if looked_up is not None:  # the front asked the store already, and found nothing true
        g.page_cache = looked_up
        return None
    pages = _state()
    if not pages.usable():
        return None
    started = clock.now()
    try:
        found = pages.look_up(request)
    except Exception:
        # As in `_store`: the page can still be rendered; only the cache failed. Say so, and
        # neither serve nor keep.
        log.exception("page cache: could not look up %s", request.path)
        return None
    if found is None:
        return None
    generation, key, entry = found
    if entry is None or not entry.true_at(started):
        g.page_cache = (generation, key, started)
        return None
    g.page_cache_hit = True
    response = current_app.response_class(entry.body, status=200, headers=entry.headers)
    response.headers["X-Page-Cache"] = "hit"
    return response.make_conditional(request)


def storable(response) -> bool:
    """Whether an answer may be kept for every anonymous visitor."""
    cc = response.cache_control
    return (
        response.status_code == 200
        and not response.direct_passthrough
        and not response.is_streamed
        and not personal(response)
        and not (cc.no_store or cc.private)
    )


def _store(response):
    """after_request (the last one: the answer is final, ETag and headers included): keep it."""
    pending = g.pop("page_cache", None)
    if pending is None or g.get("page_cache_hit"):
        return response
    if storable(response):
        generation, key, started = pending
        pages = _state()
        try:
            until = pages.valid_until(generation, started)
            if clock.now() < until:
                headers = tuple(
                    (k, v) for k, v in response.headers.items() if k.lower() not in _UNKEPT
                )
                entry = Entry(response.get_data(), headers, started, until, request.endpoint)
                pages.backend.set(key, entry, timeout=pages.timeout(until))
        except RedisError as e:
            pages.failed(e)
        except Exception:
            # The answer is right; only keeping it failed (the store or an edge query): say so
            # and serve it.
            log.exception("page cache: could not store %s", request.full_path)
    response.headers["X-Page-Cache"] = "miss"
    return response
