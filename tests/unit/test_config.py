"""Configuration: production refuses to start without its secrets or with a per-worker limiter store."""

from __future__ import annotations

from datetime import timedelta

import pytest

from config import ConfigError, ProductionConfig, _normalise_db_url, get_config

DRAW_SEED_KEY = "dGVzdGluZy1vbmx5LWRyYXctc2VlZC1rZXktMzJieXQ="


@pytest.fixture(autouse=True)
def _limiter_store(monkeypatch):
    monkeypatch.setenv("RATELIMIT_STORAGE_URI", "redis://127.0.0.1:6379/0")


@pytest.fixture(autouse=True)
def _page_cache_store(monkeypatch):
    monkeypatch.setenv("CACHE_REDIS_URL", "redis://127.0.0.1:6379/1")
    monkeypatch.delenv("SMALLWORKS_PAGE_CACHE", raising=False)


@pytest.fixture(autouse=True)
def _draw_seed_key(monkeypatch):
    monkeypatch.setenv("DRAW_SEED_KEY", DRAW_SEED_KEY)


@pytest.mark.parametrize("missing", ["SECRET_KEY", "DATABASE_URL", "DRAW_SEED_KEY"])
def test_production_refuses_to_start_without_its_secrets(monkeypatch, missing):
    monkeypatch.setenv("SECRET_KEY", "x" * 40)
    monkeypatch.setenv("DATABASE_URL", "postgresql://db/smallworks")
    monkeypatch.setenv("DRAW_SEED_KEY", DRAW_SEED_KEY)
    monkeypatch.delenv(missing)
    with pytest.raises(ConfigError, match=missing):
        get_config("production")


@pytest.mark.parametrize("url", ["sqlite:////srv/smallworks.sqlite3", "sqlite://", "mysql://db/x"])
def test_production_refuses_a_database_other_than_postgresql(monkeypatch, url):
    monkeypatch.setenv("SECRET_KEY", "x" * 40)
    monkeypatch.setenv("DATABASE_URL", url)
    with pytest.raises(ConfigError, match="Production runs on PostgreSQL"):
        get_config("production")


def test_production_refuses_a_short_secret_key(monkeypatch):
    monkeypatch.setenv("SECRET_KEY", "short")
    monkeypatch.setenv("DATABASE_URL", "postgresql://db/smallworks")
    monkeypatch.setenv("DRAW_SEED_KEY", DRAW_SEED_KEY)
    with pytest.raises(ConfigError, match="32"):
        get_config("production")


def test_production_uses_psycopg_3_and_secure_cookies(monkeypatch):
    monkeypatch.setenv("SECRET_KEY", "x" * 40)
    monkeypatch.setenv("DATABASE_URL", "postgres://u@db/smallworks")
    monkeypatch.setenv("DRAW_SEED_KEY", DRAW_SEED_KEY)
    config = get_config("production")
    assert config.SQLALCHEMY_DATABASE_URI == "postgresql+psycopg://u@db/smallworks"
    assert ProductionConfig.SESSION_COOKIE_SECURE and ProductionConfig.REMEMBER_COOKIE_SECURE


@pytest.mark.parametrize("store", [None, "", "memory://"])
@pytest.mark.parametrize("variable", ["RATELIMIT_STORAGE_URI", "CACHE_REDIS_URL"])
def test_production_refuses_to_start_with_a_store_of_its_own_per_worker(
    monkeypatch, variable, store
):
    """The login limits and the page cache are shared by every worker (and the scheduler)."""
    monkeypatch.setenv("SECRET_KEY", "x" * 40)
    monkeypatch.setenv("DATABASE_URL", "postgresql://db/smallworks")
    if store is None:
        monkeypatch.delenv(variable)
    else:
        monkeypatch.setenv(variable, store)
    with pytest.raises(ConfigError, match=variable):
        get_config("production")


def test_production_keeps_the_shared_limiter_store(monkeypatch):
    monkeypatch.setenv("SECRET_KEY", "x" * 40)
    monkeypatch.setenv("DATABASE_URL", "postgresql://db/smallworks")
    monkeypatch.setenv("RATELIMIT_STORAGE_URI", "redis://127.0.0.1:6379/3")
    assert get_config("production").RATELIMIT_STORAGE_URI == "redis://127.0.0.1:6379/3"


def test_production_without_a_page_cache_needs_no_store_for_it(monkeypatch):
    monkeypatch.setenv("SECRET_KEY", "x" * 40)
    monkeypatch.setenv("DATABASE_URL", "postgresql://db/smallworks")
    monkeypatch.delenv("CACHE_REDIS_URL")
    monkeypatch.setenv("SMALLWORKS_PAGE_CACHE", "0")
    assert not get_config("production").PAGE_CACHE


