"""What the draw use cases share: loading a draw, the staff guard, rule errors, opening the seed."""

from __future__ import annotations

from collections.abc import Callable

from sqlalchemy import select

from app.errors import checked, require_office
from app.extensions import db
from app.offices.scope import covers_unplaced
from lottery import engine, seeds
from lottery.errors import DrawClosed, DrawError, DrawForbidden, DrawNotFound, SeedUnavailable
from lottery.models import Draw

#: Roles that may run or abandon a draw at a public meeting.


def _checked(rule: Callable, *args):
    """Run a pure rule; its RuleError becomes a DrawError with the same messages."""
    return checked(DrawError, rule, *args)


def _get(draw_id: str, *, lock: bool = False) -> Draw:
    stmt = select(Draw).where(Draw.draw_id == draw_id)
    if lock:
        # Concurrent draws of one record queue here on PostgreSQL; the conditional UPDATE below
        # is the guard that also holds on SQLite.
        stmt = stmt.with_for_update()
    d = db.session.scalar(stmt.execution_options(populate_existing=True))
    if d is None:
        raise DrawNotFound(f"抽签记录不存在：{draw_id}", f"No such draw: {draw_id}")
    return d


def closed_error(d_status: str, draw_id: str) -> DrawClosed:
    """The refusal to draw a draw that is no longer committed, saying which way it closed."""
    if d_status == "abandoned":
        return DrawClosed(
            f"抽签 {draw_id} 已作废，不能再摇号；如需重新抽签，须以新的编号重新承诺",
            f"Draw {draw_id} was abandoned and cannot be drawn; a new draw needs a new id and a "
            f"new commitment",
        )
    return DrawClosed(
        f"抽签 {draw_id} 已经摇号，结果已公布，不能再次摇号",
        f"Draw {draw_id} has already been drawn and its result published; it cannot be drawn again",
    )


def _require_committed(d: Draw) -> None:
    if d.status != "committed":
        raise closed_error(d.status, d.draw_id)


def _require_staff(actor, zh: str, en: str) -> None:
    require_office(actor, DrawForbidden, zh, en)


def runs_draws_of(actor, d) -> bool:
    """Whether `actor` runs the draws of `d`'s office (`d`: a Draw, or a Subject being
    committed): a project's draws its platform and its district, a pool draw its district.
    A draw without an office (before the offices; the migration gives each its subject's) is a
    district office's (app.offices.scope.covers_unplaced)."""
    return covers_unplaced(actor, d.office_id)


def _require_draw_office(actor, d, zh: str, en: str) -> None:
    if not runs_draws_of(actor, d):
        raise DrawForbidden(
            f"只有本平台或其所属区公管办可以{zh}：该抽签属于其他机构",
            f"Only its own platform or its district office may {en}: this draw belongs to"
            " another office",
        )


def _open_seed(d: Draw) -> str:
    """The seed of a committed draw, in hex, for the step that reveals it (draw or abandon).

    Checked against the commitment published before the meeting: a sealed seed that opens but is
    not the committed one (re-sealed by someone holding the key) is refused, nothing revealed.
    """
    seed = seeds.keyring().open(d.sealed_seed, d.draw_id)
    if engine.commitment(seed) != d.seed_commitment:
        raise SeedUnavailable(
            f"抽签 {d.draw_id} 的种子与公布的种子承诺不一致，不能摇号或作废",
            f"The seed of draw {d.draw_id} does not match its published commitment; it can be "
            "neither drawn nor abandoned",
        )
    return seed.hex()


def _revealed_fields(d: Draw) -> dict:
    """What the audit log keeps of a closed draw: its record, seed included (now public)."""
    return {
        "status": d.status,
        "seed": d.seed,
        "seed_commitment": d.seed_commitment,
        "candidates": d.candidates,
        "public_entropy": d.public_entropy,
        "drawn_at": d.drawn_at,
        "result": d.result,
        "abandon_reason": d.abandon_reason,
        "abandoned_at": d.abandoned_at,
    }
