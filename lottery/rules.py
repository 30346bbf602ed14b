"""Pure rules of draw records: input checks, the published record's shape, reading a ranking.

No Flask, no SQLAlchemy: the services and pages call these with plain values, and the unit tests
run them without an app. The algorithm itself lives in ``lottery/engine.py``.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from collections import Counter
from collections.abc import Callable, Iterable, Mapping, Sequence
from datetime import datetime
from decimal import Decimal
from itertools import pairwise
from typing import Any

from app.refusal import Refusal
from lottery.engine import FORMAT

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

#: The keys of "The published record" in LOTTERY.md, in its order; `abandon_reason` is added
#: only to an abandoned record ("then `abandon_reason` is set").
RECORD_KEYS = (
    "format",
    "draw_id",
    "kind",
    "purpose",
    "winners",
    "status",
    "seed_commitment",
    "committed_at",
    "candidates",
    "public_entropy",
    "seed",
    "drawn_at",
    "result",
    "subject",
)

KIND_LABELS = {"ranking": ("排序抽签", "Ranking"), "pick": ("选项抽签", "Pick")}
STATUS_LABELS = {
    "committed": ("待摇号", "Awaiting the draw"),
    "drawn": ("已摇号", "Drawn"),
    "abandoned": ("已作废", "Abandoned"),
}
#: What a draw belongs to. Pool and Trading name their subjects; unknown types show as given.
SUBJECT_TYPE_LABELS = {
    "project": ("项目", "Project"),
    # A trading round (contracts.rules.SUBJECT_TYPE), shown as its project as ever; draws committed
    # before the round had one subject keep "trading_project".
    "trading": ("项目", "Project"),
    "trading_project": ("项目", "Project"),
    "pool_call": ("名录库征集", "Pool call"),
    "pool_category": ("名录库类别", "Pool category"),
    "demo": ("演示", "Demo"),
}

_DRAW_ID = re.compile(r"[A-Za-z0-9._-]+")
_SUBJECT_TYPE = re.compile(r"[a-z][a-z0-9_]{0,39}")
# str.splitlines() boundaries: anything a reader or a printer may show as a new line.
_LINE_BREAKS = frozenset("\n\r\v\f\x1c\x1d\x1e\x85\u2028\u2029")
# Invisible or unassigned characters: two entries that look the same must be the same.
_HIDDEN_CATEGORIES = frozenset({"Cc", "Cf", "Cs", "Co", "Cn"})


class RuleError(Refusal, ValueError):
    """An input breaks a rule. `message` is Chinese, `message_en` English; `field` names the input."""


# ---- identifiers ------------------------------------------------------------------------------


def check_draw_id(draw_id: object) -> str:
    """A draw id is ASCII `[A-Za-z0-9._-]`, unique forever (LOTTERY.md, "Algorithm")."""
    if (
        not isinstance(draw_id, str)
        or not _DRAW_ID.fullmatch(draw_id)
        or len(draw_id) > MAX_DRAW_ID_CHARS
    ):
        raise RuleError(
            f"抽签编号只能由字母、数字和 . _ - 组成，且不超过{MAX_DRAW_ID_CHARS}个字符：{draw_id!r}",
            f"A draw id may only contain letters, digits and . _ - "
            f"(at most {MAX_DRAW_ID_CHARS} characters): {draw_id!r}",
            field="draw_id",
        )
    return draw_id


def check_subject(subject_type: object, subject_code: object) -> tuple[str, str]:
    """The subject a draw belongs to: a lower-case type and a code (e.g. project PRJ-2026-0007)."""
    if not isinstance(subject_type, str) or not _SUBJECT_TYPE.fullmatch(subject_type):
        raise RuleError(
            f"抽签所属事项的类型无效：{subject_type!r}",
            f"Invalid subject type: {subject_type!r}",
            field="subject",
        )
    if not isinstance(subject_code, str) or not subject_code.strip() or len(subject_code) > 80:
        raise RuleError(
            "请填写抽签所属事项的编号（不超过80个字符）",
            "Give the code of the subject the draw belongs to (at most 80 characters)",
            field="subject",
        )
    _check_visible(subject_code, "所属事项编号", "The subject code", "subject")
    return subject_type, subject_code.strip()


def check_purpose(purpose: object) -> str:
    """The human-readable purpose, in Chinese, printed on every page of the draw."""
    text = purpose.strip() if isinstance(purpose, str) else ""
    if not text:
        raise RuleError("请填写抽签事项", "Give the purpose of the draw", field="purpose")
    if len(text) > MAX_PURPOSE_CHARS:
        raise RuleError(
            f"抽签事项不能超过{MAX_PURPOSE_CHARS}个字符",
            f"The purpose may have at most {MAX_PURPOSE_CHARS} characters",
            field="purpose",
        )
    _check_visible(text, "抽签事项", "The purpose", "purpose")
    return text


def check_kind(kind: object) -> str:
    if kind not in KINDS:
        raise RuleError(
            f"未知的抽签类型：{kind!r}（应为 ranking 或 pick）",
            f"Unknown draw kind {kind!r} (expected ranking or pick)",
            field="kind",
        )
    return kind  # type: ignore[return-value]


def check_winners(kind: str, winners: object, candidate_count: int | None = None) -> int:
    """A ranking selects its first `winners` (1..len(candidates)); a pick selects exactly one."""
    if not isinstance(winners, int) or isinstance(winners, bool) or winners < 1:
        raise RuleError(
            "中选数量必须是正整数",
            "The number of winners must be a positive integer",
            field="winners",
        )
    if kind == "pick" and winners != 1:
        raise RuleError(
            "选项抽签只能选出一个选项", "A pick draw selects exactly one option", field="winners"
        )
    if candidate_count is not None and winners > candidate_count:
        raise RuleError(
            f"中选数量（{winners}）不能超过候选数量（{candidate_count}）",
            f"The number of winners ({winners}) exceeds the number of candidates "
            f"({candidate_count})",
            field="winners",
        )
    return winners


# ---- public entropy ---------------------------------------------------------------------------


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


# ---- candidates -------------------------------------------------------------------------------


def sorted_candidates(identifiers: Iterable[str]) -> list[str]:
    """Candidates of a ranking in the order LOTTERY.md prescribes: ascending by code point.

    Callers pass their identifiers (统一社会信用代码) through this helper, so the order is never
    chosen by a person; duplicates are refused, not merged.
    """
    items = list(identifiers)
    _refuse_duplicates(items)
    return sorted(items)


def _refuse_duplicates(items: Sequence[str]) -> None:
    dupes = sorted(name for name, count in Counter(items).items() if count > 1)
    if dupes:
        shown = "、".join(dupes[:5]) + ("……" if len(dupes) > 5 else "")
        raise RuleError(
            f"候选名单有重复项：{shown}",
            f"The candidate list has duplicates: {', '.join(dupes[:5])}",
            field="candidates",
        )


def check_candidates(kind: str, candidates: object) -> list[str]:
    """A candidate list as the engine needs it; a ranking's must already be sorted ascending.

    The service sorts nothing silently: an unsorted ranking list means the caller skipped
    `sorted_candidates`, which is a bug to report, not to repair.
    """
    if isinstance(candidates, str | bytes) or not isinstance(candidates, Iterable):
        raise RuleError(
            "候选名单必须是字符串列表",
            "The candidate list must be a list of strings",
            field="candidates",
        )
    items = list(candidates)
    if not items:
        if kind == "pick":
            raise RuleError(
                "选项抽签没有可选的选项",
                "A pick draw needs at least one option",
                field="candidates",
            )
        raise RuleError("候选名单为空", "The candidate list is empty", field="candidates")
    if len(items) > MAX_CANDIDATES:
        raise RuleError(
            f"候选名单不能超过{MAX_CANDIDATES}项",
            f"At most {MAX_CANDIDATES} candidates",
            field="candidates",
        )
    for item in items:
        if not isinstance(item, str) or not item or item != item.strip():
            raise RuleError(
                f"候选项必须是不带首尾空格的非空文字：{item!r}",
                f"A candidate must be non-empty text without surrounding spaces: {item!r}",
                field="candidates",
            )
        if len(item) > MAX_CANDIDATE_CHARS:
            raise RuleError(
                f"候选项不能超过{MAX_CANDIDATE_CHARS}个字符：{item!r}",
                f"A candidate may have at most {MAX_CANDIDATE_CHARS} characters: {item!r}",
                field="candidates",
            )
        _check_visible(item, "候选项", "A candidate", "candidates")
    _refuse_duplicates(items)
    if kind == "ranking":
        for before, after in pairwise(items):
            if not before < after:
                raise RuleError(
                    f"排序抽签的候选名单必须按码位升序排列（由系统排序，不由人工决定）："
                    f"{before} 排在 {after} 之前",
                    f"Ranking candidates must be sorted ascending by code point (the order is "
                    f"never chosen by a person): {before} comes before {after}",
                    field="candidates",
                )
    return items


def candidates_digest(candidates: Sequence[str]) -> str:
    """A short fingerprint of a candidate list: the console checks that what staff reviewed is
    what gets drawn."""
    return hashlib.sha256("\n".join(candidates).encode("utf-8")).hexdigest()


def as_reviewed(reviewed_digest: str | None, candidates: Sequence[str] | None) -> bool:
    """Whether the candidates a meeting would draw over now are those its review page showed
    (their `candidates_digest` rode along with the confirmation). Each owner refuses the
    confirmation otherwise, in its own words: the attendees checked that list, not another."""
    return candidates is not None and reviewed_digest == candidates_digest(list(candidates))


def check_labels(labels: Mapping[str, str] | None) -> dict[str, str]:
    """Names shown beside candidate ids on pages (company names, "3.50%"); not in the record."""
    out: dict[str, str] = {}
    for key, value in (labels or {}).items():
        if not isinstance(key, str) or not isinstance(value, str):
            raise RuleError(
                "候选项名称必须是文字", "Candidate labels must be text", field="candidate_labels"
            )
        value = value.strip()
        if len(value) > MAX_LABEL_CHARS:
            raise RuleError(
                f"候选项名称不能超过{MAX_LABEL_CHARS}个字符：{value[:20]}…",
                f"A candidate label may have at most {MAX_LABEL_CHARS} characters",
                field="candidate_labels",
            )
        _check_visible(value, "候选项名称", "A candidate label", "candidate_labels")
        out[key] = value
    return out


def check_reason(reason: object) -> str:
    """An abandonment is published with its reason (LOTTERY.md, "Abandon")."""
    text = reason.strip() if isinstance(reason, str) else ""
    if not text:
        raise RuleError("请填写作废原因", "Give the reason for abandoning the draw", field="reason")
    if len(text) > MAX_REASON_CHARS:
        raise RuleError(
            f"作废原因不能超过{MAX_REASON_CHARS}个字符",
            f"The reason may have at most {MAX_REASON_CHARS} characters",
            field="reason",
        )
    return text


def rate_options(start: Decimal, stop: Decimal, step: Decimal) -> list[str]:
    """Discount-rate options in percent with two decimals, both ends included: "3.00" … "8.00".

    The options of a `pick` draw are printed in the trading notice in this order (DESIGN.md, B.4).
    """
    if step <= 0 or stop < start:
        raise RuleError(
            "下浮率选项的范围或步长无效",
            "Invalid range or step of discount-rate options",
            field="options",
        )
    out, value = [], start
    while value <= stop:
        out.append(f"{value:.2f}")
        value += step
    return out


# ---- the published record and reading a result ------------------------------------------------


def published_record(draw: Any, time_iso: Callable[[datetime | None], str | None]) -> dict:
    """The record of LOTTERY.md ("The published record") for an object with the Draw fields.

    Before the draw the seed, entropy, time and result are null whatever is stored: the seed is
    shown to nobody until the reveal. An abandoned record reveals its seed and adds
    `abandon_reason`; the other records carry exactly the keys of LOTTERY.md.
    """
    drawn = draw.status == "drawn"
    revealed = draw.status in ("drawn", "abandoned")
    record = {
        "format": FORMAT,
        "draw_id": draw.draw_id,
        "kind": draw.kind,
        "purpose": draw.purpose,
        "winners": draw.winners,
        "status": draw.status,
        "seed_commitment": draw.seed_commitment,
        "committed_at": time_iso(draw.committed_at),
        "candidates": list(draw.candidates) if draw.candidates is not None else None,
        "public_entropy": list(draw.public_entropy) if drawn else None,
        "seed": draw.seed if revealed else None,
        "drawn_at": time_iso(draw.drawn_at) if drawn else None,
        "result": list(draw.result) if drawn else None,
        "subject": {"type": draw.subject_type, "code": draw.subject_code},
    }
    if draw.status == "abandoned":
        record["abandon_reason"] = draw.abandon_reason
    return record


def split_ranking(result: Sequence[str], winners: int) -> tuple[list[str], list[str]]:
    """(selected, alternates in order): the first `winners` of the ranking, and the rest."""
    return list(result[:winners]), list(result[winners:])


def next_in_ranking(result: Sequence[str], excluded: Iterable[str]) -> str | None:
    """The first candidate of the ranking not excluded (withdrew, refused to sign, sanctioned).

    LOTTERY.md: the award moves to the next in the ranking with no new draw; None when the
    ranking is exhausted, and only then does a new draw happen.
    """
    gone = set(excluded)
    return next((c for c in result if c not in gone), None)
