"""The audit log: append-only, hash-chained, one entry per state change in the change's transaction."""

from __future__ import annotations

import enum
import hashlib
import json
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import JSON, ForeignKey, Index, Integer, String, select, text
from sqlalchemy.orm import Mapped, mapped_column

from app import clock
from app.extensions import db
from app.types import UTCDateTime

GENESIS = "0" * 64
# Any constant works: it only has to be the same for every writer of the chain.
_PG_LOCK_KEY = 0x5357_4155_4449_54  # "SWAUDIT"


class Action(enum.StrEnum):
    """Every audited action, as dotted names (warehouse's events/tags.py)."""

    USER_CREATED = "user:created"
    USER_UPDATED = "user:updated"
    USER_LOCKED = "user:locked"  # written by the per-account lock this platform no longer has
    USER_LOGIN_THROTTLED = "user:login_throttled"
    USER_SESSIONS_ENDED = "user:sessions_ended"
    USER_PASSWORD_CHANGED = "user:password_changed"  # noqa: S105 (an action name)
    # [Usability] an administrator manages accounts (app/auth/accounts.py).
    USER_DISABLED = "user:disabled"
    USER_ENABLED = "user:enabled"
    USER_PASSWORD_RESET = "user:password_reset"  # noqa: S105 (an action name)
    USER_ROLE_CHANGED = "user:role_changed"
    CALENDAR_YEAR_CONFIRMED = "calendar:year_confirmed"
    NOTICE_DRAFTED = "notice:drafted"
    NOTICE_EDITED = "notice:edited"
    NOTICE_DRAFT_DELETED = "notice:draft_deleted"
    NOTICE_ATTACHMENT_ADDED = "notice:attachment_added"
    NOTICE_ATTACHMENT_REMOVED = "notice:attachment_removed"
    NOTICE_PUBLISHED = "notice:published"
    NOTICE_PUBLICITY_EXTENDED = "notice:publicity_extended"
    DRAW_COMMITTED = "draw:committed"
    DRAW_DRAWN = "draw:drawn"
    DRAW_ABANDONED = "draw:abandoned"
    DRAW_SEEDS_RESEALED = "draw:seeds_resealed"
    CONTRACTOR_REGISTERED = "contractor:registered"
    CONTRACTOR_UPDATED = "contractor:updated"
    CONTRACTOR_DOCUMENT_ADDED = "contractor:document_added"
    CONTRACTOR_CHECKED = "contractor:checked"
    POOL_CALL_DRAFTED = "pool_call:drafted"
    POOL_CALL_EDITED = "pool_call:edited"
    POOL_CALL_CONSULTED = "pool_call:consulted"
    POOL_CALL_PUBLISHED = "pool_call:published"
    POOL_MEETING_SCHEDULED = "pool_call:meeting_scheduled"
    POOL_APPLICATION_SUBMITTED = "pool_application:submitted"
    POOL_APPLICATION_AMENDED = "pool_application:amended"
    POOL_APPLICATION_WITHDRAWN = "pool_application:withdrawn"
    POOL_REVIEW_RECORDED = "pool_review:recorded"
    POOL_REVIEW_PUBLISHED = "pool_review:published"
    POOL_OBJECTION_FILED = "pool_objection:filed"
    POOL_OBJECTION_ANSWERED = "pool_objection:answered"
    POOL_CATEGORY_SETTLED = "pool_category:settled"
    POOL_ROSTER_PUBLICITY_PUBLISHED = "pool_roster:publicity_published"
    POOL_ROSTER_PUBLISHED = "pool_roster:published"
    SMS_QUEUED = "sms:queued"
    SMS_RESENT = "sms:resent"
    SMS_PREFERENCE_CHANGED = "sms:preference_changed"
    SUBSCRIPTION_CHANGED = "subscription:changed"
    SUBSCRIPTION_STOPPED = "subscription:stopped"
    PROJECT_SUBMITTED = "project:submitted"
    PROJECT_FILED = "project:filed"
    PROJECT_SENT_BACK = "project:sent_back"
    PROJECT_REVISED = "project:revised"
    PROJECT_ATTACHMENT_ADDED = "project:attachment_added"
    TRADING_POSTED = "trading:posted"
    TRADING_ANNOUNCED = "trading:announced"
    TRADING_RESPONDED = "trading:responded"
    TRADING_RESPONSE_WITHDRAWN = "trading:response_withdrawn"
    TRADING_DRAWN = "trading:drawn"
    TRADING_FAILED = "trading:failed"
    CONTRACT_SIGNED = "contract:signed"
    CONTRACT_REFUSED = "contract:refused"
    # [Oversight] objections and suspensions (part `objections`): objections to a trading's
    # notice or result and their answers (arts. 22, 54), a trading suspended and resumed (art. 62).
    TRADING_OBJECTION_FILED = "trading_objection:filed"
    TRADING_OBJECTION_ANSWERED = "trading_objection:answered"
    TRADING_SUSPENDED = "trading:suspended"
    TRADING_RESUMED = "trading:resumed"
    # sanctions (issue 12): misconduct cases, sanctions, their changes and corrections
    CASE_OPENED = "case:opened"
    CASE_STATED = "case:stated"
    CASE_DECIDED = "case:decided"
    SANCTION_PUBLISHED = "sanction:published"
    SANCTION_CHANGED = "sanction:changed"
    SANCTION_CORRECTION_ASKED = "sanction:correction_asked"
    SANCTION_CORRECTION_ANSWERED = "sanction:correction_answered"
    POOL_RESERVE_ENTERED = "pool_roster:reserve_entered"
    # Complaints (投诉, issue 12 part "complaints": contracts/complaints/services/).
    COMPLAINT_FILED = "complaint:filed"
    COMPLAINT_ACCEPTED = "complaint:accepted"
    COMPLAINT_REFUSED = "complaint:refused"
    COMPLAINT_PAUSED = "complaint:paused"
    COMPLAINT_PAUSE_ENDED = "complaint:pause_ended"
    COMPLAINT_VIOLATION_FOUND = "complaint:violation_found"
    COMPLAINT_DECIDED = "complaint:decided"
    COMPLAINT_WITHDRAWN = "complaint:withdrawn"
    COMPLAINT_TRADING_SUSPENDED = "complaint:trading_suspended"
    # [Oversight] evaluations: performance evaluation (履约评价) and the award meeting's credit
    # screen (失信被执行人 and the platform's own sanctions, checked per respondent).
    EVALUATION_RECORDED = "evaluation:recorded"
    CREDIT_CHECK_RECORDED = "credit_check:recorded"
    # [Offices] districts and their street/town platforms.
    OFFICE_CREATED = "office:created"
    # [Public] policies and guides (notices/guides/): drafted, edited, published, withdrawn.
    GUIDE_DRAFTED = "guide:drafted"
    GUIDE_EDITED = "guide:edited"
    GUIDE_DRAFT_DELETED = "guide:draft_deleted"
    GUIDE_ATTACHMENT_ADDED = "guide:attachment_added"
    GUIDE_ATTACHMENT_REMOVED = "guide:attachment_removed"
    GUIDE_PUBLISHED = "guide:published"
    GUIDE_WITHDRAWN = "guide:withdrawn"