def test_production_keeps_its_pages_in_the_shared_redis(monkeypatch):
    monkeypatch.setenv("SECRET_KEY", "x" * 40)
    monkeypatch.setenv("DATABASE_URL", "postgresql://db/smallworks")
    config = get_config("production")
    assert config.PAGE_CACHE and config.CACHE_TYPE == "RedisCache"
    assert config.CACHE_REDIS_URL == "redis://127.0.0.1:6379/1"


def test_the_embedded_default_starts_with_the_in_memory_limiter_store(monkeypatch):
    monkeypatch.setenv("RATELIMIT_STORAGE_URI", "memory://")
    assert get_config("development").check() is None  # one process: memory is right there


def test_remember_me_lasts_fourteen_days_in_every_environment():
    assert timedelta(days=14) == ProductionConfig.REMEMBER_COOKIE_DURATION
    assert ProductionConfig.REMEMBER_COOKIE_HTTPONLY
    assert ProductionConfig.REMEMBER_COOKIE_SAMESITE == "Lax"


def test_an_unknown_environment_name_is_refused():
    with pytest.raises(ConfigError, match="SMALLWORKS_ENV"):
        get_config("staging-typo")


def test_sqlite_urls_are_left_alone():
    assert _normalise_db_url("sqlite:////tmp/x.db") == "sqlite:////tmp/x.db"


@pytest.fixture
def development():
    """get_config("development") reads the environment into DevelopmentConfig: put it back."""
    from config import DevelopmentConfig

    saved = DevelopmentConfig.PUBLIC_BASE_URL, DevelopmentConfig.BASE_URL_FROM_REQUEST
    yield DevelopmentConfig
    DevelopmentConfig.PUBLIC_BASE_URL, DevelopmentConfig.BASE_URL_FROM_REQUEST = saved


def test_development_without_public_base_url_follows_the_request_and_falls_back_to_port(
    monkeypatch, development
):
    monkeypatch.delenv("PUBLIC_BASE_URL", raising=False)
    monkeypatch.setenv("PORT", "5123")
    config = get_config("development")
    assert config.BASE_URL_FROM_REQUEST is True
    assert config.PUBLIC_BASE_URL == "http://127.0.0.1:5123"  # a job's PDF, outside a request
    monkeypatch.delenv("PORT")
    monkeypatch.delenv("FLASK_RUN_PORT", raising=False)
    assert get_config("development").PUBLIC_BASE_URL == "http://127.0.0.1:5000"


def test_a_configured_public_base_url_is_used_everywhere(monkeypatch, development):
    monkeypatch.setenv("PUBLIC_BASE_URL", "https://jiaoyi.example.gov.cn")
    config = get_config("development")
    assert config.BASE_URL_FROM_REQUEST is False
    assert config.PUBLIC_BASE_URL == "https://jiaoyi.example.gov.cn"
    assert ProductionConfig.BASE_URL_FROM_REQUEST is False  # never the request's Host there


# ---- secrets from files (<NAME>_FILE) and SECRET_KEY_FALLBACKS ---------------------------------


def test_a_secret_is_read_from_the_file_its_name_file_names(tmp_path):
    from config import read_secret_files

    (tmp_path / "secret_key").write_text("s" * 40 + "\n")
    environ = {"SECRET_KEY_FILE": str(tmp_path / "secret_key"), "SITE_NAME_FILE": "/nowhere"}
    read_secret_files(environ)
    assert environ["SECRET_KEY"] == "s" * 40  # the newline an editor adds is not part of it
    assert "SITE_NAME" not in environ  # only the secrets' names are read from files


def test_a_secret_given_twice_or_in_a_file_that_cannot_be_read_stops_start_up(tmp_path):
    from config import read_secret_files

    (tmp_path / "key").write_text("k")
    with pytest.raises(ConfigError, match="Set DRAW_SEED_KEY or DRAW_SEED_KEY_FILE, not both"):
        read_secret_files({"DRAW_SEED_KEY": "k", "DRAW_SEED_KEY_FILE": str(tmp_path / "key")})
    with pytest.raises(ConfigError, match="DATABASE_URL_FILE=/run/secrets/nope cannot be read"):
        read_secret_files({"DATABASE_URL_FILE": "/run/secrets/nope"})


def test_production_reads_the_secret_key_fallbacks_and_refuses_short_ones(monkeypatch):
    monkeypatch.setenv("SECRET_KEY", "x" * 40)
    monkeypatch.setenv("DATABASE_URL", "postgresql://db/smallworks")
    monkeypatch.setenv("SECRET_KEY_FALLBACKS", f"{'a' * 40}, {'b' * 40}")
    assert get_config("production").SECRET_KEY_FALLBACKS == ["a" * 40, "b" * 40]
    monkeypatch.setenv("SECRET_KEY_FALLBACKS", "short")
    with pytest.raises(ConfigError, match="SECRET_KEY_FALLBACKS"):
        get_config("production")
    monkeypatch.delenv("SECRET_KEY_FALLBACKS")
    assert get_config("production").SECRET_KEY_FALLBACKS == []
