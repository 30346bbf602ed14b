"""Safe formatted text: notice bodies are Markdown, rendered and then sanitised to a tag allow-list;
`md_text` puts a user's text into a generated body so that it prints as that text."""

from __future__ import annotations

import unicodedata

import markdown
import nh3

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


def render(source: str) -> str:
    """Markdown → HTML with only harmless tags; links get rel=noopener noreferrer nofollow."""
    html = markdown.markdown(
        source or "", extensions=["tables", "sane_lists"], output_format="html"
    )
    return nh3.clean(
        html,
        tags=_TAGS,
        attributes=_ATTRIBUTES,
        url_schemes={"http", "https", "mailto"},
        link_rel="noopener noreferrer nofollow",
    )


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
