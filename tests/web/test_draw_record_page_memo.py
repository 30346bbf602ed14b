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
from tests.factories import Browser, make_user
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
