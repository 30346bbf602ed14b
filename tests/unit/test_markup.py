"""notices.markup.md_text: any text a person typed, put into a generated notice body, renders as
exactly that text — no link, image, script, emphasis or block of its own (issue 10, finding 8)."""

from __future__ import annotations

import unicodedata
from html.parser import HTMLParser

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from notices.markup import md_text, render

#: What the probe put into owner names, contacts, places and company names, and its like.
PAYLOADS = [
    "洪塘街道<a href=https://evil.example>x</a>",
    "[客服](https://evil.example/kf)",
    "https://evil.example",
    "www.evil.example",
    "<https://evil.example>",
    "![x](https://evil.example/a.png)",
    "*强调*",
    "**加粗** _斜体_",
    "`代码`",
    "<script>alert(1)</script>",
    "<img src=x onerror=alert(1)>",
    "# 标题",
    "1. 列表",
    "- 列表",
    "> 引用",
    "===",
    "| a | b |",
    "[x]: https://evil.example",
    "&lt;b&gt; &amp; &#60;",
    "a\\*b\\",
    "第一行\n\n    缩进代码\n---",
]


class _Page(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.tags: list[str] = []
        self.text: list[str] = []

    def handle_starttag(self, tag, attrs):
        self.tags.append(tag)

    def handle_startendtag(self, tag, attrs):
        self.tags.append(tag)

    def handle_data(self, data):
        self.text.append(data)


def _parse(html: str) -> tuple[list[str], str]:
    page = _Page()
    page.feed(html)
    page.close()
    return page.tags, " ".join("".join(page.text).split())


def _expected(text: str) -> str:
    """The text as a reader sees it: white space (line breaks too) runs as one space, other
    invisible controls gone."""
    spaced = " ".join(text.split())
    kept = "".join(ch for ch in spaced if unicodedata.category(ch) not in ("Cc", "Cs"))
    return " ".join(kept.split())


@pytest.mark.parametrize("payload", PAYLOADS)
def test_a_payload_renders_as_its_own_text_and_nothing_else(payload):
    tags, text = _parse(render(md_text(payload)))
    assert tags == ["p"]
    assert text == _expected(payload)


@pytest.mark.parametrize("payload", PAYLOADS)
def test_a_payload_inside_a_sentence_a_list_item_and_a_table_cell_stays_text(payload):
    value = md_text(payload)
    source = (
        f"业主{value}。\n\n- 联系人：{value}\n\n"
        f"| 企业 | 结果 |\n|---|---|\n| {value} | 合格 |\n\n### {value}\n"
    )
    tags, text = _parse(render(source))
    assert not {"a", "img", "script", "em", "strong", "code", "pre", "blockquote"} & set(tags)
    assert tags.count("li") == 1 and tags.count("td") == 2 and tags.count("h3") == 1
    assert text.count(_expected(payload)) == 4


#: Dense in what Markdown and HTML read as markup, so that the search meets their combinations.
_MARKUP = st.text(alphabet="<>&[]()!*_`#=-+.|\\:/ \n\thttpsw镇", max_size=40)


@settings(max_examples=300, deadline=None)
@given(st.text() | _MARKUP)
@example("\x02wzxhzdk:0\x03")  # Python-Markdown's own placeholder
@example("a  \nb")  # a hard line break
@example("<!-- x -->")
def test_any_text_renders_as_exactly_that_text_in_one_paragraph(text):
    tags, visible = _parse(render(md_text(text)))
    assert visible == _expected(text)
    assert tags == (["p"] if visible else [])


class _Cells(HTMLParser):
    """Each table's class, its header cells' text, and each body cell's attributes."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.tables: list[dict] = []
        self._th: list[str] | None = None

    def handle_starttag(self, tag, attrs):
        if tag == "table":
            self.tables.append({"class": dict(attrs).get("class"), "th": [], "td": []})
        elif tag == "th":
            self._th = []
        elif tag == "td":
            self.tables[-1]["td"].append(dict(attrs))

    def handle_data(self, data):
        if self._th is not None:
            self._th.append(data)

    def handle_endtag(self, tag):
        if tag == "th":
            self.tables[-1]["th"].append("".join(self._th).strip())
            self._th = None


def _tables(html: str) -> list[dict]:
    cells = _Cells()
    cells.feed(html)
    cells.close()
    return cells.tables


def test_a_table_of_three_columns_or_more_reads_as_cards_each_cell_named_by_its_column():
    """Issue 13: on a 390-px phone the review result's table squeezed company names to a
    character a line. A wide table is marked for site.css's phone cards; a narrow one stays."""
    source = (
        "| 申请企业 | 统一社会信用代码 | 结果 |\n|---|:-:|---|\n"
        "| 宁波甬江建设有限公司 | `91330205144025768D` | 合格 |\n| 宁波某公司 | — | 不合格 |\n\n"
        "| 类别 | 入围数量 |\n|---|---|\n| 建筑工程 | 2 |\n"
    )
    wide, narrow = _tables(render(source))
    assert wide["class"] == "pool-cards"
    assert [td.get("data-label") for td in wide["td"]] == wide["th"] * 2
    assert wide["th"] == ["申请企业", "统一社会信用代码", "结果"]
    assert narrow["class"] is None
    assert all("data-label" not in td for td in narrow["td"])


@settings(max_examples=200, deadline=None)
@given(st.text() | _MARKUP)
@example('" onmouseover="alert(1)')
@example('<b>粗</b> &amp; "引号"')
def test_a_column_name_is_its_cells_label_as_text_and_nothing_more(name):
    """The label is the header cell's text as the sanitiser left it, quoted once: a name typed
    into a generated table's header cannot add an attribute or a tag."""
    source = f"| {md_text(name)} | 代码 | 结果 |\n|---|---|---|\n| 甲 | 乙 | 丙 |\n"
    html = render(source)
    (table,) = _tables(html)
    assert table["class"] == "pool-cards"
    assert [td.get("data-label") for td in table["td"]] == table["th"]
    assert [set(td) for td in table["td"]] == [{"data-label"}] * 3
    tags, _ = _parse(html)
    assert tags == ["table", "thead", "tr", "th", "th", "th", "tbody", "tr", "td", "td", "td"]
