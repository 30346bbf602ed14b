"""Issue 14 (scale), item 3: the page cache's front (app.pagecache.front) answers the kept pages of
visitors with no session before Flask makes a request context — with the same answer as the
request hooks would give, and never to anyone whose page may be their own."""

from __future__ import annotations

import json
import logging

import pytest
from flask import request_started

from app import observability
from app.extensions import db
from app.observability import JsonFormatter
from app.pagecache import store
from config import TestingConfig
from tests.conftest import build_app
from tests.factories import PASSWORD, Browser, make_notice, make_user
from tests.web.test_page_cache import PAGES, source

#: A session cookie that verifies nothing: Flask reads an empty session from it, and the request
#: is answered by the request hooks instead of the front.
SESSIONED = ("session", "not-a-signed-session")


@pytest.fixture(autouse=True)
def _page_cache_on(monkeypatch):
    monkeypatch.setattr(TestingConfig, "PAGE_CACHE", True)


@pytest.fixture
def frozen(now):
    return now(2026, 11, 25, 10, 0)


@pytest.fixture
def flask_requests(app):
    """The paths Flask made a request context for (its `request_started` signal)."""
    seen: list[str] = []

    def started(sender, **extra):
        from flask import request

        seen.append(request.path)

    request_started.connect(started, app)
    yield seen
    request_started.disconnect(started, app)


def browser(app, *cookies: tuple[str, str], **kw) -> Browser:
    b = Browser(app, **kw)
    for name, value in cookies:
        b.client.set_cookie(name, value)
    return b


def answered_by_front(response) -> bool:
    return source(response) == "hit"


def _comparable(response) -> tuple:
    """An answer without what differs from one request to the next (its id and its date)."""
    headers = sorted(
        (k, v) for k, v in response.headers.items() if k not in ("X-Request-ID", "Date")
    )
    return response.status_code, headers, response.get_data()


@pytest.mark.parametrize("language", [None, "en"])
def test_the_front_answers_as_the_request_hooks_do_without_a_request_context(
    app, frozen, flask_requests, language
):
    make_notice(make_user("staff"), title="某村道路硬化工程交易公告")
    extra = (("lang", language),) if language else ()
    for path in PAGES:
        first = browser(app, *extra).get(path)
        assert first.status_code == 200 and source(first) == "miss", path
        del flask_requests[:]
        front = browser(app, *extra).get(path)
        assert flask_requests == [], path  # answered before Flask
        hooks = browser(app, SESSIONED, *extra).get(path)
        assert flask_requests == [path.split("?")[0]]  # a session: Flask's hooks answered
        assert source(front) == source(hooks) == "hit", path
        assert _comparable(front) == _comparable(hooks), path
        assert front.headers["Vary"] == "Cookie", path  # shared caches keep languages apart
        assert front.get_data() == first.get_data(), path
        head = browser(app, *extra).open(path, "HEAD")
        assert head.status_code == 200 and head.get_data() == b"", path
        assert head.headers["Content-Length"] == str(len(first.get_data())), path


def test_a_remembered_visitor_with_no_session_is_never_given_the_kept_page(app, frozen):
    user = make_user("staff", display_name="记得我的经办人")
    make_notice(make_user("staff"))
    assert source(Browser(app).get("/")) == "miss"
    assert source(Browser(app).get("/")) == "hit"
    signer = Browser(app)
    signer.login(user.username, PASSWORD, remember="y")
    reopened = browser(app, ("remember_token", signer.client.get_cookie("remember_token").value))
    page = reopened.get("/")  # the browser reopened: its remember-me cookie, no session
    assert page.status_code == 200 and source(page) is None
    assert "记得我的经办人" in page.get_data(as_text=True)
    assert page.headers["Cache-Control"] == "private, no-store"


def test_the_front_counts_and_identifies_each_request_it_answers(app, frozen):
    make_notice(make_user("staff"))
    Browser(app).get("/notices/")
    counted = observability.REQUESTS.labels("notices.index", "2xx")
    before = counted._value.get()
    hit = Browser(app).get("/notices/", headers={"X-Request-ID": "proxy-given-id-1"})
    assert source(hit) == "hit" and hit.headers["X-Request-ID"] == "proxy-given-id-1"
    other = Browser(app).get("/notices/", headers={"X-Request-ID": "bad id <script>"})
    assert len(other.headers["X-Request-ID"]) == 16  # a made one: the offered one is no token
    assert counted._value.get() == before + 2
    revalidated = Browser(app).get("/notices/", headers={"If-None-Match": hit.headers["ETag"]})
    assert revalidated.status_code == 304 and revalidated.get_data() == b""
    assert observability.REQUESTS.labels("notices.index", "3xx")._value.get() >= 1


