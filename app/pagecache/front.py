"""The front: kept answers served before Flask makes a request context (issue 14, cache on).

A hit served from the request hooks (`serving._lookup`) still paid for everything Flask does
around a view: the request and app contexts, the session cookie, Flask-Login's anonymous user,
the after_request functions, the session's save. That is most of a hit's cost, for an answer
already final. So a WSGI middleware in front of the app answers what it can on its own:

- a GET or HEAD,
- that carries neither the session cookie nor the remember-me cookie — a visitor with neither is
  anonymous and has no flashed messages, whatever Flask would find; with either, the request goes
  on to Flask, whose hooks decide as before (a signed-out visitor with a session is still served
  from the store there),
- for which the store holds an entry under the same key the hooks would use (the key is a pure
  function of the request: `PageCache.key`), true at this moment of the app clock. Only an
  endpoint in `CACHED_ENDPOINTS` ever stored one, so the front need not route the path.

It answers with the entry's body and headers, the same `X-Page-Cache: hit`, a request id, the
`Vary: Cookie` Flask's session adds to every page, and a 304 to a matching If-None-Match; and it
counts and logs the request as the hooks would (`observability.answered`). Anything else (no
entry, an entry past its edge, a store that does not answer, a path Flask redirects or does not
know) goes on to Flask unchanged; a miss hands its lookup on (`LOOKED_UP`), so the hooks do not
ask the store a second time.

Nothing a hit skips can matter to it. The rate limits: hits were answered before them already
(`app.pagecache.init_app`). The input check and the account guards: only a 200 to an anonymous GET
was ever kept, and a request they refuse never got one, so its key finds nothing and it goes on to
be refused. The only cookies a public page reads besides those two are the language and the
reading mode, and both are in the key.
"""

from __future__ import annotations

import logging
import time

from werkzeug.wrappers import Response

from app import clock, observability
from app.pagecache.serving import LOOKED_UP
from app.pagecache.store import _state

log = logging.getLogger("smallworks.pagecache")

#: Headers Flask adds to every page after the last after_request function (the session's
#: `Vary: Cookie`), so not among an entry's headers.
_ADDED_BY_FLASK = (("Vary", "Cookie"),)


class Front:
    """WSGI middleware: the kept answer of an anonymous GET, or the app."""

    def __init__(self, app, wsgi_app) -> None:
        self.app = app
        self.wsgi_app = wsgi_app

    def __call__(self, environ, start_response):
        if environ.get("REQUEST_METHOD") in ("GET", "HEAD"):
            try:
                answer = self.kept_answer(environ)
            except Exception:
                # Outside Flask an error would reach the server as a bare 500: the front only
                # saves time, so whatever fails in it (an entry that does not load, say) leaves
                # the request to Flask, which answers it as if the front were not there.
                log.exception("page cache: the front could not answer %s", environ.get("PATH_INFO"))
                environ.pop(LOOKED_UP, None)
                answer = None
            if answer is not None:
                return answer(environ, start_response)
        return self.wsgi_app(environ, start_response)

    def kept_answer(self, environ):
        """A WSGI app that answers the request from the store, or None (Flask answers it)."""
        started = time.perf_counter()
        pages = _state(self.app)
        if pages is None or not pages.usable():
            return None
        req = self.app.request_class(environ)
        cookies, config = req.cookies, self.app.config
        # The cookies that make a request possibly someone's: Flask's session and remember-me.
        if config["SESSION_COOKIE_NAME"] in cookies or (
            config.get("REMEMBER_COOKIE_NAME", "remember_token") in cookies
        ):
            return None
        now = clock.now()
        found = pages.look_up(req)
        if found is None:
            return None
        generation, key, entry = found
        if entry is None or not entry.true_at(now):
            # Whatever the path (only a cached endpoint's 200 was ever kept): the hooks decide.
            environ[LOOKED_UP] = (generation, key, now)
            return None
        rid = observability.request_id_of(environ)
        headers = [*entry.headers, *_ADDED_BY_FLASK, ("X-Page-Cache", "hit"), ("X-Request-ID", rid)]
        if any(name in environ for name in _CONDITIONAL):
            answer = Response(entry.body, status=200, headers=headers)
            answer.make_conditional(environ)
            status = answer.status_code
        else:  # most requests: the entry's headers were checked when it was first answered
            headers.append(("Content-Length", str(len(entry.body))))
            answer, status = _plain(headers, entry.body), 200
        observability.answered(
            entry.endpoint,
            req.method,
            req.path,
            status,
            time.perf_counter() - started,
            "hit",
            rid,
            log_line=config["LOG_REQUESTS"],
        )
        return answer


#: The request headers that can make the answer other than a 200 with the body (a 304, a 412):
#: those requests are answered by Werkzeug's `make_conditional`, as the request hooks do.
_CONDITIONAL = ("HTTP_IF_NONE_MATCH", "HTTP_IF_MODIFIED_SINCE", "HTTP_IF_MATCH")


def _plain(headers: list[tuple[str, str]], body: bytes):
    def answer(environ, start_response):
        start_response("200 OK", headers)
        return [] if environ["REQUEST_METHOD"] == "HEAD" else [body]

    return answer
