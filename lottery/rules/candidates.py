"""Candidates: their order, checks, the reviewed list's digest, labels, reasons and rate options."""

from __future__ import annotations

import hashlib
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from decimal import Decimal
from itertools import pairwise

from ._common import (
    MAX_CANDIDATE_CHARS,
    MAX_CANDIDATES,
    MAX_LABEL_CHARS,
    MAX_REASON_CHARS,
    RuleError,
    _check_visible,
)


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


def label_adds(candidate: str, label: str | None) -> bool:
    """Whether a candidate's label says more than its id, so a page shows both.

    A company's name beside its credit code adds; "3.00%" beside the rate option "3.00" only
    restates it with a unit, so the option is shown once, by its label (issue 13: a draw listed
    each rate twice). The id stays in the record, the JSON and the verifier's output.
    """
    if not label or label == candidate:
        return False
    rest = label.replace(candidate, "", 1) if candidate else label
    return rest == label or any(ch.isalnum() for ch in rest)


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
