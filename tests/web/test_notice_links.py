"""A notice leads on: a trading's notices link its project, both draws, the result and (for a
member company) the response page, a pool call's its call and draws; a draw id in any body is a link to its record, the body's own
HTML staying text; the objections block is said once, in the words of the printed poster."""

from __future__ import annotations

import io
import re
from html import unescape

import pytest
from pypdf import PdfReader
from sqlalchemy import select

from app import clock
from app.extensions import db
from contractors.queries import active_members
from notices.markup import md_text
from notices.models import Notice
from tests.factories import PASSWORD, Browser, make_notice, make_user, use_cheap_password_hashes
from tests.pool_factories import at, register
from tests.trading_factories import active_pool, announced, drawn, member_user, refuse


@pytest.fixture(autouse=True)
def _cheap_password_hashes(monkeypatch):
    use_cheap_password_hashes(monkeypatch)


def _related(html: str) -> dict[str, str]:
    """The "相关链接" block's links: href → link text."""
    block = re.search(r'<nav class="related".*?</nav>', html, re.S)
    assert block, "no related links on the page"
    return {
        unescape(href): unescape(re.sub(r"<[^>]+>", "", text)).strip()
        for href, text in re.findall(r'<a href="([^"]+)">(.*?)</a>', block.group(), re.S)
    }


def _as(app, user) -> Browser:
    browser = Browser(app)
    assert browser.login(user.username, PASSWORD).status_code == 302
    browser.user = user
    return browser


def _english(app) -> Browser:
    browser = Browser(app)
    assert browser.get("/lang/en").status_code == 302  # the header's language switch
    return browser


def test_a_trading_notice_links_its_project_both_draws_and_for_a_member_the_response(app):
    phase = active_pool()
    project, t = announced(phase, make_user("owner"))
    page = f"/notices/{t.notice_id}"

    links = _related(Browser(app).html(page))
    assert f"/projects/{project.code}#round-1" in links
    assert links[f"/draws/{t.award_draw_id}"] == "承包单位排序抽签"
    assert links[f"/draws/{t.rate_draw_id}"] == "下浮率抽签"
    assert f"/projects/{project.code}/bulletin.pdf" in links
    respond = f"/contractor/projects/{project.code}/respond"
    assert respond not in links  # the public has nothing to respond with

    member = member_user(active_members("JZ", clock.today())[0].contractor_id)
    assert respond in _related(_as(app, member).html(page))
    outsider = _as(app, member_user(register(7).id))  # registered, not a member of the pool
    assert respond not in _related(outsider.html(page))

    english = _related(_english(app).html(page))
    assert english[f"/draws/{t.award_draw_id}"] == "Draw of the contract unit's ranking"


def test_a_result_notice_links_its_draws_and_the_result(app):
    phase = active_pool()
    owner = make_user("owner")
    project, t = drawn(phase, owner)
    page = f"/notices/{t.result_notice_id}"

    links = _related(Browser(app).html(page))
    assert f"/draws/{t.award_draw_id}" in links and f"/draws/{t.rate_draw_id}" in links
    result = f"/projects/{project.code}#round-1-result"
    assert links[result] == "交易结果（项目页面）"
    assert 'id="round-1-result"' in Browser(app).html(f"/projects/{project.code}")
    letter = f"/projects/{project.code}/letter.pdf"
    assert letter not in links  # the letter is the winner's and the owner's
    assert letter in _related(_as(app, owner).html(page))
    assert f"/contractor/projects/{project.code}/respond" not in links

    # The correction passing the award on after a refusal leads to the result too.
    clock.set_now(at(2026, 12, 7, 10, 0))
    correction = refuse(project.code, actor=owner).correction_notice_id
    links = _related(Browser(app).html(f"/notices/{correction}"))
    assert result in links and f"/draws/{t.award_draw_id}" in links


