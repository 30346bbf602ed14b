"""Performance evaluation (履约评价), pure: the published form's four parts, each 合格 / 不合格,
the overall result (不合格 when any part fails), and what a complete evaluation needs.

The form is published (contracts.evaluations.views `criteria`): what each part covers, that a
failed part needs its reasons, that a 不合格 needs evidence, and that a 不合格 opens a misconduct
case (《招标投标违法行为记录公告暂行办法》; DESIGN.md B.7: 合同履行评价不合格).
"""

from __future__ import annotations

import enum
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date

from app.refusal import Refusal

__all__ = [
    "ASPECTS",
    "MAX_EVIDENCE_FILES",
    "MAX_REASON",
    "REPEAT_WINDOW_MONTHS",
    "Aspect",
    "Checked",
    "EvaluationState",
    "RuleError",
    "Verdict",
    "check_completion",
    "check_evaluation",
    "evaluation_state",
    "overall",
    "repeat_window_end",
    "repeat_window_start",
]


class RuleError(Refusal, ValueError):
    """An evaluation breaks a rule of the published form."""


class Aspect(enum.StrEnum):
    """The parts of the form, in their printed order."""

    QUALITY = "quality"
    SCHEDULE = "schedule"
    SAFETY = "safety"
    COOPERATION = "cooperation"

    @property
    def label(self) -> tuple[str, str]:
        return ASPECTS[self][0]

    @property
    def covers(self) -> tuple[str, str]:
        return ASPECTS[self][1]


#: Each part: its label and what it covers, as the published form prints them.
ASPECTS: dict[Aspect, tuple[tuple[str, str], tuple[str, str]]] = {
    Aspect.QUALITY: (
        ("工程质量", "Quality"),
        (
            "工程质量符合合同约定和国家强制性标准，竣工验收合格，无返工或质量问题整改不到位",
            "The work meets the contract and the mandatory national standards, passed its "
            "completion acceptance, with no rework or unremedied defect",
        ),
    ),
    Aspect.SCHEDULE: (
        ("工期", "Schedule"),
        (
            "按合同约定工期完工，或延期经业主书面同意",
            "Completed within the contract period, or any delay agreed by the owner in writing",
        ),
    ),
    Aspect.SAFETY: (
        ("安全文明施工", "Safety"),
        (
            "施工期间未发生安全事故，安全文明施工措施落实到位",
            "No safety incident during the works; the safety and site measures were in place",
        ),
    ),
    Aspect.COOPERATION: (
        ("履约配合", "Cooperation"),
        (
            "项目负责人按约到岗，服从业主和监理的合理安排，按时结算，未拖欠农民工工资",
            "The project manager was on site as agreed, the owner's and supervisor's reasonable "
            "instructions were followed, and no worker's wages were left unpaid",
        ),
    ),
}


class Verdict(enum.StrEnum):
    """A part's or the whole evaluation's result."""

    PASSED = "pass"  # 合格
    FAILED = "fail"  # 不合格

    @property
    def label(self) -> tuple[str, str]:
        return {
            Verdict.PASSED: ("合格", "Satisfactory"),
            Verdict.FAILED: ("不合格", "Unsatisfactory"),
        }[self]


class EvaluationState(enum.StrEnum):
    """Where a contract stands with its evaluation."""

    NOT_DUE = "not_due"  # no contract recorded yet: nothing to evaluate
    DUE = "due"  # contract recorded, not evaluated yet
    EVALUATED = "evaluated"  # evaluated, once and for all


#: A reason for a failed part: at most this many characters.
MAX_REASON = 1000
#: Evidence files one evaluation may carry.
MAX_EVIDENCE_FILES = 5
#: A second 不合格 within this many months proposes a suspension (issue 12, item 6).
REPEAT_WINDOW_MONTHS = 12


def evaluation_state(*, contract_recorded: bool, evaluated: bool) -> EvaluationState:
    """Derived from the facts: evaluated wins; else due once the contract is recorded."""
    if evaluated:
        return EvaluationState.EVALUATED
    return EvaluationState.DUE if contract_recorded else EvaluationState.NOT_DUE


