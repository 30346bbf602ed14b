"""The page cache: anonymous public pages and API GETs kept as rendered (issue 14, item 3).

A public page is the same for every anonymous visitor who asks for the same URL in the same
language, and most of them are read far more often than anything on them changes. So the first
anonymous GET of such a page is rendered and its answer kept; the next ones are served from the
store before any view runs (`X-Page-Cache: hit`), with the same bytes and the same ETag.

An entry is served only while it is still true:

- **Writes.** Every commit that wrote something a public page may show bumps a *generation*
  counter, after the commit. A request reads the generation first, before it reads any data, and
  keys what it stores with it: whatever it read is at least as new as that generation, so a race
  with a commit can only store a page under a generation already outdated, never stale content
  under the current one. The writes are noticed on the session (ORM flushes, and UPDATE / INSERT /
  DELETE statements run through it — a draw is closed by one); writes only to tables no public
  page reads (`IGNORED_TABLES`) do not count.
- **The clock.** Much of what the pages show changes with time alone: a publicity period ends, the
  responses close, the meeting's time comes, a date rolls over at local midnight. Each domain
  registers a *time edge* (`register_time_edge`): the next moment at or after `now` at which
  something it shows changes by the clock. An entry keeps `valid_until`, the earliest edge after
  the moment its request started (the next local midnight always among them), and is refused
  from then on — measured on `app.clock`, so a frozen clock in the tests moves it too. The edges
  are computed once per generation, not on every miss.
- **Wall-clock bound.** The store forgets an entry after PAGE_CACHE_MAX_AGE seconds whatever
  happens, in case a write escapes the session (a database changed by hand).

Never cached: a signed-in visitor's page, any request that carries flashed messages, anything
but GET/HEAD, anything but a 200, an answer that sets a cookie or changes the session (the same
`personal` rule as the Cache-Control policy in app.headers), a file (`direct_passthrough`), and
any endpoint not listed in `CACHED_ENDPOINTS`.

The store is Flask-Caching's: in-process (SimpleCache) in the embedded default, Redis in
production, where the generation is a Redis counter every worker and the scheduler share. A
store that does not answer is no error: pages are served uncached meanwhile (docs/deploy.md,
"When Redis is down"; `PageCache.failed`).

One module a part: `edges` (when a page changes by the clock), `store` (one app's store, its
generation and the kept entries), `serving` (which requests are answered from it and which answers
are kept: the request hooks and `CACHED_ENDPOINTS`), `writes` (which commits move the generation
on), `front` (the hits answered before Flask makes a request context, for visitors with no
session). Domains register their time edges with `register_time_edge`, from here.
"""

from __future__ import annotations

from flask import Flask

from app.pagecache.edges import register_time_edge
from app.pagecache.front import Front
from app.pagecache.serving import _lookup, _store
from app.pagecache.store import _STATE, PageCache, cache
from app.pagecache.writes import _listen_to_sessions

__all__ = ["init_app", "register_time_edge"]


def init_app(app: Flask) -> None:
    """Bind the store and the request hooks (create_app calls it before the security headers and
    the Cache-Control policy, so that the store, registered first, runs after them: Flask runs
    after_request functions last-registered first). With PAGE_CACHE off nothing is bound."""
    if not app.config.get("PAGE_CACHE"):
        return
    cache.init_app(app)
    app.extensions[_STATE] = PageCache(app)
    _listen_to_sessions()
    # First of all before_request functions: a hit is answered before the rate limiter, the
    # input check and the account guards run. None of them can matter to it: only a 200 to an
    # anonymous GET was kept, and a request they would refuse (a NUL in its query, say) never got
    # one, so its key finds nothing and it goes on to be refused. Hits cost a dictionary read:
    # limiting them protects nothing.
    app.before_request_funcs.setdefault(None, []).insert(0, _lookup)
    app.after_request(_store)
    # And before Flask: the hits of visitors with no session (create_app wraps the proxy fix
    # around it afterwards, so it sees the client's scheme and address as the app does).
    app.wsgi_app = Front(app, app.wsgi_app)
