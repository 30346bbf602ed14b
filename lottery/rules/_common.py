"""What the draw rules share: the limits, RuleError and the checks that every text is visible."""

from __future__ import annotations

import re
import unicodedata

from app.refusal import Refusal

KINDS = ("ranking", "pick")
STATUSES = ("committed", "drawn", "abandoned")

#: Public entropy (LOTTERY.md, "Draw"): zero or more short strings called out at the meeting.
MAX_ENTROPY_ENTRIES = 20
MAX_ENTROPY_CHARS = 64
#: A pool draw ranks at most a few hundred companies; the cap keeps a record under a megabyte.
MAX_CANDIDATES = 10_000
MAX_CANDIDATE_CHARS = 100
MAX_LABEL_CHARS = 200
MAX_PURPOSE_CHARS = 500
MAX_REASON_CHARS = 500
MAX_DRAW_ID_CHARS = 80

_DRAW_ID = re.compile(r"[A-Za-z0-9._-]+")
_SUBJECT_TYPE = re.compile(r"[a-z][a-z0-9_]{0,39}")
# str.splitlines() boundaries: anything a reader or a printer may show as a new line.
_LINE_BREAKS = frozenset("\n\r\v\f\x1c\x1d\x1e\x85\u2028\u2029")
# Invisible or unassigned characters: two entries that look the same must be the same.
_HIDDEN_CATEGORIES = frozenset({"Cc", "Cf", "Cs", "Co", "Cn"})


class RuleError(Refusal, ValueError):
    """An input breaks a rule. `message` is Chinese, `message_en` English; `field` names the input."""


def _check_no_line_break(text: str, zh: str, en: str, field: str) -> None:
    if any(ch in _LINE_BREAKS for ch in text):
        raise RuleError(
            f"{zh}不能包含换行符：{text!r}",
            f"{en} must not contain a line break: {text!r}",
            field=field,
        )


def hidden_character(text: str, *, allowed: str = "") -> str | None:
    """The first line break or invisible or unassigned character of `text` (control, format —
    zero-width and bidi marks —, surrogate, private-use) not in `allowed`, or None. Other domains'
    text that ends up in a draw record uses it, so that both refuse the same characters."""
    return next(
        (
            ch
            for ch in text
            if ch not in allowed
            and (ch in _LINE_BREAKS or unicodedata.category(ch) in _HIDDEN_CATEGORIES)
        ),
        None,
    )


def _check_visible(text: str, zh: str, en: str, field: str) -> None:
    _check_no_line_break(text, zh, en, field)
    for ch in text:
        if unicodedata.category(ch) in _HIDDEN_CATEGORIES:
            raise RuleError(
                f"{zh}不能包含不可见的控制字符（U+{ord(ch):04X}）：{text!r}",
                f"{en} must not contain an invisible control character (U+{ord(ch):04X}): {text!r}",
                field=field,
            )