def test_a_miss_in_the_front_asks_the_store_once(app, frozen, monkeypatch):
    pages = store._state(app)
    asked: list[str] = []
    real_get = pages.backend.get

    def get(key):
        asked.append(key)
        return real_get(key)

    monkeypatch.setattr(pages.backend, "get", get)
    first = Browser(app).get("/projects/")
    assert source(first) == "miss"
    assert len([k for k in asked if k.startswith("page:")]) == 1
    del asked[:]
    assert source(Browser(app).get("/projects/")) == "hit"
    assert len([k for k in asked if k.startswith("page:")]) == 1


def test_behind_the_proxy_the_front_keys_by_the_clients_scheme(database_url, tmp_path, now):
    # The proxy fix wraps the front: with the address taken from the request (development), an
    # https page (absolute links in https) is never served to an http request, nor the reverse.
    app = build_app(
        database_url, tmp_path, PAGE_CACHE=True, PROXY_FIX_X_PROTO=1, BASE_URL_FROM_REQUEST=True
    )
    now(2026, 11, 25, 10, 0)
    with app.app_context():
        try:
            make_notice(make_user("staff"))
            https = {"X-Forwarded-Proto": "https"}
            secure = Browser(app).get("/notices/feed.atom", headers=https)
            assert source(secure) == "miss" and "https://localhost/" in secure.get_data(
                as_text=True
            )
            assert source(Browser(app).get("/notices/feed.atom", headers=https)) == "hit"
            plain = Browser(app).get("/notices/feed.atom")
            assert source(plain) == "miss" and "https://" not in plain.get_data(as_text=True)
            assert source(Browser(app).get("/notices/feed.atom")) == "hit"
        finally:
            db.session.remove()
            db.engine.dispose()


def test_the_log_lines_say_miss_then_hit_with_the_request_id(app, frozen, caplog):
    app.config["LOG_REQUESTS"] = True
    with caplog.at_level(logging.INFO, logger="smallworks.requests"):
        for rid in ("probe-miss-0001", "probe-hit-00001"):
            Browser(app).get("/notices/?q=13800138000", headers={"X-Request-ID": rid})
    lines = [
        json.loads(JsonFormatter().format(r))  # outside any request, as the front logs
        for r in caplog.records
        if r.name == "smallworks.requests"
    ]
    assert [(line["cache"], line["request_id"]) for line in lines] == [
        ("miss", "probe-miss-0001"),
        ("hit", "probe-hit-00001"),
    ]
    assert all(line["endpoint"] == "notices.index" and line["status"] == 200 for line in lines)
    assert not any("13800138000" in json.dumps(line) for line in lines)


def test_a_front_that_fails_leaves_the_request_to_flask(app, frozen, monkeypatch, caplog):
    make_notice(make_user("staff"), title="某村道路硬化工程交易公告")
    kept = Browser(app).get("/notices/")
    pages = store._state(app)

    def broken(key):
        raise ValueError("an entry that does not load")

    monkeypatch.setattr(pages.backend, "get", broken)
    with caplog.at_level(logging.ERROR, logger="smallworks.pagecache"):
        answered = Browser(app).get("/notices/")
    # Flask's hooks asked the same broken store: they render the page and keep nothing.
    assert answered.status_code == 200 and answered.get_data() == kept.get_data()
    assert source(answered) is None
    messages = [r.getMessage() for r in caplog.records]
    assert any("the front could not answer /notices/" in m for m in messages), messages
    assert any("could not look up /notices/" in m for m in messages), messages


def test_a_page_served_under_a_prefix_is_kept_apart(app, frozen):
    # The same process mounted under a script root (nginx's /sw/ → SCRIPT_NAME) writes every
    # link with it: the page kept for / must not answer /sw/, nor the reverse.
    plain = Browser(app).get("/notices/")
    prefixed = Browser(app).get("/notices/", base_url="http://localhost/sw/")
    assert source(plain) == source(prefixed) == "miss"
    assert 'href="/sw/notices/"' in prefixed.get_data(as_text=True)
    again = Browser(app).get("/notices/", base_url="http://localhost/sw/")
    assert source(again) == "hit" and again.get_data() == prefixed.get_data()
    assert Browser(app).get("/notices/").get_data() == plain.get_data()
