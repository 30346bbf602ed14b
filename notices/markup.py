"""Safe formatted text: notice bodies are Markdown, rendered and then sanitised to a tag allow-list;
`md_text` puts a user's text into a generated body so that it prints as that text, and `body`
builds a generated body from a template that escapes every value that way."""

from __future__ import annotations

import functools
import html
import re
import unicodedata
from datetime import date, datetime
from decimal import Decimal

import jinja2
import markdown
import nh3

from app import clock, money
from config import BASE_DIR

_TAGS = {
    "p",
    "br",
    "strong",
    "em",
    "ul",
    "ol",
    "li",
    "h2",
    "h3",
    "h4",
    "blockquote",
    "table",
    "thead",
    "tbody",
    "tr",
    "th",
    "td",
    "a",
    "code",
    "pre",
    "hr",
}
_ATTRIBUTES = {"a": {"href", "title"}, "th": {"align"}, "td": {"align"}}


def render(source: str | None) -> str:
    """Markdown → HTML with only harmless tags; links get rel=noopener noreferrer nofollow.
    Tables of three columns or more are marked to read as cards on a phone (`_as_cards`)."""
    return _rendered(source or "")


@functools.lru_cache(maxsize=256)
def _rendered(source: str) -> str:
    """`render`, kept for the process by the source text (issue 14): the HTML depends on the
    text alone, a published notice's body never changes (a correction is a notice of its own),
    and Markdown plus the sanitiser took a third of a notice page's time on every request.
    A changed draft or guide is a new text and so a new entry; 256 entries bound the memory."""
    converted = markdown.markdown(source, extensions=["tables", "sane_lists"], output_format="html")
    return _as_cards(
        nh3.clean(
            converted,
            tags=_TAGS,
            attributes=_ATTRIBUTES,
            url_schemes={"http", "https", "mailto"},
            link_rel="noopener noreferrer nofollow",
        )
    )


#: A table of the sanitised HTML (Markdown tables do not nest), its header cells, a row, a cell.
_TABLE = re.compile(r"<table>(.*?)</table>", re.S)
_HEAD = re.compile(r"<thead>(.*?)</thead>", re.S)
_TH = re.compile(r"<th(?:\s[^>]*)?>(.*?)</th>", re.S)
_ROW = re.compile(r"<tr>(.*?)</tr>", re.S)
_TD = re.compile(r"<td(?=[\s>])")
_TAG = re.compile(r"<[^>]*>")


def _label(header_cell: str) -> str:
    """A header cell's text as an attribute value."""
    return html.escape(html.unescape(_TAG.sub("", header_cell)).strip(), quote=True)


def _as_cards(source: str) -> str:
    """Issue 13: on a 390-px phone a wide table squeezed a company's name to a character a line.
    A table of three columns or more gets the class `pool-cards` (site.css lays each row out as
    a card on a phone, as the pool's lists do) and each body cell its column's name in
    `data-label`; the desktop page is unchanged. Runs after the sanitiser, on its output: the
    labels are the header cells' text."""

    def table(match: re.Match) -> str:
        inner = match[1]
        head = _HEAD.search(inner)
        labels = [_label(th) for th in _TH.findall(head[1])] if head else []
        if len(labels) < 3:
            return match[0]

        def row(m: re.Match) -> str:
            cells = iter(labels)
            return "<tr>" + _TD.sub(lambda _: f'<td data-label="{next(cells, "")}"', m[1]) + "</tr>"

        body_start = head.end()
        inner = inner[:body_start] + _ROW.sub(row, inner[body_start:])
        return f'<table class="pool-cards">{inner}</table>'

    return _TABLE.sub(table, source)


#: Characters Markdown (with our extensions) reads as markup: a backslash makes each literal.
_MD_ESCAPED = frozenset("\\`*_{}[]()#+-.!|")
#: Characters written as HTML references: raw HTML and entities (`<a href>`, `&lt;`), and the
#: `=` / `>` that make a setext heading or a quote at the start of a line.
_HTML_REFS = {"&": "&amp;", "<": "&lt;", ">": "&gt;", "=": "&#61;"}


