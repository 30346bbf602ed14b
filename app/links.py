"""Codes in rendered text that name a record with a page of its own (a draw id in a notice body):
the domain owning the records registers a resolver (app.wiring), `link_codes` makes each code it
knows a link.

It works on HTML already sanitised (notices.markup.render): text between tags is escaped there,
and a code is letters, digits and `. _ -` only, so a link it adds carries nothing of the text's
own. Codes already inside a link stay as they are (no link in a link).
"""

from __future__ import annotations

import functools
import re
from collections.abc import Callable, Collection, Mapping

from flask import Flask
from markupsafe import escape

from app.wiring import registry

#: Registry (app.wiring): name → Resolver.
CODE_LINKS = "app.code_links"
#: The codes among those given that name a record, each with its page's URL.
Resolver = Callable[[Collection[str]], Mapping[str, str]]

#: A tag as the sanitiser writes it: attribute values double-quoted (a `>` may be inside one).
_TAG = re.compile(r'<(?:[^>"]|"[^"]*")*>')
#: A candidate code: starts and ends with a letter or digit, holds a digit, a `-` and a letter
#: (every platform-made id does: PRJ-2026-0001-award, POOL-2026-01-JZ), not part of a longer
#: word nor of an entity (&amp;). Without the letter every date and telephone number of a
#: notice's text (2026-01-31, 0574-87321234) was looked up, a statement on most notice pages.
_CODE = re.compile(
    r"(?<![\w.&#-])(?=[\w.-]*\d)(?=[\w.]*-)(?=[\w.-]*[A-Za-z])"
    r"[A-Za-z0-9](?:[\w.-]*[A-Za-z0-9])?(?![\w-])",
    re.ASCII,
)
#: Candidate codes per text looked up at most (a body is a page of text, not a list of ids).
MAX_CODES = 500


def register_code_links(app: Flask, name: str, resolve: Resolver) -> None:
    registry(CODE_LINKS, app)[name] = resolve


def _pieces(html: str) -> list[tuple[bool, str]]:
    """(is_tag, text) pieces of `html`, in order."""
    out, at = [], 0
    for m in _TAG.finditer(html):
        if m.start() > at:
            out.append((False, html[at : m.start()]))
        out.append((True, m.group()))
        at = m.end()
    if at < len(html):
        out.append((False, html[at:]))
    return out


@functools.lru_cache(maxsize=256)
def _scan(html: str) -> tuple[tuple[tuple[str, bool], ...], tuple[str, ...]]:
    """(text, linkable) pieces of `html` — linkable: text outside any link — and the candidate
    codes in them, sorted, at most MAX_CODES. Kept for the process (issue 14): the scan depends
    on the text alone, and a notice's body is shown far more often than it changes; which of
    the codes name a record is asked of the resolvers on every call."""
    pieces = _pieces(html)
    depth, linkable = 0, []
    for is_tag, text in pieces:
        if is_tag:
            name = text[1:].lstrip("/").split(None, 1)[0].rstrip(">").lower()
            if name == "a":
                depth += -1 if text.startswith("</") else 1
        linkable.append(not is_tag and depth == 0)
    codes = {
        c
        for (_t, text), ok in zip(pieces, linkable, strict=True)
        if ok
        for c in _CODE.findall(text)
    }
    marked = tuple((text, ok) for (_t, text), ok in zip(pieces, linkable, strict=True))
    return marked, tuple(sorted(codes)[:MAX_CODES])


def link_codes(html: str) -> str:
    """`html` with every code a registered resolver knows made a link to its page, outside links."""
    resolvers = registry(CODE_LINKS).values()
    if not resolvers:
        return html
    chosen = _scan(html)[1]
    if not chosen:
        return html
    urls: dict[str, str] = {}
    for resolve in resolvers:
        urls.update((code, url) for code, url in resolve(chosen).items() if code not in urls)
    if not urls:
        return html
    return _linked(html, tuple(sorted(urls.items())))


@functools.lru_cache(maxsize=256)
def _linked(html: str, urls: tuple[tuple[str, str], ...]) -> str:
    """`html` with each code of `urls` (code, URL pairs) a link to its URL, outside links. Kept
    for the process (issue 14): a pure function of its arguments, which hold everything it
    reads — a notice's page wrote the same links again on every request (~250 pieces)."""
    by_code = dict(urls)

    def link(m: re.Match) -> str:
        url = by_code.get(m.group())
        return f'<a href="{escape(url)}">{m.group()}</a>' if url else m.group()

    return "".join(_CODE.sub(link, text) if ok else text for text, ok in _scan(html)[0])