def test_a_draw_id_in_a_body_is_a_link_and_the_bodys_html_stays_text(app):
    phase = active_pool()
    _project, t = announced(phase, make_user("owner"))
    award = t.award_draw_id
    # A value a person typed, put into a body as every service puts one (notices.markup.md_text).
    typed = md_text(f'<a href="/x">{award}</a><script>alert(1)</script>')
    notice = make_notice(
        type="policy",
        title="关于抽签记录的说明",
        body=(
            f"本项目的承包单位抽签 {award}，另见[记录 {t.rate_draw_id}](https://example.org/x)。\n\n"
            f"名称：{typed}\n\n`{award}` PRJ-1999-0001-award {award}x"
        ),
        actor=phase.staff,
    )
    html = Browser(app).html(f"/notices/{notice.id}")
    body = re.search(r'<div class="body">(.*?)</div>', html, re.S).group(1)

    # The known id is a link to its record wherever it is text — in a code span too.
    assert f'承包单位抽签 <a href="/draws/{award}">{award}</a>，' in body
    assert f'<code><a href="/draws/{award}">{award}</a></code>' in body
    # Not inside a link it already is in; not an id no draw has; not part of a longer word.
    assert f"/draws/{t.rate_draw_id}" not in body
    assert "/draws/PRJ-1999-0001-award" not in body and f"{award}x" in body
    # The typed HTML stays text around the link: never a tag, never a live link of its own.
    assert (
        f'&lt;a href="/x"&gt;<a href="/draws/{award}">{award}</a>&lt;/a&gt;'
        "&lt;script&gt;alert(1)&lt;/script&gt;"
    ) in body
    assert "<script" not in body and '<a href="/x"' not in body
    assert body.count(f'href="/draws/{award}"') == 3


def _objections(html: str) -> list[str]:
    return [
        re.sub(r"\s+", " ", unescape(re.sub(r"<[^>]+>", "", p))).strip()
        for p in re.findall(
            r'<section class="howto objections".*?<p>(.*?)</p>\s*</section>', html, re.S
        )
    ]


def _pdf_text(data: bytes) -> str:
    reader = PdfReader(io.BytesIO(data))
    return re.sub(r"\s", "", "".join(p.extract_text() for p in reader.pages))


def test_the_objections_block_is_said_once_and_as_the_bulletin_pdf_says_it(app):
    phase = active_pool()
    project, t = announced(phase, make_user("owner"))
    html = Browser(app).html(f"/notices/{t.notice_id}")

    assert html.count("异议与投诉") == 1
    assert "## 异议与投诉" not in Browser(app).get(f"/api/v1/notices/{t.notice_id}").text
    [text] = _objections(html)
    assert "2026-12-02 24:00" in text and "第六十条" in text
    pdf = Browser(app).get(f"/projects/{project.code}/bulletin.pdf")
    assert pdf.status_code == 200
    assert re.sub(r"\s", "", text) in _pdf_text(pdf.data)

    [english] = _objections(_english(app).html(f"/notices/{t.notice_id}"))
    assert english.startswith("Objections to this notice") and "art. 60" in english


def test_an_older_trading_notice_that_says_it_in_its_body_is_not_given_a_second_block(app):
    clock.set_now(at(2026, 11, 27, 10, 0))
    notice = make_notice(body="正文\n\n## 异议与投诉\n\n对本公告有异议的，可在公示期内提出。")
    assert notice.min_working_days and isinstance(notice, Notice)
    html = Browser(app).html(f"/notices/{notice.id}")
    assert html.count("异议与投诉") == 1 and _objections(html) == []


def test_a_pool_calls_review_result_links_the_call_and_its_categories_draws(app):
    phase = active_pool()
    review = db.session.scalar(select(Notice).where(Notice.type == "review_result"))
    call = phase.call
    links = _related(Browser(app).html(f"/notices/{review.id}"))
    assert f"/pool/calls/{call.id}" in links
    assert links[f"/draws/{call.code}-JZ"].startswith("入围企业摇号")
