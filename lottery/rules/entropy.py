"""Public entropy: the entries called out at the meeting, as shown on the screen and confirmed."""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence

from ._common import (
    MAX_ENTROPY_CHARS,
    MAX_ENTROPY_ENTRIES,
    RuleError,
    _check_no_line_break,
    _check_visible,
)


def normalize_entropy(entries: object) -> list[str]:
    """The public entropy as it will be recorded: each entry stripped, then checked.

    Each entry is 1–64 characters after stripping surrounding spaces, with no line break (the key
    text joins lines with "\\n") and no invisible character; at most 20 entries; none is fine.
    Nothing else is changed: what attendees called out is what goes into the key.
    """
    if isinstance(entries, str | bytes) or not isinstance(entries, Iterable):
        raise RuleError(
            "公开随机数必须是字符串列表",
            "The public entropy must be a list of strings",
            field="entropy",
        )
    items = list(entries)
    if len(items) > MAX_ENTROPY_ENTRIES:
        raise RuleError(
            f"公开随机数最多{MAX_ENTROPY_ENTRIES}项，现有{len(items)}项",
            f"At most {MAX_ENTROPY_ENTRIES} public entropy entries, got {len(items)}",
            field="entropy",
        )
    out = []
    for number, raw in enumerate(items, start=1):
        if not isinstance(raw, str):
            raise RuleError(
                f"第{number}项公开随机数不是文字：{raw!r}",
                f"Public entropy entry {number} is not text: {raw!r}",
                field="entropy",
            )
        # A line break is refused before stripping: "37\n" is a mistake to show, not to fix.
        zh, en = f"第{number}项公开随机数", f"Public entropy entry {number}"
        _check_no_line_break(raw, zh, en, "entropy")
        entry = raw.strip()
        _check_visible(entry, zh, en, "entropy")
        if not entry:
            raise RuleError(
                f"第{number}项公开随机数为空",
                f"Public entropy entry {number} is empty",
                field="entropy",
            )
        if len(entry) > MAX_ENTROPY_CHARS:
            raise RuleError(
                f"第{number}项公开随机数超过{MAX_ENTROPY_CHARS}个字符（{len(entry)}个）",
                f"Public entropy entry {number} is longer than {MAX_ENTROPY_CHARS} characters "
                f"({len(entry)})",
                field="entropy",
            )
        out.append(entry)
    return out


def check_as_shown(shown: Sequence[str] | None, confirmed: Sequence[str]) -> list[str]:
    """A draw uses exactly the entries the meeting screen shows (LOTTERY.md, "Draw").

    `shown` is what staff put on the screen for the attendees to check (None: nothing yet — zero
    entries too must be shown, as "none"); `confirmed` is what the confirmation carries. Any
    difference is refused, whoever calls: the entries are the attendees', not the caller's.
    """
    if shown is None:
        raise RuleError(
            "公开随机数尚未在现场大屏上显示（没有公开随机数也须显示“无”），请先录入并与到场人员核对后再摇号",
            "The public entropy has not been shown on the meeting screen (none at all must be "
            "shown too); enter it and check it with the attendees before drawing",
            field="entropy",
        )
    if list(shown) != list(confirmed):
        on_screen = "、".join(f"“{e}”" for e in shown) or "无"
        raise RuleError(
            f"确认的公开随机数与现场大屏上显示的不一致（大屏显示：{on_screen}），不能摇号；"
            "请重新录入并核对后再摇号",
            f"The confirmed public entropy differs from the entries on the meeting screen "
            f"({', '.join(repr(e) for e in shown) or 'none'}); nothing was drawn — enter and "
            "check the entries again",
            field="entropy",
        )
    return list(shown)


def parse_entropy_lines(text: str) -> list[str]:
    """The console's textarea: one entry per line; blank lines separate and are skipped."""
    lines = re.split(r"\r\n|\r|\n", text or "")
    return normalize_entropy([line for line in lines if line.strip()])
