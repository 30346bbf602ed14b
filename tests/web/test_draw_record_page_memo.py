"""A draw's record page keeps a drawn or abandoned draw's worked-out record (its verification, its
rows) per process, under the whole row (lottery.pages.record_page): never for a committed draw,
whose page changes at the draw, and never across rows that differ in anything."""

from __future__ import annotations

import re
from collections import namedtuple
from html import unescape

import pytest

from app.extensions import db
from lottery import pages, queries, services
from lottery.models import Draw
from tests.factories import Browser, make_user, signed_in
from tests.integration.test_lottery_services import (
    CODES,
    COMPANIES,
    commit_award,
    draw_as_shown,
)


def text_of(html: str) -> str:
    return unescape(re.sub(r"<[^>]+>", "", html))


@pytest.fixture
def award(app, now):
    now(2026, 11, 25, 10, 0)
    return commit_award(make_user("staff"), candidates=CODES, candidate_labels=COMPANIES)


def page_row(draw_id: str):
    db.session.rollback()  # a fresh snapshot: the requests ran in their own sessions
    return queries.page_row(draw_id)


def test_a_committed_draw_s_page_is_worked_out_again_on_each_request(app, award):
    first, second = (pages.record_page(page_row(award.draw_id)) for _ in range(2))
    assert first is not second


def test_a_draw_s_page_shows_the_result_once_drawn_though_it_was_shown_committed(app, award):
    who = Browser(app)
    assert "尚未摇号" in text_of(who.html(f"/draws/{award.draw_id}"))
    draw_as_shown(award.draw_id, ["37"], actor=make_user("staff"))
    plain = text_of(who.html(f"/draws/{award.draw_id}"))
    assert "尚未摇号" not in plain and "验证通过" in plain
    d = db.session.scalar(db.select(Draw).where(Draw.draw_id == award.draw_id))
    assert d.seed[:8] in plain and COMPANIES[d.result[0]] in plain


def test_a_drawn_draw_s_page_is_worked_out_once_for_the_same_row(app, award):
    draw_as_shown(award.draw_id, ["37"], actor=make_user("staff"))
    first, second = (pages.record_page(page_row(award.draw_id)) for _ in range(2))
    assert first is second
    assert first.verdict.ok and first.record["result"] == first.draw.result


def test_a_row_that_differs_in_any_column_is_another_page_never_the_kept_one(app, award):
    """Another database, a restored backup: a draw of the same id whose row says otherwise is
    worked out from its own row."""
    services.abandon(award.draw_id, "定标会议因故取消", actor=make_user("staff"))
    row = page_row(award.draw_id)
    kept = pages.record_page(row)
    Row = namedtuple("Row", row._fields)
    other = Row(**{**row._asdict(), "abandon_reason": "另一个原因"})
    page = pages.record_page(other)
    assert page is not kept
    assert page.record["abandon_reason"] == "另一个原因"
    assert pages.record_page(row).record["abandon_reason"] == "定标会议因故取消"


def test_the_page_s_draw_is_never_in_the_session_and_never_carries_the_sealed_seed(app, award):
    row = page_row(award.draw_id)
    assert "sealed_seed" not in row._fields
    d = pages.record_page(row).draw
    assert d not in db.session and d.sealed_seed is None
    assert d.candidates == CODES and d.candidate_labels == COMPANIES


# ---- the body of a drawn or abandoned draw's page, kept as written (app.urls.kept_part) ------


@pytest.fixture
def summaries(monkeypatch):
    """How many times the page's verification summary was worked out: once per body written."""
    from lottery import views

    calls = []
    original = views._verdict_summary

    def counted(d, verdict):
        calls.append(d.draw_id)
        return original(d, verdict)

    monkeypatch.setattr(views, "_verdict_summary", counted)
    return calls


def written_anew(app, path: str, lang: str | None = None) -> str:
    """The page with nothing kept: what the first request after a start shows."""
    app._part_memo.clear()
    who = Browser(app)
    if lang:
        who.client.set_cookie("lang", lang)
    return who.html(path)


