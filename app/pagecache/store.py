"""One app's page cache: the store of kept entries, and the generation counter that keys them."""

from __future__ import annotations

import hashlib
import logging
import math
import secrets
import threading
from dataclasses import dataclass
from datetime import datetime
from functools import cache as once
from pathlib import Path
from time import monotonic

from cachelib import SimpleCache as InProcessCache
from flask import Flask, current_app
from flask_caching import Cache
from flask_caching.backends.simplecache import SimpleCache as FlaskCachingSimpleCache
from redis.exceptions import RedisError
from werkzeug.wrappers import Request

from app import clock, display, i18n
from app.pagecache.edges import next_edge

log = logging.getLogger("smallworks.pagecache")

cache = Cache()

#: Where an app keeps its PageCache (`app.extensions`).
_STATE = "smallworks.pagecache"
#: The shared store's key of the generation counter (`_SharedGeneration`).
_GENERATION = "pagecache:generation"


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


# ---- the code that renders the pages -------------------------------------------------------------

#: What renders a kept page, under the project's root: the packages' code, the templates, the
#: compiled catalogues and the static files the pages link to.
_RENDERING = ("app", "notices", "contractors", "contracts", "lottery", "templates")
_RENDERING_FILES = (".py", ".html", ".mo", ".css", ".js", ".svg", ".txt", ".json")


@once
def rendering_fingerprint(root: Path) -> str:
    """A digest of every file under `root` that renders a page (`_RENDERING`), read once per
    process (~10 ms for the project's 4 MB).

    Part of every entry's key: production's store is Redis, which outlives a deploy. Without it
    the pages kept by the old code — its markup, its words, its links — would be served by the
    new code's workers until a write or PAGE_CACHE_MAX_AGE ended them, and during a rolling
    deploy the old workers and the new ones would each serve the other's pages under one key."""
    digest = hashlib.sha256()
    for top in _RENDERING:
        for path in sorted((root / top).rglob("*")):
            if path.suffix in _RENDERING_FILES and path.is_file():
                digest.update(str(path.relative_to(root)).encode() + b"\0")
                digest.update(hashlib.sha256(path.read_bytes()).digest())
    return digest.hexdigest()[:16]


# ---- one app's cache --------------------------------------------------------------------------


@dataclass(frozen=True)
class Entry:
    """A kept answer: its body and headers, the app-clock interval in which it is true, and the
    endpoint that rendered it (the front counts its hits by it)."""

    body: bytes
    headers: tuple[tuple[str, str], ...]
    rendered_at: datetime
    valid_until: datetime
    endpoint: str = "unmatched"

    def true_at(self, now: datetime) -> bool:
        # Before rendered_at too: a test (or the demo) that moves the clock back.
        return self.rendered_at <= now < self.valid_until


class _Kept:
    """The in-process store's serializer: none. Flask-Caching's SimpleCache pickles each value
    it keeps and unpickles it on every read (~15 µs a hit); what the page cache keeps is
    immutable (an Entry, a pair of moments), so the object itself is kept."""

    @staticmethod
    def dumps(value, protocol=None):
        return value

    @staticmethod
    def loads(value):
        return value


class InProcessStore(FlaskCachingSimpleCache):
    """The embedded default's store (CACHE_TYPE): Flask-Caching's SimpleCache, without pickling."""

    serializer = _Kept()


class PageCache:
    """The store, the generation and the edges of one app (`app.extensions`)."""

    def __init__(self, app: Flask) -> None:
        self.config = app.config
        self.backend = app.extensions["cache"][cache]
        local = isinstance(self.backend, InProcessCache)
        self.generation = _LocalGeneration() if local else _SharedGeneration(self.backend)
        self.max_age = int(app.config["PAGE_CACHE_MAX_AGE"])
        self.retry_seconds = float(app.config.get("PAGE_CACHE_RETRY_SECONDS", 5))
        # The project's root: app/ is one of its packages.
        self.build = rendering_fingerprint(Path(app.root_path).parent)
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

    def look_up(self, req: Request) -> tuple[int, str, Entry | None] | None:
        """(generation, key, the kept entry or None) of a request — the generation read first,
        before the view reads anything — or None when the store does not answer (`failed`)."""
        try:
            generation = self.current_generation()
            key = self.key(generation, req)
            return generation, key, self.backend.get(key)
        except RedisError as e:
            self.failed(e)
            return None

    def key(self, generation: int, req: Request) -> str:
        """The code that renders (`rendering_fingerprint`), generation, script root and path, query string exactly as asked (the page embeds it: the language
        links' `next`), locale, reading mode (app.display: large text is another rendering) and
        the public address (absolute links; in development it follows the request's Host). The
        method is not in it: HEAD is served what GET rendered. A pure function of the request
        (its path, query, cookies and Host), so that the front (`app.pagecache.front`) computes
        it before Flask has made a request context, and the request hooks after, alike."""
        cookies = req.cookies
        parts = (
            req.script_root,  # mounted under a prefix, every link of the page carries it
            req.path,
            req.query_string.decode("latin-1"),
            str(i18n.locale_of(cookies)),
            display.mode_of(cookies),
            self.address(req),
        )
        digest = hashlib.sha256("\0".join(parts).encode()).hexdigest()
        return f"page:{self.build}:{generation}:{digest}"

    def address(self, req: Request) -> str:
        """What decides `public_base_url()` for this request, cheaply (every hit asks): the
        configured address, or in development the scheme and Host the request came on."""
        if self.config.get("BASE_URL_FROM_REQUEST"):
            return f"{req.scheme}://{req.host}"
        return self.config["PUBLIC_BASE_URL"]

    def valid_until(self, generation: int, since: datetime) -> datetime:
        """The next time edge at or after `since`, computed once per generation: kept as the
        interval [from, edge) it holds for, and computed again outside it."""
        key = f"edge:{self.build}:{generation}"
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
