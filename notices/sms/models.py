"""SMS tables: the outbox (one row per subject, recipient and purpose) and recipients' preferences."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import (
    Boolean,
    CheckConstraint,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column

from app.extensions import db
from app.types import UTCDateTime
from notices.sms.rules import STATUSES

_STATUSES_SQL = ",".join(f"'{s}'" for s in STATUSES)


class SmsMessage(db.Model):
    """One message of the outbox, written in the same transaction as the event that causes it."""

    __tablename__ = "sms_messages"
    __table_args__ = (
        CheckConstraint(f"status IN ({_STATUSES_SQL})", name="status"),
        CheckConstraint("attempts >= 0", name="attempts"),
        # The idempotency key: the same event never tells the same recipient twice.
        UniqueConstraint(
            "subject_type", "subject_id", "recipient", "purpose", name="uq_sms_messages_idempotency"
        ),
        # What the sender claims: due rows, mandatory before optional, then by time.
        Index("ix_sms_messages_status_due", "status", "priority", "next_attempt_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    #: What the message is about ("notice", "12"): with recipient and purpose, the idempotency key.
    subject_type: Mapped[str] = mapped_column(String(40))
    subject_id: Mapped[str] = mapped_column(String(80))
    #: Who it is for, stable across number changes ("contractor:7").
    recipient: Mapped[str] = mapped_column(String(60))
    #: Why it is sent ("trading_notice", "reminder"): one message per purpose.
    purpose: Mapped[str] = mapped_column(String(40))
    #: 0 for what the procedure requires, 1 for optional texts (subscriptions): the sender claims
    #: every due mandatory message before any optional one (notices.sms.rules.PRIORITY_…).
    priority: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    #: The notice it announces, when it announces one (staff view and public proof).
    notice_id: Mapped[int | None] = mapped_column(ForeignKey("notices.id"), index=True)
    contractor_id: Mapped[int | None] = mapped_column(ForeignKey("contractors.id"), index=True)
    #: The office it belongs to (app.offices): the office of what it announces.
    office_id: Mapped[int | None] = mapped_column(ForeignKey("offices.id"), index=True)
    #: E.164 mobile at the time of queuing (re-read from the contractor on a re-send).
    to_number: Mapped[str] = mapped_column(String(16))
    #: templates/sms/<template>.txt, and the text rendered from it (never re-rendered).
    template: Mapped[str] = mapped_column(String(60))
    body: Mapped[str] = mapped_column(Text)
    segments: Mapped[int] = mapped_column(Integer)
    #: queued → sending → sent → delivered | failed | undeliverable (notices.sms.rules).
    status: Mapped[str] = mapped_column(String(20), default="queued")
    #: Calls made to the provider's create endpoint for this message (capped by SMS_MAX_ATTEMPTS).
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    #: Queued: not before this. Sending: the claim's lease; past it, reconcile before any retry.
    next_attempt_at: Mapped[datetime] = mapped_column(UTCDateTime())
    #: The claim that holds the row while sending (a random token per sender pass).
    claim_token: Mapped[str | None] = mapped_column(String(32), index=True)
    #: The row was found in `sending` when claimed: a previous call may have reached the provider.
    needs_reconcile: Mapped[bool] = mapped_column(Boolean, default=False)
    #: The provider's id (Twilio's SM…), unique: one provider message answers one row.
    provider_id: Mapped[str | None] = mapped_column(String(64), unique=True)
    error_code: Mapped[str | None] = mapped_column(String(20))
    #: Reason shown to staff (号码无效…), in Chinese.
    error_message: Mapped[str | None] = mapped_column(String(300))
    #: Re-sends staff asked for by hand.
    resends: Mapped[int] = mapped_column(Integer, default=0)
    queued_at: Mapped[datetime] = mapped_column(UTCDateTime())
    #: When the latest create call started: the start of the reconcile window.
    last_attempt_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    delivered_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime())


class SmsPreference(db.Model):
    """A contractor's choice of optional messages (reminders). The legally required notice SMS
    to active pool members is sent whatever this says."""

    __tablename__ = "sms_preferences"

    contractor_id: Mapped[int] = mapped_column(ForeignKey("contractors.id"), primary_key=True)
    #: Also receive reminders (deadlines of response commitments…). Off until chosen.
    optional_messages: Mapped[bool] = mapped_column(Boolean, default=False)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime())
