"""Writes of the site search's index. `put` and `remove` join the caller's transaction (the
service that publishes the object): an object is in the index exactly when its publication was
committed. `reindex` is its own use case, for existing databases (`flask search reindex`)."""

from __future__ import annotations

import heapq
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import datetime

from flask import Flask
from sqlalchemy import delete, func, select

from app.extensions import db
from app.search import rules
from app.search.models import SearchEntry
from app.transactions import transactional
from app.wiring import registry

#: Registry (app.wiring): source name → () → every entry of that source's public objects, for
#: `reindex`. Each domain registers its own in its init_app.
SOURCES = "search.sources"


@dataclass(frozen=True)
class Entry:
    """One public object as the search shows it. `text` is public text only (what its public
    page shows, personal data masked as there)."""

    kind: str
    key: str
    title: str
    text: str
    published_at: datetime
    type: str
    stage: str
    category: str | None = None


def register_source(app: Flask, name: str, source: Callable[[], Iterable[Entry]]) -> None:
    registry(SOURCES, app)[name] = source


def put(entry: Entry) -> None:
    """Index `entry` — replacing what was indexed of the same object — in the caller's
    transaction (flushed, not committed). A replaced entry gets a new id: ids follow the order
    in which objects were made public, the order the search reads its newest first by
    (app.search.queries.search)."""
    remove(entry.kind, entry.key)
    g = rules.grams(entry.title, entry.text)
    db.session.add(
        SearchEntry(
            kind=entry.kind,
            key=entry.key,
            title=entry.title[:300],
            text=entry.text,
            published_at=entry.published_at,
            type=entry.type,
            stage=entry.stage,
            category=entry.category,
            unigrams=g.unigrams,
            bigrams=g.bigrams,
        )
    )
    db.session.flush()


def remove(kind: str, key: str) -> None:
    """Take an object out of the index (in the caller's transaction)."""
    db.session.execute(delete(SearchEntry).where(SearchEntry.kind == kind, SearchEntry.key == key))


@transactional
def reindex() -> int:
    """Rebuild the whole index from every registered source; returns the number of entries (an
    object two sources name — a company on two rosters — is one entry, its latest). Each source
    yields in order of publication, merged here, so that ids follow it as at publication."""
    db.session.execute(delete(SearchEntry))
    sources = [source() for source in registry(SOURCES).values()]
    for entry in heapq.merge(*sources, key=lambda e: e.published_at):
        put(entry)
    return db.session.scalar(select(func.count()).select_from(SearchEntry))


#: Registry (app.wiring): kind → (key → the object's public page URL).
URLS = "search.urls"


def register_url(app: Flask, kind: str, url_of: Callable[[str], str]) -> None:
    registry(URLS, app)[kind] = url_of