def overall(parts: Mapping[Aspect, Verdict]) -> Verdict:
    """不合格 if any part fails, else 合格. Every part must be given."""
    missing = [a for a in Aspect if a not in parts]
    if missing:
        raise RuleError(
            f"请评价“{missing[0].label[0]}”", f"Rate “{missing[0].label[1]}”", field=missing[0]
        )
    return Verdict.FAILED if any(parts[a] == Verdict.FAILED for a in Aspect) else Verdict.PASSED


def check_completion(completed_on: date | None, *, signed_on: date, today: date) -> date:
    """The completion date: given, not in the future, not before the contract was signed."""
    if completed_on is None:
        raise RuleError("请填写完工日期", "Enter the completion date", field="completed_on")
    if completed_on > today:
        raise RuleError(
            "完工日期不能晚于今天",
            "The completion date cannot be in the future",
            field="completed_on",
        )
    if completed_on < signed_on:
        raise RuleError(
            f"完工日期不能早于合同签订日期（{signed_on.isoformat()}）",
            f"The completion date cannot be before the contract was signed ({signed_on.isoformat()})",
            field="completed_on",
        )
    return completed_on


def _clean(text: str | None) -> str:
    return (text or "").strip()


@dataclass(frozen=True)
class Checked:
    """A complete evaluation: each part's verdict and reason (reasons of passed parts may be
    empty), and the overall result."""

    parts: dict[Aspect, Verdict]
    reasons: dict[Aspect, str]
    result: Verdict


def check_evaluation(
    parts: Mapping[Aspect, Verdict],
    reasons: Mapping[Aspect, str | None],
    *,
    evidence_files: int,
) -> Checked:
    """Every part rated; a reason for every failed part; evidence for a 不合格; limits held."""
    result = overall(parts)
    cleaned: dict[Aspect, str] = {}
    for a in Aspect:
        text = _clean(reasons.get(a))
        if "\x00" in text:
            raise RuleError(
                "理由中含有不能接受的字符",
                "The reason holds a character we cannot accept",
                field=f"{a}_reason",
            )
        if len(text) > MAX_REASON:
            raise RuleError(
                f"“{a.label[0]}”的理由不能超过{MAX_REASON}个字符",
                f"The reason for “{a.label[1]}” may have at most {MAX_REASON} characters",
                field=f"{a}_reason",
            )
        if parts[a] == Verdict.FAILED and not text:
            raise RuleError(
                f"“{a.label[0]}”评为不合格，请写明理由",
                f"“{a.label[1]}” is rated unsatisfactory: give the reasons",
                field=f"{a}_reason",
            )
        cleaned[a] = text
    if evidence_files > MAX_EVIDENCE_FILES:
        raise RuleError(
            f"证据材料最多{MAX_EVIDENCE_FILES}个文件",
            f"At most {MAX_EVIDENCE_FILES} evidence files",
            field="evidence",
        )
    if result == Verdict.FAILED and evidence_files == 0:
        raise RuleError(
            "评价为不合格的，须上传证据材料（照片、检测报告、整改通知等）",
            "An unsatisfactory evaluation needs evidence (photos, test reports, notices…)",
            field="evidence",
        )
    return Checked(dict(parts), cleaned, result)


def _years_from(on: date, years: int) -> date:
    day = on.day
    while True:
        try:
            return date(on.year + years, on.month, day)
        except ValueError:  # 29 Feb → 28 Feb
            day -= 1


def repeat_window_start(on: date) -> date:
    """The first day of the 12 months ending on `on`: a 不合格 completed on or after it is
    "within 12 months" of one completed on `on` (same day of month, 29 Feb → 28 Feb)."""
    return _years_from(on, -1)


def repeat_window_end(on: date) -> date:
    """The last day of the 12 months starting on `on` (an earlier-completed fail entered later
    counts the same way)."""
    return _years_from(on, 1)
