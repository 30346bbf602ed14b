"""Policies and guides (政策制度、办事指南、示范文本、统一表式) and their attached files."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import CheckConstraint, Date, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.extensions import db
from app.storage import STORED_FILE
from app.types import UTCDateTime
from notices.guides.rules import KINDS, GuideState

_KINDS_SQL = ",".join(f"'{code}'" for code in KINDS)


class Guide(db.Model):
    __tablename__ = "guides"
    __table_args__ = (
        CheckConstraint(f"kind IN ({_KINDS_SQL})", name="kind"),
        CheckConstraint("state IN ('draft','published','withdrawn')", name="state"),
        # Once published it has its time; once withdrawn, its time and reason.
        CheckConstraint("state = 'draft' OR published_at IS NOT NULL", name="published_has_time"),
        CheckConstraint(
            "state <> 'withdrawn' OR (withdrawn_at IS NOT NULL AND withdrawn_reason IS NOT NULL)",
            name="withdrawn_has_reason",
        ),
        # The public list: one kind's published documents, newest first, without a sort.
        Index("ix_guides_state_kind_published", "state", "kind", "published_at", "id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    #: One of notices.guides.rules.KINDS.
    kind: Mapped[str] = mapped_column(String(20))
    title: Mapped[str] = mapped_column(String(200))
    #: Markdown source, rendered through the notices' sanitiser (notices.markup.render).
    body: Mapped[str] = mapped_column(Text, default="")
    #: The office that publishes it: the district office for the district's rules, a platform
    #: for its own guides. Its pages show the office's name as 发布机构.
    office_id: Mapped[int] = mapped_column(ForeignKey("offices.id"), index=True)
    #: 发文机关 of a policy (e.g. the district government); blank: the office itself.
    issuing_body: Mapped[str] = mapped_column(String(200), default="")
    #: 文号 of a policy, e.g. 北区政办发〔2026〕12号.
    doc_number: Mapped[str] = mapped_column(String(200), default="")
    #: 施行日期 of a policy (a local date).
    effective_on: Mapped[date | None] = mapped_column(Date)
    state: Mapped[str] = mapped_column(String(20), default=GuideState.DRAFT)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    published_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    published_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    #: Last change of a published document (its page says 更新于); null if never changed since.
    revised_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    withdrawn_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    #: Why it was repealed or withdrawn, printed on its page.
    withdrawn_reason: Mapped[str | None] = mapped_column(String(500))

    attachments: Mapped[list[GuideAttachment]] = relationship(
        back_populates="guide", cascade="all, delete-orphan", order_by="GuideAttachment.id"
    )

    @property
    def kind_info(self):
        return KINDS[self.kind]

    @property
    def is_public(self) -> bool:
        return self.state != GuideState.DRAFT


class GuideAttachment(db.Model):
    __tablename__ = "guide_attachments"

    id: Mapped[int] = mapped_column(primary_key=True)
    guide_id: Mapped[int] = mapped_column(ForeignKey("guides.id", ondelete="CASCADE"), index=True)
    #: Generated key in the file storage (never the uploaded name).
    storage_key: Mapped[str] = mapped_column(String(100), unique=True, info=STORED_FILE)
    #: The name as uploaded, e.g. 交易文件示范文本.pdf, used for the download.
    original_name: Mapped[str] = mapped_column(String(255))
    #: Type detected from the content, not from the name or the browser.
    content_type: Mapped[str] = mapped_column(String(100))
    size: Mapped[int] = mapped_column(Integer)
    sha256: Mapped[str] = mapped_column(String(64))
    uploaded_at: Mapped[datetime] = mapped_column(UTCDateTime())

    guide: Mapped[Guide] = relationship(back_populates="attachments")
