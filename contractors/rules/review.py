"""Review decisions (资格审查) and the meeting's outcome per category."""

from __future__ import annotations

import enum
from collections.abc import Mapping

from ._common import RuleError

PASS, FAIL = "pass", "fail"
DECISION_LABELS = {PASS: "合格", FAIL: "不合格"}


# ---- review -----------------------------------------------------------------------------------


def check_decision(
    decision: str, reason_code: str | None, reason_text: str, reasons: Mapping[str, bool]
) -> tuple[str | None, str]:
    """A review decision: pass, or fail with a reason from the list (+ free text, required for
    a reason that needs it). `reasons` maps each listed code to whether it needs text. Returns
    the (reason_code, reason_text) to store."""
    text = (reason_text or "").strip()
    if decision == PASS:
        return None, text
    if decision != FAIL:
        raise RuleError(
            "审查结论只能是“合格”或“不合格”", "The decision must be pass or fail", field="decision"
        )
    if not reason_code:
        raise RuleError(
            "不合格必须从理由列表中选择理由",
            "A fail needs a reason from the list",
            field="reason_code",
        )
    if reason_code not in reasons:
        raise RuleError(
            f"未知的不合格理由：{reason_code}",
            f"Unknown fail reason: {reason_code}",
            field="reason_code",
        )
    if reasons[reason_code] and not text:
        raise RuleError(
            "选择“其他”理由时必须填写具体说明",
            "Explain the reason in words when choosing “other”",
            field="reason_text",
        )
    if len(text) > 500:
        raise RuleError(
            "说明不能超过500个字符", "The text may have at most 500 characters", field="reason_text"
        )
    return reason_code, text


class Settlement(enum.StrEnum):
    """How the meeting settled a category (PoolCallCategory.outcome)."""

    DRAWN = "drawn"  # more qualified than the quota: the ranking draw picked them
    ALL_ENTER = "all_enter"  # at most the quota qualified: all enter, the draw is abandoned


class SelectionStatus(enum.StrEnum):
    """A company's place in a settled category (PoolSelection.status)."""

    SELECTED = "selected"  # 入围
    RESERVE = "reserve"  # 候补, by its rank


def meeting_outcome(qualified: int, quota: int) -> Settlement:
    """Per category (DESIGN.md A.5): more qualified than the quota → a ranking draw picks the
    quota; otherwise all qualified enter and no draw is needed."""
    return Settlement.DRAWN if qualified > quota else Settlement.ALL_ENTER
