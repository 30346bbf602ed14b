"""Pure rules of the site search (全站检索): how text becomes index grams, how a query becomes a
match expression, the 五公开 stages, and how matched words are marked.

Chinese has no spaces between words, so the index is of characters, not words: every letter or
digit (a unigram) and every pair of neighbours (a bigram) of a title and its text. A query word of
one character matches a unigram; a longer word matches the phrase of its bigrams in a row
("招标公告" → 招标 标公 公告 at consecutive positions), which is exactly "the text contains this
word" — the substring match a trigram index gives for three characters and more, but also for one
and two (issue [Public] item 1: trigram alone matches neither). Latin text is indexed the same
way, after NFKC (全角 ＡＢＣ → ABC) and case folding.

Only letters and digits reach an index or a match expression: punctuation, quotes, `%`, `_`, NUL
and FTS syntax (`"a" OR NEAR(`) separate words and are never read as operators.
"""

from __future__ import annotations

import enum
import re
import unicodedata
from dataclasses import dataclass


def N_(message: str) -> str:
    """Mark a string for translation without translating it here (rules stay free of Flask)."""
    return message


#: A query is read up to this many characters; a longer one is cut and the page says so.
MAX_QUERY_CHARS = 100
#: Words of a query beyond this many are ignored (each is one more index lookup).
MAX_TERMS = 8
#: Characters of an object's text that are indexed: PostgreSQL keeps positions up to 16,383 in a
#: tsvector, and a phrase needs its positions. Titles are always indexed whole.
MAX_INDEXED_CHARS = 15000
#: A gap between runs of letters (across punctuation or a space) so that a phrase never spans one:
#: "施工 单位" must not match "工单". Bigrams are two characters; this token is three, so no query
#: gram is ever equal to it.
RUN_BREAK = "brk"
#: Characters of text shown around the first match in a result.
SNIPPET_CHARS = 120


class Stage(enum.StrEnum):
    """五公开: the five parts of government openness a public object belongs to (国办发〔2016〕80号
    《关于全面推进政务公开工作的意见》: 决策、执行、管理、服务、结果公开)."""

    DECISION = "decision"
    EXECUTION = "execution"
    MANAGEMENT = "management"
    SERVICE = "service"
    RESULT = "result"


STAGE_LABELS: dict[Stage, tuple[str, str]] = {
    Stage.DECISION: (N_("决策公开"), "Decisions"),
    Stage.EXECUTION: (N_("执行公开"), "Execution"),
    Stage.MANAGEMENT: (N_("管理公开"), "Management"),
    Stage.SERVICE: (N_("服务公开"), "Services"),
    Stage.RESULT: (N_("结果公开"), "Results"),
}


class Kind(enum.StrEnum):
    """What a result is: the public objects the site search finds."""

    NOTICE = "notice"
    PROJECT = "project"
    COMPANY = "company"
    DRAW = "draw"
    GUIDE = "guide"


KIND_LABELS: dict[Kind, tuple[str, str]] = {
    Kind.NOTICE: (N_("公告"), "Notices"),
    Kind.PROJECT: (N_("项目"), "Projects"),
    Kind.COMPANY: (N_("企业"), "Companies"),
    Kind.DRAW: (N_("摇号记录"), "Draws"),
    Kind.GUIDE: (N_("政策与指南"), "Policies and guides"),
}


class Sort(enum.StrEnum):
    DATE = "date"
    RELEVANCE = "relevance"


def _is_word_char(ch: str) -> bool:
    return unicodedata.category(ch)[0] in "LN"


def normalise(text: str) -> str:
    """Full-width to half-width, compatibility forms folded, case folded: as indexed and queried."""
    return unicodedata.normalize("NFKC", text).casefold()


def runs(text: str) -> list[str]:
    """The runs of letters and digits of `text`, normalised; everything else separates them."""
    out, current = [], []
    for ch in normalise(text):
        if _is_word_char(ch):
            current.append(ch)
        elif current:
            out.append("".join(current))
            current = []
    if current:
        out.append("".join(current))
    return out


@dataclass(frozen=True)
class Grams:
    """What the index stores of one object's text."""

    #: Every distinct character, in order of first appearance.
    unigrams: tuple[str, ...]
    #: Bigrams in text order, runs separated by RUN_BREAK (a phrase of them is a substring).
    bigrams: tuple[str, ...]


def grams(*texts: str) -> Grams:
    """The grams of an object's texts (title, text…): each text cut at MAX_INDEXED_CHARS."""
    unigrams: dict[str, None] = {}
    bigrams: list[str] = []
    for text in texts:
        for run in runs((text or "")[:MAX_INDEXED_CHARS]):
            unigrams.update(dict.fromkeys(run))
            if len(run) > 1:
                if bigrams:
                    bigrams.append(RUN_BREAK)
                bigrams.extend(run[i : i + 2] for i in range(len(run) - 1))
    return Grams(tuple(unigrams), tuple(bigrams))


@dataclass(frozen=True)
class Query:
    """A search box's text, read: its words, and whether anything was cut or ignored."""

    #: What the box showed, cleaned of control characters and cut to MAX_QUERY_CHARS.
    text: str
    #: The words searched for (runs of letters and digits), at most MAX_TERMS.
    terms: tuple[str, ...]
    #: The text was longer than MAX_QUERY_CHARS (or had more words than MAX_TERMS).
    truncated: bool = False

    @property
    def empty(self) -> bool:
        return not self.terms


