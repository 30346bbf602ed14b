"""The objections table: one objection to a trading's notice or result, and its answer."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Boolean, CheckConstraint, ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from app.extensions import db
from app.types import UTCDateTime
from contracts.objections.rules import Matter


class TradingObjection(db.Model):
    """An objection (异议) a company filed to a trading's notice (art. 22) or result (art. 54),
    and the office's answer (within 3 日, with reasons; public without the objector's name)."""

    __tablename__ = "trading_objections"
    __table_args__ = (
        CheckConstraint(f"matter IN ({', '.join(repr(str(m)) for m in Matter)})", name="matter"),
        # An answer comes with its facts: when, by whom, whether upheld, why.
        CheckConstraint(
            "(answered_at IS NULL AND upheld IS NULL AND answered_by_id IS NULL AND answer = '')"
            " OR (answered_at IS NOT NULL AND upheld IS NOT NULL AND answer <> '')",
            name="answered",
        ),
        # The same objection posted twice (a double click, a resent form) is one objection.
        UniqueConstraint(
            "trading_id",
            "contractor_id",
            "matter",
            "text_sha256",
            name="uq_trading_objections_text",
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    trading_id: Mapped[int] = mapped_column(ForeignKey("tradings.id"), index=True)
    #: A contracts.objections.rules.Matter: notice, meeting or result.
    matter: Mapped[str] = mapped_column(String(10))
    #: The objecting company, and the account that filed for it.
    contractor_id: Mapped[int] = mapped_column(ForeignKey("contractors.id"), index=True)
    filed_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    #: The facts and the request, as filed (not published: it may carry personal data).
    text: Mapped[str] = mapped_column(Text)
    #: SHA-256 of `text`: the unique key that makes a form posted twice one objection.
    text_sha256: Mapped[str] = mapped_column(String(64))
    #: When it was received.
    filed_at: Mapped[datetime] = mapped_column(UTCDateTime())
    #: The answer's deadline as computed on receipt (3 日, 民法典 arts. 201/203), exclusive.
    answer_by: Mapped[datetime] = mapped_column(UTCDateTime())
    answered_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    answered_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    #: Whether the objection holds; None until answered.
    upheld: Mapped[bool | None] = mapped_column(Boolean)
    #: The answer's reasons, published on the project page.
    answer: Mapped[str] = mapped_column(Text, default="", server_default="")
    #: The answering body as published (the office's name when answered).
    answering_body: Mapped[str] = mapped_column(String(200), default="", server_default="")
