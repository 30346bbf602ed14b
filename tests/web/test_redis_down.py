"""Redis down in production (docs/deploy.md, "When Redis is down"): a serving process refuses to
start without it; once started, a Redis that goes away degrades the requests — public pages are
served uncached, the rate limits are counted in the process's memory, /readyz says 503 — and
nothing answers 500. Against a real redis-server of the test's own, stopped mid-test."""

from __future__ import annotations

import os
import secrets
import shutil

import pytest

from app import create_app
from app.extensions import db
from config import ConfigError
from tests.conftest import build_app
from tests.factories import Browser
from tests.own_redis import OwnRedis, free_port, own_redis_fixture  # noqa: F401 - a fixture

PRODUCTION_DATABASE = os.environ.get("TEST_DATABASE_URL") or (
    f"postgresql://postgres@127.0.0.1:{free_port()}/unused"
)

pytestmark = pytest.mark.skipif(shutil.which("redis-server") is None, reason="no redis-server")


def _redis_settings(server: OwnRedis, **more) -> dict:
    """Production's Redis settings (config.ProductionConfig), on the test's own server."""
    return {
        "PAGE_CACHE": True,
        "CACHE_TYPE": "RedisCache",
        "CACHE_REDIS_URL": server.url(1),
        "CACHE_KEY_PREFIX": f"smallworks-test-{secrets.token_hex(4)}:",
        "CACHE_OPTIONS": {"socket_connect_timeout": 1, "socket_timeout": 1},
        "RATELIMIT_STORAGE_URI": server.url(0),
        "RATELIMIT_STORAGE_OPTIONS": {"socket_connect_timeout": 1, "socket_timeout": 1},
        "RATELIMIT_IN_MEMORY_FALLBACK_ENABLED": True,
        "RATELIMIT_SWALLOW_ERRORS": True,
        "WTF_CSRF_ENABLED": False,
        **more,
    }


def _cache(response) -> str | None:
    return response.headers.get("X-Page-Cache")


def test_with_redis_gone_pages_are_served_uncached_limits_still_count_and_readyz_says_503(
    database_url, tmp_path, own_redis
):
    app = build_app(
        database_url,
        tmp_path,
        **_redis_settings(own_redis, LOGIN_RATE_LIMIT="2 per minute", PAGE_CACHE_RETRY_SECONDS=0),
    )
    with app.app_context():
        browser = Browser(app)
        assert _cache(browser.get("/")) == "miss"
        assert _cache(browser.get("/")) == "hit"
        assert browser.get("/readyz").status_code == 200

        own_redis.stop()

        for _ in range(2):  # every request tries the store again (retry after 0 s): no 500
            page = browser.get("/")
            assert page.status_code == 200 and _cache(page) is None
        assert browser.get("/notices/").status_code == 200

        ready = browser.get("/readyz")
        assert ready.status_code == 503
        assert ready.get_json()["checks"]["redis"] != "ok"
        assert ready.get_json()["checks"]["database"] == "ok"

        # The login limit (2 a minute) is counted in this process's memory meanwhile.
        login = {"username": "nobody", "password": "wrong"}
        client = app.test_client()  # CSRF is off in these settings: the form is posted as is
        codes = [client.post("/login", data=login).status_code for _ in range(3)]
        assert 500 not in codes
        assert codes[-1] == 429

        own_redis.start()  # the same address, empty (a restarted Redis)
        assert browser.get("/readyz").status_code == 200
        assert _cache(browser.get("/")) == "miss"
        assert _cache(browser.get("/")) == "hit"
        db.engine.dispose()


def test_a_store_that_comes_back_moves_the_generation_on(database_url, tmp_path, own_redis):
    """A commit while the store was away could not bump the generation: the process that saw the
    failure moves it on when the store answers again, so a page kept before is not served."""
    import redis

    settings = _redis_settings(own_redis, PAGE_CACHE_RETRY_SECONDS=0)
    app = build_app(database_url, tmp_path, **settings)
    client = redis.Redis.from_url(own_redis.url(1))
    key = settings["CACHE_KEY_PREFIX"] + "pagecache:generation"
    with app.app_context():
        browser = Browser(app)
        assert _cache(browser.get("/")) == "miss"
        before = int(client.get(key))
        pages = app.extensions["smallworks.pagecache"]
        pages.failed(redis.ConnectionError("gone for a moment"))  # as a failed bump leaves it
        assert _cache(browser.get("/")) == "miss"  # not the page kept under the old generation
        assert int(client.get(key)) == before + 1
        db.engine.dispose()


@pytest.fixture
def production_without_redis(monkeypatch, tmp_path) -> str:
    """Production's environment with every Redis URL on a port nothing listens on (a password in
    them, which no message may show)."""
    monkeypatch.setenv("SECRET_KEY", "x" * 40)
    # Production runs on PostgreSQL only: the suite's database when it has one, else a port
    # nothing listens on (these tests stop before any statement, but for `db current`).
    monkeypatch.setenv("DATABASE_URL", PRODUCTION_DATABASE)
    monkeypatch.setenv("DRAW_SEED_KEY", "dGVzdGluZy1vbmx5LWRyYXctc2VlZC1rZXktMzJieXQ=")
    dead = f"redis://:hunter2secret@127.0.0.1:{free_port()}/0"
    monkeypatch.setenv("RATELIMIT_STORAGE_URI", dead)
    monkeypatch.setenv("CACHE_REDIS_URL", dead)
    monkeypatch.setenv("UPLOAD_FOLDER", str(tmp_path / "uploads"))
    return str(tmp_path / "uploads")


def test_a_web_process_refuses_to_start_while_redis_does_not_answer(production_without_redis):
    with pytest.raises(ConfigError, match=r"refuses to start: Redis at redis://127\.0\.0\.1") as e:
        create_app("production", UPLOAD_FOLDER=production_without_redis)
    assert "hunter2secret" not in str(e.value)
    assert "RATELIMIT_STORAGE_URI" in str(e.value)


def test_the_scheduler_refuses_to_start_without_redis_and_other_commands_do_not_need_it(
    production_without_redis,
):
    from click.testing import CliRunner
    from flask.cli import FlaskGroup

    cli = FlaskGroup(create_app=lambda: create_app("production"))
    refused = CliRunner().invoke(cli, ["scheduler"])
    assert isinstance(refused.exception, ConfigError)
    assert "refuses to start: Redis" in str(refused.exception)
    # A migration, a backup, an account: no Redis needed (their commits' page-cache bumps are
    # logged and lost; the pages expire by themselves).
    current = CliRunner().invoke(cli, ["db", "current"])
    if os.environ.get("TEST_DATABASE_URL"):
        assert current.exit_code == 0, current.output
    else:  # no PostgreSQL to read: the command got past start-up and failed to connect
        assert not isinstance(current.exception, ConfigError), current.exception
