"""The published record (smallworks-draw/1) and reading a ranking; the labels pages show."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from datetime import datetime
from typing import Any

from lottery.engine import FORMAT

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
