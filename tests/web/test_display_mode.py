"""Issue [Public] item 9 (适老化): the large-text, high-contrast switch is a plain link that sets a
cookie and returns to the same page (a local path only); the mode is a class on <html>, and the
page cache keeps each mode's rendering apart, so one visitor's mode never reaches another."""

from __future__ import annotations

import pytest

from config import TestingConfig
from tests.factories import Browser, make_notice, make_user


def large(html: str) -> bool:
    return '<html lang="zh-CN" class="large">' in html


def test_the_switch_sets_the_mode_and_returns_to_the_same_page(client):
    html = client.html("/notices/?type=policy")
    assert not large(html)
    assert 'href="/display/large?next=/notices/?type%3Dpolicy"' in html
    answer = client.get("/display/large?next=/notices/?type%3Dpolicy")
    assert answer.status_code == 302 and answer.headers["Location"] == "/notices/?type=policy"
    assert "display=large" in answer.headers["Set-Cookie"]
    assert "Max-Age=31536000" in answer.headers["Set-Cookie"]
    html = client.html("/notices/?type=policy")
    assert large(html) and "恢复标准显示" in html
    assert large(client.html("/projects/"))  # remembered on every page
    client.get("/display/standard?next=/projects/")
    assert not large(client.html("/projects/"))


@pytest.mark.parametrize(
    "next_",
    [
        "https://evil.example/",
        "//evil.example/",
        "/\\evil.example",
        "javascript:alert(1)",
        "x" * 10_000,
    ],
)
def test_the_switch_returns_only_to_a_local_path(client, next_):
    answer = client.get("/display/large", query_string={"next": next_})
    assert answer.status_code == 302
    assert answer.headers["Location"].startswith("/") and "evil" not in answer.headers["Location"]
    assert not answer.headers["Location"].startswith("//")


def test_an_unknown_mode_switches_back_to_standard(client):
    client.get("/display/large")
    assert large(client.html("/"))
    assert client.get("/display/<b>").status_code == 302
    assert not large(client.html("/"))


def test_the_english_site_names_the_switch_in_english(client):
    client.client.set_cookie("lang", "en")
    assert "Large text, high contrast" in client.html("/")
    client.get("/display/large")
    assert "Standard display" in client.html("/")


def test_the_page_cache_never_gives_one_visitor_another_s_mode(app, monkeypatch, now):
    monkeypatch.setattr(TestingConfig, "PAGE_CACHE", True)
    from app import create_app

    cached_app = create_app(
        TestingConfig, SQLALCHEMY_DATABASE_URI=app.config["SQLALCHEMY_DATABASE_URI"]
    )
    now(2026, 11, 25, 10, 0)
    make_notice(make_user("staff"))
    older, standard = Browser(cached_app), Browser(cached_app)
    older.client.set_cookie("display", "large")
    first = older.get("/notices/")
    assert first.headers["X-Page-Cache"] == "miss" and large(first.get_data(as_text=True))
    plain = standard.get("/notices/")
    assert plain.headers["X-Page-Cache"] == "miss" and not large(plain.get_data(as_text=True))
    again = older.get("/notices/")
    assert again.headers["X-Page-Cache"] == "hit" and large(again.get_data(as_text=True))
    assert not large(standard.get("/notices/").get_data(as_text=True))
    assert "Cookie" in plain.headers.get("Vary", "")
