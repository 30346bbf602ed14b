"""Rotation of the seed key: every committed draw's seed sealed again under the current key."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select

from app import audit
from app.audit import Action
from app.extensions import db
from app.transactions import transactional
from lottery import seeds
from lottery.models import Draw

from ._common import _open_seed


@dataclass(frozen=True)
class ResealReport:
    key_id: str
    #: Draw ids whose seed was sealed again under the current key.
    resealed: tuple[str, ...]
    #: Committed draws already sealed under it.
    unchanged: int


@transactional
def reseal_seeds(*, actor="cli") -> ResealReport:
    """Seal every committed draw's seed again under the current key (`flask draws
    rotate-seed-key`), in one transaction with one audit entry (which names draws and key ids,
    never a seed). Any seed that does not open, or not to its commitment, stops the whole
    rotation with nothing changed: fix the keys and run it again. An operator's command (whoever
    holds the keys runs the server), so no role is asked; `actor` labels the audit entry."""
    ring = seeds.keyring()
    committed = db.session.scalars(
        select(Draw).where(Draw.status == "committed").order_by(Draw.id).with_for_update()
    ).all()
    resealed, moved = [], {}
    for d in committed:
        kid = ring.key_id_of(d.sealed_seed)
        if kid == ring.current_id:
            continue
        seed = bytes.fromhex(_open_seed(d))
        d.sealed_seed = ring.seal(seed, d.draw_id)
        resealed.append(d.draw_id)
        moved[kid] = moved.get(kid, 0) + 1
    db.session.flush()
    audit.record(
        Action.DRAW_SEEDS_RESEALED,
        "draw_seed_key",
        ring.current_id,
        actor=actor,
        before={"key_ids": moved},
        after={"key_id": ring.current_id, "draws": resealed},
    )
    return ResealReport(ring.current_id, tuple(resealed), len(committed) - len(resealed))
