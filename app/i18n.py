"""The request's language, for text that comes in both languages as data (rules' labels, refusals).

Text written in a template or a view is translated with gettext (`app/translations`); a label or a
message that a pure rule carries as a (Chinese, English) pair is picked here.
"""

from __future__ import annotations

from flask_babel import get_locale

from app.refusal import Refusal


def english() -> bool:
    """Whether the request reads English (Chinese outside a request)."""
    try:
        locale = get_locale()
    except RuntimeError:  # no application or request context: a CLI command, a job
        return False
    return locale is not None and locale.language == "en"


def loc(zh: str, en: str) -> str:
    """A (Chinese, English) pair in the request's language."""
    return en if english() else zh


def label(pair: tuple[str, ...]) -> str:
    """A label tuple (Chinese first, English second if any) in the request's language."""
    return pair[1] if len(pair) > 1 and english() else pair[0]


def localized(error: Refusal) -> str:
    """A refusal's message in the request's language."""
    return loc(error.message, error.message_en)


def named(obj) -> str:
    """A record's name (a pool category, an office) in the request's language: its `name_en` on
    the English site when it has one, else its (Chinese) `name`. None reads as empty."""
    if obj is None:
        return ""
    name_en = getattr(obj, "name_en", "") or ""
    return name_en if name_en and english() else obj.name
