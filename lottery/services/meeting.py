"""The meeting: entropy shown on the screen, then the draw — or the abandonment — once.

Every draw, run by the console or by its owner's meeting (`owner=`), goes through here.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from sqlalchemy import select, update

from app import audit, clock
from app.audit import Action
from app.extensions import db
from app.transactions import transactional
from lottery import engine, rules
from lottery.errors import DrawError
from lottery.models import Draw

from ._common import (
    _checked,
    _get,
    _open_seed,
    _require_committed,
    _require_draw_office,
    _require_staff,
    _revealed_fields,
    closed_error,
)
from .registries import check_owner

# LOTTERY.md, "Draw": staff enter the public entropy, the entries are shown on the meeting screen
# for the attendees to check, and the draw uses exactly the entries shown. So every draw, by the
# console or by its owner's meeting, goes in two steps: `show_pending_entropy…` puts the entries
# on the screen (`pending_entropy`), then `draw…` is refused unless the entries it is given are
# exactly those, compared under the row lock. There is no way around the screen: a confirmation
# carrying other entries (a forged form field, a second console) draws nothing.


def _show(d: Draw, entries: Sequence[str]) -> list[str]:
    _require_committed(d)
    checked = _checked(rules.normalize_entropy, entries)
    d.pending_entropy = checked
    db.session.flush()
    return checked


@transactional
def show_pending_entropy(
    draw_id: str, entries: Sequence[str], *, actor, owner: str | None = None
) -> list[str]:
    """Show the entropy staff typed on the meeting screen while they check it with attendees.

    Returns the entries as they will be recorded (each stripped; zero entries are shown as
    "none" and must be shown too); refuses bad entries like `draw` does. The draw then accepts
    exactly these. A draw whose subject another part runs at its own meeting
    (`register_owned_subject`) is refused here, under the lock, like `draw`: the console must not
    put entries on a screen for a draw it cannot run; its owner's meeting passes `owner` (the
    award meeting shows one list on both of its draws).
    """
    _require_staff(actor, "录入公开随机数", "enter public entropy")
    d = _get(draw_id, lock=True)
    _require_draw_office(actor, d, "录入公开随机数", "enter public entropy")
    check_owner(d, owner)
    return _show(d, entries)


def _close_once(d: Draw, values: dict, action: Action, actor) -> Draw:
    """Move a committed draw to drawn or abandoned, once: only the transaction whose UPDATE finds
    it still 'committed' succeeds; any other sees rowcount 0 (SQLite) or, on PostgreSQL, queued
    on the row lock, the new status. Audits the revealed fields; the seed is public from here."""
    done = db.session.execute(
        update(Draw)
        .where(Draw.id == d.id, Draw.status == "committed")
        .values(**values)
        .execution_options(synchronize_session=False)
    )
    if done.rowcount != 1:
        status = db.session.scalar(select(Draw.status).where(Draw.id == d.id))
        raise closed_error(status or "drawn", d.draw_id)
    db.session.refresh(d)
    audit.record(
        action,
        "draw",
        d.draw_id,
        actor=actor,
        office_id=d.office_id,
        before={"status": "committed", "seed_commitment": d.seed_commitment},
        after=_revealed_fields(d),
    )
    return d


def _draw(
    d: Draw,
    public_entropy: Sequence[str],
    candidates: Sequence[str] | None,
    candidate_labels: Mapping[str, str] | None,
    actor,
) -> Draw:
    """Draw `d`, locked by the caller: the checks, the engine, the once-only close."""
    _require_committed(d)
    entropy = _checked(rules.normalize_entropy, public_entropy)
    # Under the row lock: a second console showing other entries waits, then is compared.
    entropy = _checked(rules.check_as_shown, d.pending_entropy, entropy)
    if d.candidates is not None:
        if candidates is not None and list(candidates) != list(d.candidates):
            raise DrawError(
                "候选名单与承诺时公布的不一致，不能摇号",
                "The candidate list differs from the one published with the commitment",
                field="candidates",
            )
        names = list(d.candidates)
    elif candidates is None:
        raise DrawError(
            "候选名单尚未确定，不能摇号", "The candidate list is not final yet", field="candidates"
        )
    else:
        names = _checked(rules.check_candidates, d.kind, candidates)
    _checked(rules.check_winners, d.kind, d.winners, len(names))
    given = _checked(rules.check_labels, candidate_labels)
    known = {**(d.candidate_labels or {}), **given}
    labels = {name: known[name] for name in names if known.get(name)}
    seed_hex = _open_seed(d)
    try:
        result = engine.run(d.kind, d.draw_id, seed_hex, entropy, names)
    except engine.DrawInputError as e:  # the rules above should have caught it
        zh, _sep, en = str(e).partition(" / ")
        raise DrawError(zh, en or zh) from None

    values = {
        "status": "drawn",
        "seed": seed_hex,
        "sealed_seed": None,
        "public_entropy": entropy,
        "result": result,
        "drawn_at": clock.now().replace(microsecond=0),
        "drawn_by_id": actor.id,
        "pending_entropy": None,
        "candidate_labels": labels,
    }
    if d.candidates is None:
        values["candidates"] = names
    return _close_once(d, values, Action.DRAW_DRAWN, actor)


@transactional
def draw(
    draw_id: str,
    public_entropy: Sequence[str],
    candidates: Sequence[str] | None = None,
    *,
    candidate_labels: Mapping[str, str] | None = None,
    actor,
    owner: str | None = None,
) -> Draw:
    """Run a committed draw at its public meeting: freeze, compute, publish — once.

    `public_entropy` must be exactly the entries shown on the meeting screen
    (`show_pending_entropy`), compared under the row lock: anything else is refused and nothing
    is drawn (LOTTERY.md, "Draw": the service refuses any other list, whoever calls it).
    Freezes the candidates (those given at the commitment, or `candidates` now: a ranking's must
    be sorted, see `rules.sorted_candidates`), records the public entropy (each entry stripped,
    1–64 characters, no line break, at most 20), computes the result with the engine and
    publishes seed and result in this one transaction. Only staff may draw (DrawForbidden). A
    drawn or abandoned draw raises DrawClosed; of concurrent calls exactly one succeeds. A draw
    whose subject another part runs at its own meeting (`register_owned_subject`) is refused here
    unless that owner calls, naming itself (`owner`), inside its own use case.
    """
    _require_staff(actor, "进行摇号", "run a draw")
    d = _get(draw_id, lock=True)
    _require_draw_office(actor, d, "进行摇号", "run a draw")
    check_owner(d, owner)
    return _draw(d, public_entropy, candidates, candidate_labels, actor)


def _abandon(d: Draw, reason: str, actor) -> Draw:
    _require_committed(d)
    text = _checked(rules.check_reason, reason)
    values = dict(
        status="abandoned",
        seed=_open_seed(d),
        sealed_seed=None,
        abandon_reason=text,
        abandoned_at=clock.now().replace(microsecond=0),
        abandoned_by_id=getattr(actor, "id", None),
        pending_entropy=None,
    )
    return _close_once(d, values, Action.DRAW_ABANDONED, actor)


@transactional
def abandon(draw_id: str, reason: str, *, actor=None, owner: str | None = None) -> Draw:
    """Close a committed draw without drawing it: the reason is published and the seed revealed.

    For a meeting called off after the commitment (LOTTERY.md, "Abandon"); a new draw then gets a
    new id and a new commitment. `actor` is staff, or None for the system (Trading's failed-trading
    job). A drawn or abandoned draw raises DrawClosed; an owned subject's draw is refused
    unless its owner calls, naming itself (`owner`; see `register_owned_subject`).
    """
    if actor is not None:
        _require_staff(actor, "作废抽签", "abandon a draw")
    d = _get(draw_id, lock=True)
    _require_draw_office(actor, d, "作废抽签", "abandon a draw")
    check_owner(d, owner)
    return _abandon(d, reason, actor)
