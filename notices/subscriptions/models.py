"""Subscription tables: one subscription per account, its chosen categories and notice types,
and the once-only record of each notice's fan-out."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Boolean, CheckConstraint, ForeignKey, Integer, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.extensions import db
from app.types import UTCDateTime


class Subscription(db.Model):
    """An account's subscription (我的订阅): notices of the chosen categories and types are
    texted to the mobile its company registered, as optional messages."""

    __tablename__ = "notice_subscriptions"

    id: Mapped[int] = mapped_column(primary_key=True)
    #: One subscription per account.
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), unique=True)
    #: The company whose contact mobile receives the texts (the account's own company).
    contractor_id: Mapped[int] = mapped_column(ForeignKey("contractors.id"), index=True)
    #: Every category / every notice type, new ones included; else the topics below.
    all_categories: Mapped[bool] = mapped_column(Boolean, default=False)
    all_types: Mapped[bool] = mapped_column(Boolean, default=False)
    #: Notices published from this moment on are texted (set again when restarted).
    since: Mapped[datetime] = mapped_column(UTCDateTime())
    #: Set by the stop button: nothing more is texted (notices.subscriptions.rules).
    stopped_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime())

    topics: Mapped[list[SubscriptionTopic]] = relationship(
        cascade="all, delete-orphan", order_by="SubscriptionTopic.code"
    )

    def codes(self, kind: str) -> tuple[str, ...]:
        return tuple(t.code for t in self.topics if t.kind == kind)


class SubscriptionTopic(db.Model):
    """One chosen category (a pool category's code) or notice type (notices.rules.NOTICE_TYPES)."""

    __tablename__ = "notice_subscription_topics"
    __table_args__ = (CheckConstraint("kind IN ('category','type')", name="kind"),)

    subscription_id: Mapped[int] = mapped_column(
        ForeignKey("notice_subscriptions.id", ondelete="CASCADE"), primary_key=True
    )
    kind: Mapped[str] = mapped_column(String(10), primary_key=True)
    code: Mapped[str] = mapped_column(String(40), primary_key=True)


class SubscriptionFanout(db.Model):
    """A notice whose subscribers' texts were queued: the primary key lets one job run do it
    once (a second run or a racing worker finds the row and skips the notice)."""

    __tablename__ = "notice_subscription_fanouts"

    notice_id: Mapped[int] = mapped_column(ForeignKey("notices.id"), primary_key=True)
    #: Texts queued (0 when nobody's subscription matched).
    queued: Mapped[int] = mapped_column(Integer)
    done_at: Mapped[datetime] = mapped_column(UTCDateTime())
