"""Draws in the site search (app.search): a draw record is public from its commitment (its page
shows the commitment, then the result), so committing it puts it in the index, in the same
transaction. Indexed: its id, subject and purpose — what its public record prints."""

from __future__ import annotations

from collections.abc import Iterator

from flask import Flask, url_for
from sqlalchemy import select

from app.extensions import db
from app.search import services as search
from app.search.rules import Kind, Stage
from lottery.models import Draw


def entry(d: Draw) -> search.Entry:
    return search.Entry(
        kind=Kind.DRAW,
        key=d.draw_id,
        title=d.subject_label or d.purpose or d.draw_id,
        text=" ".join(x for x in (d.draw_id, d.subject_code, d.purpose) if x),
        published_at=d.committed_at,
        type=Kind.DRAW,
        stage=Stage.RESULT,
    )


def index(d: Draw) -> None:
    search.put(entry(d))


def all_entries() -> Iterator[search.Entry]:
    for d in db.session.scalars(select(Draw).order_by(Draw.committed_at, Draw.id)):
        yield entry(d)


def init_app(app: Flask) -> None:
    search.register_source(app, Kind.DRAW, all_entries)
    search.register_url(app, Kind.DRAW, lambda draw_id: url_for("draws.detail", draw_id=draw_id))
