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
`personal` rule as the Cache-Control policy in create_app), a file (`direct_passthrough`), and
any endpoint not listed in `CACHED_ENDPOINTS`.

The store is Flask-Caching's: in-process (SimpleCache) in the embedded default, Redis in
production, where the generation is a Redis counter every worker and the scheduler share. A
store that does not answer is no error: pages are served uncached meanwhile (docs/deploy.md,
"When Redis is down"; `PageCache.failed`).
"""

from __future__ import annotations

import hashlib
import logging
import math
import secrets
import threading
from dataclasses import dataclass
from datetime import datetime, time, timedelta
from time import monotonic

from cachelib import SimpleCache as InProcessCache
from flask import Flask, current_app, g, has_app_context, request, session
from flask_babel import get_locale
from flask_caching import Cache
from flask_login import current_user
from redis.exceptions import RedisError
from sqlalchemy import event
from sqlalchemy.orm import Session

from app import clock, display
from app.wiring import registry

log = logging.getLogger("smallworks.pagecache")

cache = Cache()

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

#: Tables no public page reads: a write only to these leaves every cached page true. A sign-in
#: writes the account (last login), its throttle row and an audit entry; the SMS sender updates
#: its outbox every few seconds — none of which would be a reason to render the site again.
IGNORED_TABLES = frozenset(
    {
        "users",
        "login_throttles",
        "audit_entries",
        "sms_messages",
        "sms_preferences",
        "scheduler_heartbeats",
    }
)

#: The registry of time edges (`register_time_edge`).
TIME_EDGES = "app.time_edges"
#: `Session.info` key: this transaction wrote something a public page may show.
_WROTE = "smallworks.pagecache.wrote"
_STATE = "smallworks.pagecache"
_GENERATION = "pagecache:generation"
#: Headers not kept with an entry: the cookie rule keeps Set-Cookie out anyway; Content-Length is
#: set again from the body; X-Page-Cache says what happened to this request, X-Request-ID which
#: request it was (app.observability).
_UNKEPT = frozenset({"set-cookie", "content-length", "x-page-cache", "x-request-id"})


def register_time_edge(app: Flask, name: str, edge) -> None:
    """Let a domain say when its public pages change by the clock alone: `edge(now)` gives the
    earliest moment at or after `now` at which something it shows changes (a publicity ends, the
    responses close, a meeting's time comes), or None. Dates need no edge: the page cache always
    ends an entry at the next local midnight."""
    registry(TIME_EDGES, app)[name] = edge


def next_local_midnight(now: datetime) -> datetime:
    """The next 00:00 in Asia/Shanghai after `now`: today() and every date comparison roll over."""
    tomorrow = clock.local(now).date() + timedelta(days=1)
    return datetime.combine(tomorrow, time(0), tzinfo=clock.TZ)


def next_edge(now: datetime) -> datetime:
    """The earliest moment at or after `now` at which a public page may change without a write."""
    edges = [next_local_midnight(now)]
    for edge in registry(TIME_EDGES).values():
        moment = edge(now)
        if moment is not None:
            edges.append(moment)
    return min(edges)


def personal(response) -> bool:
    """Whether an answer may be someone's own: any request but GET/HEAD, a signed-in visitor's,
    one that changed the session (a CSRF token made, a message flashed or shown) or sets a
    cookie. The Cache-Control policy (create_app) makes such answers `private, no-store`, and the
    page cache never keeps them: one rule for both."""
    return (
        request.method not in ("GET", "HEAD")
        or current_user.is_authenticated
        or session.modified
        or "Set-Cookie" in response.headers
    )


# ---- the generation ---------------------------------------------------------------------------


class _LocalGeneration:
    """The embedded default's counter: one process, so a number in memory (never evicted, unlike
    an entry of the in-process store)."""

    def __init__(self) -> None:
        self._value = 0
        self._lock = threading.Lock()

    def read(self) -> int:
        return self._value

    def bump(self) -> None:
        with self._lock:
            self._value += 1


class _SharedGeneration:
    """Production's counter: a key of the shared store, bumped with Redis INCR by every worker
    and the scheduler process. A missing key (a new or flushed Redis) starts at a random number,
    so a generation used before is not used again while its entries may still be kept."""

    def __init__(self, backend) -> None:
        self._backend = backend

    def read(self) -> int:
        value = self._backend.get(_GENERATION)
        if value is None:
            self._backend.add(_GENERATION, secrets.randbelow(2**52) + 2**20, timeout=0)
            value = self._backend.get(_GENERATION)
        return int(value)

    def bump(self) -> None:
        self._backend.inc(_GENERATION)


# ---- one app's cache --------------------------------------------------------------------------


@dataclass(frozen=True)
class Entry:
    """A kept answer: its body and headers, and the app-clock interval in which it is true."""

    body: bytes
    headers: list[tuple[str, str]]
    rendered_at: datetime
    valid_until: datetime

    def true_at(self, now: datetime) -> bool:
        # Before rendered_at too: a test (or the demo) that moves the clock back.
        return self.rendered_at <= now < self.valid_until


class PageCache:
    """The store, the generation and the edges of one app (`app.extensions`)."""

    def __init__(self, app: Flask) -> None:
        self.backend = app.extensions["cache"][cache]
        local = isinstance(self.backend, InProcessCache)
        self.generation = _LocalGeneration() if local else _SharedGeneration(self.backend)
        self.max_age = int(app.config["PAGE_CACHE_MAX_AGE"])
        self.retry_seconds = float(app.config.get("PAGE_CACHE_RETRY_SECONDS", 5))
        self._retry_at = 0.0  # monotonic: while ahead of it, the store is not asked
        self._owed_bump = False  # the store failed: writes may have gone unannounced

    def usable(self) -> bool:
        return monotonic() >= self._retry_at

    def failed(self, error: Exception) -> None:
        """The store did not answer: serve uncached for PAGE_CACHE_RETRY_SECONDS, then ask again;
        and bump once it answers, since the commits in between could not."""
        if not self._owed_bump:
            log.warning("page cache: the store does not answer (%s); serving uncached", error)
        self._owed_bump = True
        self._retry_at = monotonic() + self.retry_seconds

    def bump(self) -> None:
        self.generation.bump()
        if self._owed_bump:
            self._owed_bump = False
            log.warning("page cache: the store answers again; its generation moved on")

    def current_generation(self) -> int:
        if self._owed_bump:
            self.bump()
        return self.generation.read()

    def key(self, generation: int) -> str:
        """Generation, path, query string exactly as asked (the page embeds it: the language
        links' `next`), locale, reading mode (app.display: large text is another rendering) and
        the public address (absolute links; in development it follows the request's Host). The
        method is not in it: HEAD is served what GET rendered."""
        parts = (
            request.path,
            request.query_string.decode("latin-1"),
            str(get_locale()),
            display.mode(),
        )
        digest = hashlib.sha256("\0".join((*parts, self.address())).encode()).hexdigest()
        return f"page:{generation}:{digest}"

    def address(self) -> str:
        """What decides `public_base_url()` for this request, cheaply (every hit asks): the
        configured address, or in development the scheme and Host the request came on."""
        if current_app.config.get("BASE_URL_FROM_REQUEST"):
            return f"{request.scheme}://{request.host}"
        return current_app.config["PUBLIC_BASE_URL"]

    def valid_until(self, generation: int, since: datetime) -> datetime:
        """The next time edge at or after `since`, computed once per generation: kept as the
        interval [from, edge) it holds for, and computed again outside it."""
        key = f"edge:{generation}"
        known = self.backend.get(key)
        if known is not None and known[0] <= since < known[1]:
            return known[1]
        edge = next_edge(since)
        self.backend.set(key, (since, edge), timeout=self.max_age)
        return edge

    def timeout(self, until: datetime) -> int:
        """Seconds the store keeps an entry: at most PAGE_CACHE_MAX_AGE, less when its edge is
        sooner (on a frozen clock that says little: the edge is checked on every hit anyway)."""
        left = (until - clock.now()).total_seconds()
        return max(1, min(self.max_age, math.ceil(left)))


def _state(app: Flask | None = None) -> PageCache | None:
    return (app or current_app).extensions.get(_STATE)


# ---- requests ---------------------------------------------------------------------------------


def _lookup():
    """before_request: serve a kept answer at once, or note what to store after the view."""
    if (
        request.method not in ("GET", "HEAD")
        or request.endpoint not in CACHED_ENDPOINTS
        or current_user.is_authenticated
        or session.get("_flashes")
    ):
        return None
    pages = _state()
    if not pages.usable():
        return None
    started = clock.now()
    try:
        generation = pages.current_generation()  # before the view reads anything
        key = pages.key(generation)
        entry = pages.backend.get(key)
    except RedisError as e:
        pages.failed(e)
        return None
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
                headers = [(k, v) for k, v in response.headers.items() if k.lower() not in _UNKEPT]
                entry = Entry(response.get_data(), headers, started, until)
                pages.backend.set(key, entry, timeout=pages.timeout(until))
        except RedisError as e:
            pages.failed(e)
        except Exception:
            # The answer is right; only keeping it failed (the store or an edge query): say so
            # and serve it.
            log.exception("page cache: could not store %s", request.full_path)
    response.headers["X-Page-Cache"] = "miss"
    return response


# ---- writes -----------------------------------------------------------------------------------


def _shown(obj) -> bool:
    table = getattr(obj, "__table__", None)
    return table is None or table.name not in IGNORED_TABLES


def _note_flush(session: Session, _flush_context) -> None:
    if any(_shown(o) for o in (*session.new, *session.dirty, *session.deleted)):
        session.info[_WROTE] = True


def _note_statement(state) -> None:
    """UPDATE/INSERT/DELETE run through the session (no flush sees them), and any other
    statement that is not a SELECT (text(): counted as a write unless it reads)."""
    if state.is_select:
        return
    if state.is_insert or state.is_update or state.is_delete:
        table = getattr(state.statement, "table", None)
        if getattr(table, "name", None) in IGNORED_TABLES:
            return
    elif str(state.statement).lstrip().upper().startswith("SELECT"):
        return
    state.session.info[_WROTE] = True


def _bump_after_commit(session: Session) -> None:
    if not session.info.pop(_WROTE, False) or not has_app_context():
        return
    pages = _state()
    if pages is not None:
        try:
            pages.bump()
        except RedisError as e:
            pages.failed(e)  # moved on when the store answers again
        except Exception:
            # The commit stands; a page may now be served stale until its wall-clock bound.
            log.exception("page cache: could not bump the generation after a commit")


def _forget_after_rollback(session: Session, *_args) -> None:
    session.info.pop(_WROTE, None)


def _listen_to_sessions() -> None:
    """Once per process (SQLAlchemy's events are the Session class's): each handler finds the
    app of the moment, and does nothing for an app without a page cache."""
    for name, handler in (
        ("after_flush", _note_flush),
        ("do_orm_execute", _note_statement),
        ("after_commit", _bump_after_commit),
        ("after_rollback", _forget_after_rollback),
    ):
        if not event.contains(Session, name, handler):
            event.listen(Session, name, handler)


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
