"""Notice bodies of the pool, from templates/notice_bodies/ (notices.markup.body escapes every
value): the call, the review result, its correction, the roster publicity and the roster."""

from __future__ import annotations

from dataclasses import dataclass

from contractors import queries, rules
from contractors.models import ApplicationEntry, PoolCall, PoolCallCategory, PoolSelection
from notices.markup import body


def call_body(call: PoolCall) -> str:
    return body("pool_call", call=call)


@dataclass(frozen=True)
class _Row:
    """One line of the review table: the entry, its decision's label and the reason of a fail
    (a label and the reviewer's words, escaped together as one cell)."""

    entry: ApplicationEntry
    decision: str
    reason: str


def _review_rows(entries: list[ApplicationEntry], reasons: dict[str, str]) -> list[_Row]:
    rows = []
    for e in entries:
        reason = "—"
        if e.decision == rules.FAIL:
            label = reasons.get(e.reason_code, e.reason_code or "")
            reason = f"{label}：{e.reason_text}" if e.reason_text else label
        rows.append(_Row(e, rules.DECISION_LABELS.get(e.decision, "未审查"), reason))
    return rows


def review_body(call: PoolCall, commitments: dict[str, str]) -> str:
    """Every application and category with pass/fail and the reason of each fail, the meeting,
    and each category's draw id and seed commitment (LOTTERY.md: printed here, before the
    qualified list is final)."""
    return body(
        "review_result",
        call=call,
        rows=_review_rows(queries.entries_of(call.id), queries.reason_labels()),
        categories=[(cc, len(queries.qualified(cc))) for cc in call.categories],
        commitments=commitments,
    )


def correction_body(call: PoolCall, entry: ApplicationEntry, before: str, answer: str) -> str:
    reasons = queries.reason_labels()
    return body(
        "review_correction",
        call=call,
        entry=entry,
        before=before,
        after=rules.DECISION_LABELS[entry.decision],
        failed=entry.decision == rules.FAIL,
        reason_label=reasons.get(entry.reason_code, entry.reason_code),
        answer=answer,
        rows=_review_rows(queries.entries_of(call.id), reasons),
    )


@dataclass(frozen=True)
class _Section:
    """One category of the roster: its selections, those who entered and the reserves in order."""

    cc: PoolCallCategory
    selections: list[PoolSelection]
    chosen: list[PoolSelection]
    reserve: list[PoolSelection]


def _sections(call: PoolCall) -> list[_Section]:
    out = []
    for cc in call.categories:
        sel = queries.selections(cc.id)
        chosen = [s for s in sel if s.is_selected]
        reserve = [s for s in sel if not s.is_selected]
        out.append(_Section(cc, sel, chosen, reserve))
    return out


def roster_publicity_body(call: PoolCall) -> str:
    return body("roster_publicity", call=call, sections=_sections(call))


def roster_body(call: PoolCall) -> str:
    return body("roster", call=call, sections=_sections(call))
