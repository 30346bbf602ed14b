"""Notices in the site search (app.search): what a published notice puts in the index, written
by notices.services._publish in the publication's transaction — the choke point every published
record passes (complaint decisions, sanctions, results and rosters are notices too)."""

from __future__ import annotations

import html
import re
from collections.abc import Iterator

from flask import Flask, url_for
from sqlalchemy import select

from app.extensions import db
from app.search import services as search
from app.search.rules import Kind, Stage
from notices import markup
from notices.models import Notice
from notices.rules import NoticeStatus

#: 五公开 (app.search.rules.Stage) of each notice type.
STAGES: dict[str, Stage] = {
    "policy": Stage.DECISION,
    "pool_call": Stage.EXECUTION,
    "roster_publicity": Stage.EXECUTION,
    "trading_notice": Stage.EXECUTION,
    "correction": Stage.EXECUTION,
    "complaint_decision": Stage.MANAGEMENT,
    "sanction": Stage.MANAGEMENT,
    "review_result": Stage.RESULT,
    "roster": Stage.RESULT,
    "trading_result": Stage.RESULT,
    "trading_failed": Stage.RESULT,
}

_TAG = re.compile(r"<[^>]*>")


def plain_text(body: str) -> str:
    """A notice body (Markdown) as the words its page shows, without markup."""
    return " ".join(html.unescape(_TAG.sub(" ", markup.render(body or ""))).split())


def _category(notice: Notice) -> str | None:
    """The pool category of the notice's subject (a trading's project…), if it has one: the
    notice list's `?category=` (notices.categories)."""
    return notice.category_code


def entry(notice: Notice) -> search.Entry:
    return search.Entry(
        kind=Kind.NOTICE,
        key=str(notice.id),
        title=notice.title,
        text=plain_text(notice.body),
        published_at=notice.published_at,
        type=notice.type,
        stage=STAGES.get(notice.type, Stage.EXECUTION),
        category=_category(notice),
    )


def index(notice: Notice) -> None:
    """Put a notice just published into the index (in its publication's transaction)."""
    search.put(entry(notice))


def all_entries() -> Iterator[search.Entry]:
    """Every published notice, in order of publication (app.search.services.reindex)."""
    stmt = (
        select(Notice)
        .where(Notice.status == NoticeStatus.PUBLISHED)
        .order_by(Notice.published_at, Notice.id)
    )
    for notice in db.session.scalars(stmt):
        yield entry(notice)


def init_app(app: Flask) -> None:
    search.register_source(app, Kind.NOTICE, all_entries)
    search.register_url(app, Kind.NOTICE, lambda key: url_for("notices.detail", notice_id=key))
