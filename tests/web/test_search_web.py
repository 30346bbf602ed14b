"""The search page: one box on every page, filters, both sorts, highlighting, and whatever is
typed into it answered with an ordinary page."""

from __future__ import annotations

import re
from urllib.parse import quote

import pytest

from tests.factories import Browser, make_notice


@pytest.fixture
def published(app, now):
    now(2026, 11, 25, 10, 0)
    first = make_notice(title="道路硬化工程交易公告", body="控制价 862,300.00 元")
    now(2026, 11, 26, 10, 0)
    second = make_notice(
        type="policy", title="小型工程<b>道路</b>管理办法", body="道路养护与道路照明"
    )
    return first, second


def results(html: str) -> str:
    return html.split('class="notice-list search-results"', 1)[1].split("</ul>", 1)[0]


def test_the_search_box_is_on_every_page(app, published):
    public = Browser(app)
    for path in ("/", "/notices/", "/projects/", "/draws/", f"/notices/{published[0].id}"):
        assert 'role="search"' in public.html(path), path


def test_results_link_their_pages_and_mark_the_words_with_user_text_escaped(app, published):
    first, second = published
    html = results(Browser(app).html("/search?q=" + quote("道路")))
    assert f'href="/notices/{first.id}"' in html and f'href="/notices/{second.id}"' in html
    assert "<mark>道路</mark>" in html
    # A title's own markup is text: escaped, then marked — never live HTML.
    assert "&lt;b&gt;<mark>道路</mark>&lt;/b&gt;" in html and "<b>" not in html
    # Newest first by default.
    assert html.index(f"/notices/{second.id}") < html.index(f"/notices/{first.id}")


def test_relevance_sort_and_filters_narrow_the_results(app, published):
    first, second = published
    public = Browser(app)
    ranked = results(public.html("/search?sort=relevance&q=" + quote("道路")))
    assert ranked.index(f"/notices/{second.id}") < ranked.index(f"/notices/{first.id}")
    policy = results(public.html("/search?type=policy&q=" + quote("道路")))
    assert f"/notices/{second.id}" in policy and f"/notices/{first.id}" not in policy
    decisions = results(public.html("/search?stage=decision&q=" + quote("道路")))
    assert f"/notices/{second.id}" in decisions and f"/notices/{first.id}" not in decisions
    dated = results(public.html("/search?since=2026-11-25&until=2026-11-25&q=" + quote("道路")))
    assert f"/notices/{first.id}" in dated and f"/notices/{second.id}" not in dated
    nothing = results(public.html("/search?kind=project&q=" + quote("道路")))
    assert "没有找到" in nothing


def test_one_character_is_a_word_too(app, published):
    html = results(Browser(app).html("/search?q=" + quote("硬")))
    assert f"/notices/{published[0].id}" in html and "<mark>硬</mark>" in html


@pytest.mark.parametrize(
    "q",
    [
        "路" * 10_000,
        "%",
        "_",
        "'",
        '"',
        '"a" OR NEAR(',
        '道路" OR 1=1 --',
        "'; DROP TABLE notices; --",
        "<script>alert(1)</script>",
        "*",
        "NEAR(道路 工程, 2)",
        "𠀀😀",
    ],
)
def test_any_query_gets_an_ordinary_page(app, published, q):
    html = Browser(app).html("/search?q=" + quote(q))
    assert "<script>alert" not in html
    assert "全站检索" in html


def test_a_long_query_is_cut_with_a_message_and_symbols_alone_are_explained(app, published):
    public = Browser(app)
    assert "检索词过长" in public.html("/search?q=" + quote("道" * 10_000))
    assert "没有可检索的文字" in public.html("/search?q=" + quote("%_'\""))


def test_a_nul_byte_is_refused_with_a_clear_message(app, published):
    response = Browser(app).get("/search?q=a%00b")
    assert response.status_code == 400
    assert "控制字符" in response.get_data(as_text=True)


def test_bad_filters_are_ignored_and_a_bad_date_is_named(app, published):
    html = Browser(app).html(
        "/search?kind=x&type=y&category=z&stage=w&sort=zz&since=2026-13-45&page=99999999&q="
        + quote("道路")
    )
    assert "2026-13-45" in html and "无法识别" in html


def test_keyset_pages_follow_on_by_date(app, now):
    now(2026, 11, 25, 10, 0)
    made = [make_notice(title=f"第{i}号道路工程交易公告") for i in range(23)]
    public = Browser(app)
    page1 = public.html("/search?q=" + quote("道路"))
    after = re.search(r'href="/search\?[^"]*after=(\d+)[^"]*"', page1)
    assert after, "a next page link"
    page2 = results(public.html("/search?q=" + quote("道路") + f"&after={after.group(1)}"))
    assert page2.count("<li>") == 3 and f'/notices/{made[0].id}"' in page2


def test_the_english_page_reads_in_english(app, published):
    public = Browser(app)
    public.client.set_cookie("lang", "en")
    html = public.html("/search?q=" + quote("道路"))
    assert "Site search" in html and "Newest first" in html
