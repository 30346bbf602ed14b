"""A draw's identifiers and shape: its id, subject, purpose, kind and number of winners."""

from __future__ import annotations

from ._common import (
    _DRAW_ID,
    _SUBJECT_TYPE,
    KINDS,
    MAX_DRAW_ID_CHARS,
    MAX_PURPOSE_CHARS,
    RuleError,
    _check_visible,
)


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