class AuditEntry(db.Model):
    __tablename__ = "audit_entries"
    #: One subject's entries in chain order: a public revision history's page (app.history).
    __table_args__ = (Index("ix_audit_entries_subject", "subject_type", "subject_id", "id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    #: Position in the chain, 1-based and gapless.
    seq: Mapped[int] = mapped_column(Integer, unique=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime())
    #: The acting account, or null for the system (jobs, CLI without a user).
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    #: Who acted, as shown to readers; kept even if the account is renamed.
    actor_label: Mapped[str] = mapped_column(String(200))
    action: Mapped[str] = mapped_column(String(80), index=True)
    subject_type: Mapped[str] = mapped_column(String(40))
    subject_id: Mapped[str] = mapped_column(String(80))
    #: The office whose record it concerns, for reading the log per district; outside the hash
    #: (older entries have none).
    office_id: Mapped[int | None] = mapped_column(ForeignKey("offices.id"), index=True)
    before: Mapped[dict | None] = mapped_column(JSON)
    after: Mapped[dict | None] = mapped_column(JSON)
    #: Hash of the previous entry (GENESIS for the first): unique, so the chain cannot fork.
    prev_hash: Mapped[str] = mapped_column(String(64), unique=True)
    hash: Mapped[str] = mapped_column(String(64), unique=True)

    def payload(self) -> dict[str, Any]:
        return {
            "seq": self.seq,
            "at": self.at.isoformat(),
            "actor_id": self.actor_id,
            "actor_label": self.actor_label,
            "action": self.action,
            "subject_type": self.subject_type,
            "subject_id": self.subject_id,
            "before": self.before,
            "after": self.after,
            "prev_hash": self.prev_hash,
        }

    def compute_hash(self) -> str:
        canonical = json.dumps(
            self.payload(), sort_keys=True, ensure_ascii=False, separators=(",", ":")
        )
        return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


def jsonable(value: Any) -> Any:
    """Turn model values into JSON-stable values for before/after snapshots."""
    if isinstance(value, dict):
        return {str(k): jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple | set | frozenset):
        items = [jsonable(v) for v in value]
        return sorted(items, key=str) if isinstance(value, set | frozenset) else items
    if isinstance(value, datetime):
        return value.isoformat()
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, enum.Enum):
        return value.value
    return value


def record(
    action: Action,
    subject_type: str,
    subject_id: Any,
    *,
    actor: Any = None,
    before: dict | None = None,
    after: dict | None = None,
    office_id: int | None = None,
) -> AuditEntry:
    """Append an entry to the chain inside the caller's transaction (the caller commits).

    `office_id` is the office whose record it concerns (a project's platform, a pool call's
    district); without it, the acting account's office.

    On PostgreSQL a transaction-level advisory lock serialises writers, so two transactions never
    read the same chain head; on SQLite the database write lock and the unique `prev_hash` do it.
    """
    session = db.session
    hold_chain(session)
    head = session.execute(
        select(AuditEntry.seq, AuditEntry.hash).order_by(AuditEntry.seq.desc()).limit(1)
    ).first()
    seq, prev_hash = (head.seq + 1, head.hash) if head else (1, GENESIS)
    entry = AuditEntry(
        seq=seq,
        at=clock.now().replace(microsecond=0),
        actor_id=getattr(actor, "id", None),
        actor_label=_label(actor),
        action=str(action),
        subject_type=subject_type,
        subject_id=str(subject_id),
        before=jsonable(before) if before is not None else None,
        after=jsonable(after) if after is not None else None,
        office_id=office_id if office_id is not None else getattr(actor, "office_id", None),
        prev_hash=prev_hash,
    )
    entry.hash = entry.compute_hash()
    session.add(entry)
    session.flush()
    return entry


def hold_chain(session) -> None:
    """Hold the chain's lock until the transaction ends (PostgreSQL; a no-op on SQLite, whose
    one writer holds everything). `record` takes it; a use case that locks rows of its own and
    also writes the chain takes it first, so that every transaction takes the two in one order
    (contracts.services.rollup)."""
    bind = session.get_bind() if hasattr(session, "get_bind") else session  # or a Connection
    if bind.dialect.name == "postgresql":
        session.execute(text("SELECT pg_advisory_xact_lock(:k)"), {"k": _PG_LOCK_KEY})


def _label(actor: Any) -> str:
    if actor is None:
        return "system"
    if isinstance(actor, str):
        return actor
    return f"{actor.username} ({actor.role})"


@dataclass(frozen=True)
class ChainReport:
    ok: bool
    entries: int
    #: The first entry whose link is broken, and why.
    broken_seq: int | None = None
    reason: str = ""


def verify_chain() -> ChainReport:
    """Walk the chain from the start; report the first entry whose hash or link does not hold."""
    prev_hash, expected_seq, count = GENESIS, 1, 0
    for entry in db.session.scalars(select(AuditEntry).order_by(AuditEntry.seq)).yield_per(1000):
        count += 1
        if entry.seq != expected_seq:
            return ChainReport(False, count, expected_seq, f"entry {expected_seq} is missing")
        if entry.prev_hash != prev_hash:
            return ChainReport(
                False, count, entry.seq, "prev_hash does not match the previous entry"
            )
        if entry.compute_hash() != entry.hash:
            return ChainReport(False, count, entry.seq, "content does not match its hash")
        prev_hash, expected_seq = entry.hash, expected_seq + 1
    return ChainReport(True, count)
