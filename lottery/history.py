"""A draw's revision history (app.history): its commitment, then its drawing or abandonment. A
draw is public from its commitment (LOTTERY.md), so every entry shows its details."""

from __future__ import annotations

from flask import url_for
from sqlalchemy import select

from app.extensions import db
from app.history.queries import Target, subject
from lottery.models import Draw


def target(ident: str) -> Target | None:
    d = db.session.scalar(select(Draw).where(Draw.draw_id == ident))
    if d is None:
        return None
    return Target(
        kind="draw",
        ident=d.draw_id,
        title=d.purpose,
        url=url_for("draws.detail", draw_id=d.draw_id),
        public_since=d.committed_at,
        clause=subject("draw", d.draw_id),
    )