def md_text(value: object) -> str:
    """A user-supplied value (a name, a contact, a place, a reason…) as Markdown source that
    renders as exactly that text, inline: no link, image, emphasis, code, heading, list, table
    cell break or HTML of its own (issue 10: an owner named `<a href=…>` became a live link in
    an immutable notice). Runs of white space — line breaks included — become one space, and
    invisible control characters are dropped, so a value cannot start a new block either. Every
    value a service puts into a generated notice body goes through here; bare web addresses stay
    text because the renderer does not autolink (tests/unit/test_markup.py holds it to that)."""
    out = []
    for ch in " ".join(str(value if value is not None else "").split()):
        if ch in _HTML_REFS:
            out.append(_HTML_REFS[ch])
        elif ch in _MD_ESCAPED:
            out.append("\\" + ch)
        elif unicodedata.category(ch) not in ("Cc", "Cs"):
            out.append(ch)
    return "".join(out)


class Verbatim(str):
    """Markdown source a notice-body template prints as it is. Only the filters of `_BODIES`
    make one, each for a value it has checked or formatted itself: every other value is escaped."""


#: Identifiers the platform makes (project and trading codes, draw ids, credit codes, seed
#: commitments, rate options): printed as they are, after this check, so that `PRJ-2026-0001`
#: is not written `PRJ\-2026\-0001`. Anything else in their place is refused, not printed.
_CODE = re.compile(r"[A-Za-z0-9][A-Za-z0-9._:+-]*")


def _code(value: object) -> Verbatim:
    text = str(value)
    if not _CODE.fullmatch(text):
        raise ValueError(f"not a code the platform makes: {text!r}")
    return Verbatim(text)


def _cell(value: object) -> Verbatim:
    """Escaped text, or "—" when empty (a table cell never left blank)."""
    return Verbatim(md_text(value) or "—")


def _when(moment: datetime | date, pattern: str) -> Verbatim:
    """A moment in the office's time zone (a date as it is), formatted by `pattern`."""
    if isinstance(moment, datetime):
        moment = clock.local(moment)
    return Verbatim(moment.strftime(pattern))


def _markdown(source: str | None) -> Verbatim:
    """Markdown staff wrote on purpose (a pool call's requirements): printed as written, and
    rendered like any body through `render`'s allow-list. The only opt-out of escaping."""
    return Verbatim(source or "")


def _finalize(value: object) -> str:
    """What every `{{ … }}` of a body template prints: escaped text unless a filter vouched for
    it (Verbatim); numbers as they are; anything else (a date, an object) must pass a filter."""
    if isinstance(value, Verbatim):
        return value
    if isinstance(value, jinja2.Undefined):
        return str(value)  # StrictUndefined: a misspelt or missing value raises, never blanks
    if isinstance(value, str) or value is None:
        return md_text(value)
    if isinstance(value, int | Decimal) and not isinstance(value, bool):
        return str(value)
    raise TypeError(f"a {type(value).__name__} in a notice body needs a filter")


_BODIES = jinja2.Environment(
    loader=jinja2.FileSystemLoader(BASE_DIR / "templates" / "notice_bodies"),
    autoescape=False,  # noqa: S701 — Markdown, not HTML: `_finalize` escapes for Markdown
    finalize=_finalize,
    undefined=jinja2.StrictUndefined,
    keep_trailing_newline=True,
    trim_blocks=True,
    lstrip_blocks=True,
)


def _yuan(amount: object) -> Verbatim:
    """An amount in the one format of app.money ("260,000.00"; digits, commas, a point)."""
    return Verbatim(money.yuan(amount))


_BODIES.filters.update(code=_code, cell=_cell, when=_when, markdown=_markdown, yuan=_yuan)


def body(template: str, **values: object) -> str:
    """A generated notice body from templates/notice_bodies/<template>.md. Every value is
    escaped with `md_text` unless a filter (`code`, `cell`, `when`, `markdown`, `yuan`) made it: a name
    that forgets its filter prints as text, never as markup (issue 10; tests/unit/test_markup.py)."""
    return _BODIES.get_template(f"{template}.md").render(**values)
