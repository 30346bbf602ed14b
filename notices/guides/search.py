"""Policies and guides in the site search (app.search): a published document is indexed by
`notices.guides.services.publish` (and again when a published one is kept current by `update`),
in the same transaction; a withdrawn or repealed one leaves the index with `withdraw`."""

from __future__ import annotations

from collections.abc import Iterator

from flask import Flask, url_for
from sqlalchemy import select

from app.extensions import db
from app.search import services as search
from app.search.rules import Kind, Stage
from notices.guides.models import Guide
from notices.guides.rules import GuideState
from notices.search import plain_text

#: 五公开: a policy is 决策公开; guides, model texts and forms serve the public (服务公开).
STAGES = {"policy": Stage.DECISION}


def entry(g: Guide) -> search.Entry:
    return search.Entry(
        kind=Kind.GUIDE,
        key=str(g.id),
        title=g.title,
        text=plain_text(" ".join(t for t in (g.doc_number, g.issuing_body, g.body) if t)),
        published_at=g.published_at,
        type=Kind.GUIDE,
        stage=STAGES.get(g.kind, Stage.SERVICE),
    )


def index(g: Guide) -> None:
    """Put a published document into the index (in its publication's transaction)."""
    search.put(entry(g))


def unindex(g: Guide) -> None:
    """Take a withdrawn or repealed document out of the index."""
    search.remove(Kind.GUIDE, str(g.id))


def all_entries() -> Iterator[search.Entry]:
    """Every published document, in order of publication (app.search.services.reindex)."""
    stmt = (
        select(Guide)
        .where(Guide.state == GuideState.PUBLISHED)
        .order_by(Guide.published_at, Guide.id)
    )
    for g in db.session.scalars(stmt):
        yield entry(g)


def init_app(app: Flask) -> None:
    search.register_source(app, Kind.GUIDE, all_entries)
    search.register_url(app, Kind.GUIDE, lambda key: url_for("guides.detail", guide_id=key))