def test_a_drawn_draw_s_body_is_written_once_per_language_and_address(app, award, summaries):
    draw_as_shown(award.draw_id, ["37"], actor=make_user("staff"))
    path = f"/draws/{award.draw_id}"
    who = Browser(app)
    first, again = who.html(path), who.html(path)
    assert first == again and len(summaries) == 1
    assert first == written_anew(app, path)
    english = Browser(app)
    english.client.set_cookie("lang", "en")
    shown = english.html(path)
    assert 'lang="en"' in shown and "Draw records" in shown and "验证通过" not in shown
    assert shown == english.html(path) and len(summaries) == 3  # one more: `written_anew`
    assert shown == written_anew(app, path, "en")
    prefixed = who.client.get(path, base_url="http://localhost/sw/").get_data(as_text=True)
    assert 'href="/sw/draws/"' in prefixed and 'href="/draws/"' not in prefixed
    assert who.html(path) == first


def test_a_kept_body_follows_every_part_of_its_key(app, award, monkeypatch):
    """The row (any column), the record's address, the office's name: each changes the body."""
    services.abandon(award.draw_id, "定标会议因故取消", actor=make_user("staff"))
    path = f"/draws/{award.draw_id}"
    who = Browser(app)
    assert "定标会议因故取消" in text_of(who.html(path))
    row = page_row(award.draw_id)
    Row = namedtuple("Row", row._fields)
    other = Row(**{**row._asdict(), "abandon_reason": "另一个原因"})
    monkeypatch.setattr(queries, "page_row", lambda draw_id: other)
    assert "另一个原因" in text_of(who.html(path))
    monkeypatch.undo()
    assert "定标会议因故取消" in text_of(who.html(path))
    app.config["PUBLIC_BASE_URL"] = "https://another.example"
    app.config["BASE_URL_FROM_REQUEST"] = False
    assert f"https://another.example/api/v1/draws/{award.draw_id}" in text_of(who.html(path))
    app.config["OFFICE_NAME"] = "另一个交易管理办公室"
    shown = who.html(path)
    assert shown.count("另一个交易管理办公室") == written_anew(app, path).count(
        "另一个交易管理办公室"
    )
    assert "<dd>另一个交易管理办公室</dd>" in shown


def test_a_committed_draw_s_kept_body_is_followed_by_the_staff_s_own_link(app, award):
    """The body is kept for a committed draw too (its row is the key: entropy entered, the draw
    or an abandonment changes it); the link to the console, which depends on the visitor,
    follows it."""
    staff = signed_in(app, "staff")
    path = f"/draws/{award.draw_id}"
    console = f"/draws/{award.draw_id}/console"
    anonymous = Browser(app)
    assert console not in anonymous.html(path)
    assert console in staff.html(path)
    assert console not in anonymous.html(path)
    assert len(app._part_memo) == 1
    plain = anonymous.html(path)
    assert plain == written_anew(app, path)


def test_a_kept_part_is_kept_by_its_name_key_values_language_and_address(app):
    from flask import render_template_string

    app.test_client().get("/healthz")  # routes final: parts may be kept
    source = (
        "{% call kept_part(name, key, value) %}{{ name }}{{ key }}{{ value }}{{ n() }}{% endcall %}"
    )
    counter = iter(range(100))

    def render(path="/", **values):
        with app.app_context(), app.test_request_context(path, **values.pop("request", {})):
            app.preprocess_request()
            return render_template_string(source, n=lambda: next(counter), **values)

    base = {"name": "a", "key": (1,), "value": "v"}
    first = render(**base)
    assert render(**base) == first == "a(1,)v0"
    assert render(**{**base, "name": "b"}) == "b(1,)v1"
    assert render(**{**base, "key": (2,)}) == "a(2,)v2"
    assert render(**{**base, "value": "w"}) == "a(1,)w3"
    assert render(**base, request={"headers": {"Cookie": "lang=en"}}) == "a(1,)v4"
    assert render(**base, request={"base_url": "http://localhost/sw/"}) == "a(1,)v5"
    assert render(**{**base, "key": None}) == "aNonev6"
    assert render(**{**base, "key": None}) == "aNonev7"
    assert render(**base) == first