def parse_query(raw: str | None) -> Query:
    """The query of a search box: never an error, whatever is typed (a NUL, 10,000 characters,
    SQL, HTML or FTS syntax) — at worst no words, which the page explains."""
    raw = raw or ""
    text = "".join(ch for ch in raw if unicodedata.category(ch) not in ("Cc", "Cs")).strip()
    truncated = len(text) > MAX_QUERY_CHARS
    text = text[:MAX_QUERY_CHARS]
    terms = tuple(dict.fromkeys(runs(text)))
    if len(terms) > MAX_TERMS:
        terms, truncated = terms[:MAX_TERMS], True
    return Query(text=text, terms=terms, truncated=truncated)


def term_grams(term: str) -> tuple[str, ...]:
    """The bigrams a word of two or more characters must have in a row."""
    return tuple(term[i : i + 2] for i in range(len(term) - 1))


def fts5_match(query: Query) -> str:
    """The SQLite FTS5 MATCH expression of `query`: every word, each a quoted token or phrase of
    its column (letters and digits only reach here, so no quote or operator can)."""
    parts = []
    for term in query.terms:
        if len(term) == 1:
            parts.append(f'unigrams : "{term}"')
        else:
            parts.append('bigrams : "' + " ".join(term_grams(term)) + '"')
    return " AND ".join(parts)


def tsquery_texts(query: Query) -> tuple[str | None, str | None]:
    """PostgreSQL tsquery texts of `query`: (on the unigrams, on the bigrams), None for a side
    without words. A longer word is a phrase (`'招标' <-> '标公'`)."""
    ones = [f"'{t}'" for t in query.terms if len(t) == 1]
    longer = [
        "(" + " <-> ".join(f"'{g}'" for g in term_grams(t)) + ")" for t in query.terms if len(t) > 1
    ]
    return (" & ".join(ones) or None, " & ".join(longer) or None)


def term_tsquery(term: str) -> str:
    """The tsquery text of one word (on the unigrams for one character, else the bigrams)."""
    if len(term) == 1:
        return f"'{term}'"
    return "(" + " <-> ".join(f"'{g}'" for g in term_grams(term)) + ")"


def term_share(term: str, shares: dict[str, float]) -> float:
    """The share of the entries that may contain `term`, from the shares of the commonest grams
    (a database's statistics): at most that of its rarest gram; 0 for a gram not among them,
    which is rarer than any that is."""
    return min(shares.get(g, 0.0) for g in (term_grams(term) if len(term) > 1 else (term,)))


#: What a row found through the gram index costs, in rows read newest first (PostgreSQL, 100,000
#: entries: about 12 µs against 3.5 µs; bench/search.py).
INDEX_ROW_COST = 4


def walk_is_cheaper(share: float, wanted: int, entries: int) -> bool:
    """Whether the `wanted` newest entries containing a word found in `share` of `entries` are
    read sooner by walking the entries newest first, testing each (about wanted / share rows), than
    by collecting every match from the gram index and testing those (about share × entries rows,
    the phrase checked on each). A word the index calls common is usually all the more so in the
    text ("文化礼堂" is as common as "礼堂"), so `share` is a fair guess of the word's own. A row
    the index finds costs INDEX_ROW_COST rows walked (it is fetched out of order and its phrase
    checked again)."""
    return share > 0 and wanted / share < INDEX_ROW_COST * share * entries


def tsvector_text(values: tuple[str, ...], *, positions: bool) -> str:
    """A tsvector's input text for PostgreSQL (no parser, no locale: the grams are the lexemes).
    With `positions`, each gram at its place in the text, a RUN_BREAK leaving a gap."""
    if not positions:
        return " ".join(f"'{v}'" for v in dict.fromkeys(values))
    at: dict[str, list[int]] = {}
    for i, v in enumerate(values, start=1):
        if v != RUN_BREAK:
            at.setdefault(v, []).append(min(i, 16383))
    return " ".join(f"'{v}':" + ",".join(map(str, ps[:256])) for v, ps in at.items())


def _pattern(terms: tuple[str, ...]) -> re.Pattern | None:
    words = sorted({t for t in terms if t}, key=len, reverse=True)
    if not words:
        return None
    return re.compile("|".join(re.escape(w) for w in words), re.IGNORECASE)


def highlight(text: str, terms: tuple[str, ...]) -> list[tuple[str, bool]]:
    """`text` cut into (piece, matched) pieces: the template escapes every piece and wraps the
    matched ones in <mark> — nothing here is HTML, so nothing typed can become markup."""
    pattern = _pattern(terms)
    if pattern is None or not text:
        return [(text, False)] if text else []
    out: list[tuple[str, bool]] = []
    at = 0
    for m in pattern.finditer(text):
        if m.start() > at:
            out.append((text[at : m.start()], False))
        out.append((m.group(0), True))
        at = m.end()
    if at < len(text):
        out.append((text[at:], False))
    return out


def snippet(text: str, terms: tuple[str, ...], width: int = SNIPPET_CHARS) -> str:
    """About `width` characters of `text` around its first match (its start if none), with "…"
    where it was cut."""
    text = " ".join((text or "").split())
    if len(text) <= width:
        return text
    pattern = _pattern(terms)
    m = pattern.search(text) if pattern else None
    start = 0 if m is None else max(0, m.start() - width // 3)
    end = min(len(text), start + width)
    start = max(0, end - width)
    return ("…" if start else "") + text[start:end] + ("…" if end < len(text) else "")
