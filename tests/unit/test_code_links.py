"""app.links: a registered code in sanitised HTML becomes a link to its page — in text only,
never inside a link, an attribute or an entity, and never unescaping the text around it."""

from __future__ import annotations

from flask import Flask

from app.links import link_codes, register_code_links

KNOWN = {"PRJ-2026-0001-award", "POOL-2026-01-JZ"}


def _linked(html: str, asked: list | None = None) -> str:
    app = Flask("links")
    asked = [] if asked is None else asked

    def resolve(codes):
        asked.append(sorted(codes))
        return {c: f"/draws/{c}" for c in codes if c in KNOWN}

    register_code_links(app, "draws", resolve)
    with app.app_context():
        return link_codes(html)


def test_a_known_code_in_text_becomes_a_link_and_an_unknown_one_stays_text():
    assert _linked("<p>抽签PRJ-2026-0001-award，另见PRJ-2026-0002-award。</p>") == (
        '<p>抽签<a href="/draws/PRJ-2026-0001-award">PRJ-2026-0001-award</a>，'
        "另见PRJ-2026-0002-award。</p>"
    )


def test_a_code_at_the_end_of_a_sentence_or_in_a_code_span_is_linked_whole():
    html = "<p><code>POOL-2026-01-JZ</code> POOL-2026-01-JZ.</p>"
    assert _linked(html) == (
        '<p><code><a href="/draws/POOL-2026-01-JZ">POOL-2026-01-JZ</a></code> '
        '<a href="/draws/POOL-2026-01-JZ">POOL-2026-01-JZ</a>.</p>'
    )


def test_a_code_inside_a_link_an_attribute_or_a_longer_word_is_left_alone():
    html = (
        '<p><a href="https://example.org/" title="a>PRJ-2026-0001-award">'
        "见 <strong>PRJ-2026-0001-award</strong></a> xPRJ-2026-0001-award "
        "PRJ-2026-0001-award-2 &amp;PRJ-2026-0001-award</p>"
    )
    linked = _linked(html)
    assert linked.count('href="/draws/') == 1  # only the one after the entity, a word of its own
    assert linked.endswith('&amp;<a href="/draws/PRJ-2026-0001-award">PRJ-2026-0001-award</a></p>')


def test_escaped_markup_around_a_code_stays_escaped():
    html = '<p>&lt;a href="/x"&gt;PRJ-2026-0001-award&lt;/a&gt;&lt;script&gt;</p>'
    assert _linked(html) == (
        '<p>&lt;a href="/x"&gt;<a href="/draws/PRJ-2026-0001-award">PRJ-2026-0001-award</a>'
        "&lt;/a&gt;&lt;script&gt;</p>"
    )


def test_without_a_resolver_the_html_is_returned_as_it_is():
    with Flask("bare").app_context():
        assert link_codes("<p>PRJ-2026-0001-award</p>") == "<p>PRJ-2026-0001-award</p>"


def test_dates_and_telephone_numbers_are_not_looked_up():
    """Every platform-made id holds a letter: a notice's dates and telephone numbers are no
    candidates, and a text with nothing else asks the resolvers nothing (no statement)."""
    asked: list = []
    html = "<p>2026-01-31 至 2026-02-06，电话 0574-87321234、87321234-8001。</p>"
    assert _linked(html, asked) == html
    assert asked == []
    _linked("<p>2026-01-31 抽签 PRJ-2026-0001-award POOL-2026-01-JZ</p>", asked)
    assert asked == [["POOL-2026-01-JZ", "PRJ-2026-0001-award"]]


def test_the_same_text_is_linked_anew_when_the_codes_found_or_their_pages_change():
    """The linked text is kept per text and links found (issue 14): both are its key."""
    app = Flask("links")
    found: dict[str, str] = {}
    register_code_links(app, "draws", lambda codes: {c: found[c] for c in codes if c in found})
    html = "<p>PRJ-2026-0001-award PRJ-2026-0001-rate</p>"
    with app.app_context():
        assert link_codes(html) == html
        found["PRJ-2026-0001-award"] = "/draws/a"
        assert (
            link_codes(html)
            == '<p><a href="/draws/a">PRJ-2026-0001-award</a> PRJ-2026-0001-rate</p>'
        )
        found["PRJ-2026-0001-award"] = "/x/draws/a"
        assert '<a href="/x/draws/a">' in link_codes(html)
        found["PRJ-2026-0001-rate"] = "/draws/r"
        assert link_codes(html).count("<a ") == 2
        found.clear()
        assert link_codes(html) == html
