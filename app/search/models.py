"""The site search's index: one row per public object (a notice, a project, a company, a draw).

Rows are written by the services in the same transaction as the object's public change
(app.search.services.put), so the index never shows what was not published and never misses what
was. The grams (app.search.rules.grams) are stored twice-typed: on PostgreSQL as tsvector columns
with GIN indexes; on SQLite as text, read by the FTS5 table `search_fts` (external content, kept
in step by triggers: see migration 0024).
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Index, String, Text, UniqueConstraint
from sqlalchemy.dialects.postgresql import TSVECTOR
from sqlalchemy.orm import Mapped, mapped_column
from sqlalchemy.types import TypeDecorator

from app.extensions import db
from app.search import rules
from app.types import UTCDateTime


class Grams(TypeDecorator):
    """A sequence of grams: a tsvector on PostgreSQL (written as its input text, no parser, so no
    locale decides what a word is), space-separated text on SQLite for FTS5 to tokenise."""

    impl = Text
    cache_ok = True

    def __init__(self, positions: bool = False):
        super().__init__()
        self.positions = positions

    def load_dialect_impl(self, dialect):
        if dialect.name == "postgresql":
            return dialect.type_descriptor(TSVECTOR())
        return dialect.type_descriptor(Text())

    def process_bind_param(self, value, dialect):
        if value is None:
            return None
        if dialect.name == "postgresql":
            return rules.tsvector_text(tuple(value), positions=self.positions)
        return " ".join(value)

    def process_result_value(self, value, dialect):
        return value


class SearchEntry(db.Model):
    __tablename__ = "search_entries"
    __table_args__ = (
        UniqueConstraint("kind", "key", name="uq_search_entries_kind_key"),
        # Newest first, all kinds or one (app.keyset): an index range read, as the lists do.
        Index("ix_search_entries_published", "published_at", "id"),
        Index("ix_search_entries_kind_published", "kind", "published_at", "id"),
        Index("ix_search_entries_unigrams", "unigrams", postgresql_using="gin").ddl_if(
            dialect="postgresql"
        ),
        Index("ix_search_entries_bigrams", "bigrams", postgresql_using="gin").ddl_if(
            dialect="postgresql"
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    #: app.search.rules.Kind: notice, project, company, draw.
    kind: Mapped[str] = mapped_column(String(20))
    #: The object's public key: a notice's id, a project's code, a company's USCC, a draw id.
    key: Mapped[str] = mapped_column(String(80))
    title: Mapped[str] = mapped_column(String(300))
    #: Plain public text shown as the result's snippet (never staff-only or personal data).
    text: Mapped[str] = mapped_column(Text, default="")
    #: When it was made public: the date sort and the date filter.
    published_at: Mapped[datetime] = mapped_column(UTCDateTime())
    #: A notice's type (notices.rules.NOTICE_TYPES), else the kind again.
    type: Mapped[str] = mapped_column(String(30))
    #: Pool category code (建筑工程…), when the object has one.
    category: Mapped[str | None] = mapped_column(String(20), index=True)
    #: 五公开 stage (app.search.rules.Stage).
    stage: Mapped[str] = mapped_column(String(20))
    unigrams: Mapped[tuple] = mapped_column(Grams(positions=False))
    bigrams: Mapped[tuple] = mapped_column(Grams(positions=True))
