"""Configuration: production refuses to start without its secrets."""

from __future__ import annotations

import pytest

from config import ConfigError, ProductionConfig, _normalise_db_url, get_config


@pytest.mark.parametrize("missing", ["SECRET_KEY", "DATABASE_URL"])
def test_production_refuses_to_start_without_its_secrets(monkeypatch, missing):
    monkeypatch.setenv("SECRET_KEY", "x" * 40)
    monkeypatch.setenv("DATABASE_URL", "postgresql://db/smallworks")
    monkeypatch.delenv(missing)
    with pytest.raises(ConfigError, match=missing):
        get_config("production")


def test_production_refuses_a_short_secret_key(monkeypatch):
    monkeypatch.setenv("SECRET_KEY", "short")
    monkeypatch.setenv("DATABASE_URL", "postgresql://db/smallworks")
    with pytest.raises(ConfigError, match="32"):
        get_config("production")


def test_production_uses_psycopg_3_and_secure_cookies(monkeypatch):
    monkeypatch.setenv("SECRET_KEY", "x" * 40)
    monkeypatch.setenv("DATABASE_URL", "postgres://u@db/smallworks")
    config = get_config("production")
    assert config.SQLALCHEMY_DATABASE_URI == "postgresql+psycopg://u@db/smallworks"
    assert ProductionConfig.SESSION_COOKIE_SECURE and ProductionConfig.REMEMBER_COOKIE_SECURE


def test_an_unknown_environment_name_is_refused():
    with pytest.raises(ConfigError, match="SMALLWORKS_ENV"):
        get_config("staging-typo")


def test_sqlite_urls_are_left_alone():
    assert _normalise_db_url("sqlite:////tmp/x.db") == "sqlite:////tmp/x.db"
