"""Companies in the site search (app.search): a company is indexed when it enters the pool — the
publication of the roster (入围企业名单) it is on, in that use case's transaction. What is
indexed is what the roster prints: its name, its USCC and its category; no contact or person."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime

from flask import Flask, url_for
from sqlalchemy import select

from app.extensions import db
from app.search import services as search
from app.search.rules import Kind, Stage
from contractors.models import Contractor, PoolCall, PoolCallCategory, PoolCategory, PoolSelection
from notices.models import Notice


def entry(c: Contractor, category: PoolCategory, published_at: datetime) -> search.Entry:
    return search.Entry(
        kind=Kind.COMPANY,
        key=c.uscc,
        title=c.name,
        text=f"{c.uscc} {category.name}",
        published_at=published_at,
        type=Kind.COMPANY,
        stage=Stage.SERVICE,
        category=category.code,
    )


def index_member(c: Contractor, category: PoolCategory, published_at: datetime) -> None:
    search.put(entry(c, category, published_at))


def all_entries() -> Iterator[search.Entry]:
    """Every company on a published roster (its latest roster wins, as in the write path)."""
    rows = db.session.execute(
        select(Contractor, PoolCategory, Notice.published_at)
        .join(PoolSelection, PoolSelection.contractor_id == Contractor.id)
        .join(PoolCallCategory, PoolCallCategory.id == PoolSelection.call_category_id)
        .join(PoolCategory, PoolCategory.id == PoolCallCategory.category_id)
        .join(PoolCall, PoolCall.id == PoolCallCategory.call_id)
        .join(Notice, Notice.id == PoolCall.roster_notice_id)
        .where(PoolSelection.since.is_not(None))
        .order_by(Notice.published_at, PoolSelection.id)
    )
    for contractor, category, published_at in rows:
        yield entry(contractor, category, published_at)


def init_app(app: Flask) -> None:
    search.register_source(app, Kind.COMPANY, all_entries)
    search.register_url(app, Kind.COMPANY, lambda uscc: url_for("pool.contractor", uscc=uscc))
