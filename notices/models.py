"""Notices and their attachments."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import CheckConstraint, ForeignKey, Index, Integer, String, Text, text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.extensions import db
from app.storage import STORED_FILE
from app.types import UTCDateTime
from notices.rules import NOTICE_TYPES, NoticeStatus

_TYPES_SQL = ",".join(f"'{code}'" for code in NOTICE_TYPES)


class NoticeReading:
    """What a notice's type and status say, for the model and for the light records a page reads
    instead (notices.page): one definition for both."""

    __slots__ = ()

    @property
    def type_info(self):
        return NOTICE_TYPES[self.type]

    @property
    def is_published(self) -> bool:
        return self.status == NoticeStatus.PUBLISHED


class Notice(NoticeReading, db.Model):
    __tablename__ = "notices"
    __table_args__ = (
        CheckConstraint(f"type IN ({_TYPES_SQL})", name="type"),
        CheckConstraint("status IN ('draft','published')", name="status"),
        # A published notice has its publication time; a publicity has its end.
        CheckConstraint("status = 'draft' OR published_at IS NOT NULL", name="published_has_time"),
        CheckConstraint(
            "min_working_days IS NULL OR status = 'draft' OR publicity_ends_at IS NOT NULL",
            name="publicity_has_end",
        ),
        # An office's newest notices (its page, the home page's cards) without a sort.
        Index("ix_notices_office_published", "office_id", "published_at", "id"),
        # The public lists and the API, newest first, all types or one (app.keyset): an index
        # range read in the order of the page, never a sort of the table.
        Index("ix_notices_status_published", "status", "published_at", "id"),
        Index("ix_notices_status_type_published", "status", "type", "published_at", "id"),
        # A district's lists (`?office=`, of a type or all): a range per office and type
        # (notices.queries.narrowed). The status in them, where the list's is an equality: else
        # SQLite, keeping no statistics, read an office's `?after=` page from the (status,
        # published_at, id) range of every office (2.9 s at 1,000,000 notices).
        Index("ix_notices_office_status_published", "office_id", "status", "published_at", "id"),
        Index(
            "ix_notices_office_status_type_published",
            "office_id",
            "status",
            "type",
            "published_at",
            "id",
        ),
        # A pool category's list (`?category=`), newest first (notices.categories). Partial:
        # only the notices of a category are in it, and nothing else reads it.
        Index(
            "ix_notices_status_category_published",
            "status",
            "category_code",
            "published_at",
            "id",
            postgresql_where=text("category_code IS NOT NULL"),
            sqlite_where=text("category_code IS NOT NULL"),
        ),
        # …and of an office (`?category=&office=`, a range per office: notices.queries.narrowed).
        Index(
            "ix_notices_status_category_office_published",
            "status",
            "category_code",
            "office_id",
            "published_at",
            "id",
            postgresql_where=text("category_code IS NOT NULL"),
            sqlite_where=text("category_code IS NOT NULL"),
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    #: One of notices.rules.NOTICE_TYPES (DESIGN.md's list).
    type: Mapped[str] = mapped_column(String(30), index=True)
    title: Mapped[str] = mapped_column(String(200))
    #: Body as Markdown source; rendered through a sanitiser (safe formatted text).
    body: Mapped[str] = mapped_column(Text, default="")
    #: The office it belongs to (app.offices): the issuing office, whose name is its 公开主体.
    office_id: Mapped[int] = mapped_column(ForeignKey("offices.id"), index=True)
    #: 公开主体: who publishes it.
    issuing_body: Mapped[str] = mapped_column(String(200))
    #: 公开依据: the rule that requires publication.
    legal_basis: Mapped[str] = mapped_column(String(500))
    status: Mapped[str] = mapped_column(String(20), default=NoticeStatus.DRAFT, index=True)
    #: Working days of publicity (公示期); null for a notice without one.
    min_working_days: Mapped[int | None] = mapped_column(Integer)
    #: 公开时限: the moment by which it had to be published, if a rule sets one.
    publish_due_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    published_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), index=True)
    #: Exclusive end: 00:00 (+08:00) after the Nth working day following the publication date.
    #: Stored as given at publication; a later calendar change may lengthen it, never shorten it.
    publicity_ends_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), index=True)
    #: The notice this one corrects (更正公告), if any.
    corrects_id: Mapped[int | None] = mapped_column(ForeignKey("notices.id"), index=True)
    #: What kind of record this notice is about (pool_call, project…) and its key, for later issues.
    subject_type: Mapped[str | None] = mapped_column(String(40))
    subject_id: Mapped[str | None] = mapped_column(String(80))
    #: The pool category of its subject (a trading's project's), set with the subject
    #: (notices.categories.of_subject); null for a notice of none. What `?category=` reads.
    category_code: Mapped[str | None] = mapped_column(String(20))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    published_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))

    corrects: Mapped[Notice | None] = relationship(
        remote_side="Notice.id", back_populates="corrections", foreign_keys=[corrects_id]
    )
    corrections: Mapped[list[Notice]] = relationship(
        back_populates="corrects", foreign_keys=[corrects_id], order_by="Notice.published_at"
    )
    attachments: Mapped[list[NoticeAttachment]] = relationship(
        back_populates="notice", cascade="all, delete-orphan", order_by="NoticeAttachment.id"
    )

    @property
    def published_corrections(self) -> list[Notice]:
        """Corrections the public may see (a draft correction announces nothing)."""
        return [c for c in self.corrections if c.is_published]


class NoticeAttachment(db.Model):
    __tablename__ = "notice_attachments"

    id: Mapped[int] = mapped_column(primary_key=True)
    notice_id: Mapped[int] = mapped_column(ForeignKey("notices.id", ondelete="CASCADE"), index=True)
    #: Generated key in the file storage (never the uploaded name).
    storage_key: Mapped[str] = mapped_column(String(100), unique=True, info=STORED_FILE)
    #: The name as uploaded, e.g. 征集文件.pdf, used for the download.
    original_name: Mapped[str] = mapped_column(String(255))
    #: Type detected from the content, not from the name or the browser.
    content_type: Mapped[str] = mapped_column(String(100))
    size: Mapped[int] = mapped_column(Integer)
    sha256: Mapped[str] = mapped_column(String(64))
    uploaded_at: Mapped[datetime] = mapped_column(UTCDateTime())

    notice: Mapped[Notice] = relationship(back_populates="attachments")
