"""Reads for Pool and Trading: a draw, what it decided, and the next in a ranking."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select

from app.extensions import db
from lottery import rules
from lottery.errors import DrawError
from lottery.models import Draw

from ._common import _get


@dataclass(frozen=True)
class Outcome:
    """What a draw decided, for Pool and Trading: selected first, then the alternates in order."""

    draw_id: str
    kind: str
    status: str
    #: A ranking's first `winners` candidates; a pick's one option. Empty until drawn.
    winners: tuple[str, ...]
    #: The rest of the ranking, in order: the next takes the place of a winner who withdraws or
    #: refuses to sign (LOTTERY.md). Always empty for a pick.
    alternates: tuple[str, ...]
    drawn_at: datetime | None

    @property
    def is_drawn(self) -> bool:
        return self.status == "drawn"

    @property
    def picked(self) -> str | None:
        """A pick's option (e.g. the discount rate "5.50"), or None."""
        return self.winners[0] if self.kind == "pick" and self.winners else None


def get(draw_id: str) -> Draw:
    """The draw with this id (DrawNotFound otherwise). Never show its `seed` while committed:
    use `rules.published_record` (the API's serializer) for anything public."""
    return _get(draw_id)


def outcome(draw_id: str) -> Outcome:
    """What the draw decided: winners and alternates in order (empty until drawn)."""
    d = _get(draw_id)
    if d.status != "drawn":
        return Outcome(d.draw_id, d.kind, d.status, (), (), None)
    selected, rest = rules.split_ranking(d.result, d.winners)
    return Outcome(d.draw_id, d.kind, d.status, tuple(selected), tuple(rest), d.drawn_at)


def winners_of(draw_id: str) -> list[str]:
    """The selected candidates (a pick: its one option); [] until drawn."""
    return list(outcome(draw_id).winners)


def alternates_of(draw_id: str) -> list[str]:
    """The alternates of a ranking in order (候补); [] until drawn and for a pick."""
    return list(outcome(draw_id).alternates)


def picked_option(draw_id: str) -> str | None:
    """The option a pick drew (e.g. the discount rate "5.50"), or None until drawn."""
    return outcome(draw_id).picked


def next_in_ranking(draw_id: str, excluded: Iterable[str]) -> str | None:
    """The first candidate of a drawn ranking not in `excluded` (withdrew, refused to sign…).

    The award passes down the published ranking with no new draw; None means the ranking is
    exhausted, and only then is a new draw committed (LOTTERY.md). DrawError if not drawn.
    """
    d = _get(draw_id)
    if d.status != "drawn":
        raise DrawError(f"抽签 {draw_id} 尚未摇号", f"Draw {draw_id} has not been drawn")
    return rules.next_in_ranking(d.result, excluded)


def for_subject(subject_type: str, subject_code: str) -> list[Draw]:
    """The draws of a subject, oldest first (e.g. a project's award and rate draws)."""
    return list(
        db.session.scalars(
            select(Draw)
            .where(Draw.subject_type == subject_type, Draw.subject_code == subject_code)
            .order_by(Draw.committed_at, Draw.id)
        )
    )
