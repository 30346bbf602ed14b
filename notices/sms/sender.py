"""The sender: claims due messages safely, sends them at the configured rate, retries transient
failures with capped back-off, and reconciles an uncertain send before any retry."""

from __future__ import annotations

import logging
import threading
import time
import uuid
from dataclasses import dataclass, field
from datetime import timedelta

from flask import current_app
from sqlalchemy import and_, case, or_, select, update

from app import clock
from app.extensions import db
from notices.sms import rules
from notices.sms.backends import Backend, SendFailed, backend_from_config
from notices.sms.models import SmsMessage

log = logging.getLogger("smallworks.sms")

#: The reconcile window opens this long before the uncertain call (clocks differ).
RECONCILE_MARGIN = timedelta(minutes=2)
#: SQLite ignores SKIP LOCKED: claims in one process take turns (run one sender there).
_sqlite_claim_lock = threading.Lock()


@dataclass
class DrainReport:
    claimed: int = 0
    sent: int = 0
    retried: int = 0
    undeliverable: int = 0
    failed: int = 0
    reconciled: int = 0
    errors: list[str] = field(default_factory=list)


class Pacer:
    """At most `rate` provider calls per second from this process (a steady interval)."""

    def __init__(self, rate: float):
        self.interval = 1.0 / rate if rate and rate > 0 else 0.0
        self.next_at = time.monotonic()

    def wait(self) -> None:
        if not self.interval:
            return
        now = time.monotonic()
        if self.next_at > now:
            time.sleep(self.next_at - now)
        self.next_at = max(self.next_at, now) + self.interval


def _settings() -> dict:
    c = current_app.config
    return {
        "max_attempts": int(c["SMS_MAX_ATTEMPTS"]),
        "base": float(c["SMS_BACKOFF_BASE_SECONDS"]),
        "cap": float(c["SMS_BACKOFF_CAP_SECONDS"]),
        "lease": timedelta(seconds=float(c["SMS_SENDING_LEASE_SECONDS"])),
        "grace": timedelta(seconds=float(c["SMS_LATE_ACCEPT_GRACE_SECONDS"])),
        "rate": float(c["SMS_RATE_PER_SECOND"]),
    }


def claim(limit: int, lease: timedelta) -> tuple[str, list[SmsMessage]]:
    """Take up to `limit` due messages for this sender: queued ones whose time came, and ones left
    `sending` past their lease (a crash or an uncertain call: reconciled before any retry).

    One UPDATE marks them `sending` under a fresh token and commits; on PostgreSQL the inner
    SELECT is FOR UPDATE SKIP LOCKED, so parallel senders take disjoint rows and a row committed
    as `sending` is no longer due for anyone until its lease ends.
    """
    token = uuid.uuid4().hex
    now = clock.now()
    due = or_(
        and_(SmsMessage.status == "queued", SmsMessage.next_attempt_at <= now),
        and_(SmsMessage.status == "sending", SmsMessage.next_attempt_at <= now),
    )
    # Mandatory messages first: thousands of optional texts queued by a subscription never
    # delay a trading notice's SMS by more than the batch already claimed.
    pick = (
        select(SmsMessage.id)
        .where(due)
        .order_by(SmsMessage.priority, SmsMessage.next_attempt_at, SmsMessage.id)
    )
    pick = pick.limit(limit)
    is_pg = db.session.get_bind().dialect.name == "postgresql"
    if is_pg:
        pick = pick.with_for_update(skip_locked=True)
    fresh = SmsMessage.status == "queued"
    stmt = (
        update(SmsMessage)
        .where(SmsMessage.id.in_(pick.scalar_subquery()))
        .values(
            status="sending",
            claim_token=token,
            needs_reconcile=~fresh,
            attempts=case((fresh, SmsMessage.attempts + 1), else_=SmsMessage.attempts),
            last_attempt_at=case((fresh, now), else_=SmsMessage.last_attempt_at),
            next_attempt_at=now + lease,
            updated_at=now,
        )
        .execution_options(synchronize_session=False)
    )
    lock = _sqlite_claim_lock if not is_pg else _NoLock()
    with lock:
        try:
            db.session.execute(stmt)
            db.session.commit()
        except Exception:
            db.session.rollback()
            raise
    rows = list(
        db.session.scalars(
            select(SmsMessage)
            .where(SmsMessage.claim_token == token, SmsMessage.status == "sending")
            .order_by(SmsMessage.id)
            .execution_options(populate_existing=True)
        )
    )
    return token, rows


class _NoLock:
    def __enter__(self):
        return self

    def __exit__(self, *exc):
        return False


def _finish(message: SmsMessage, token: str, **values) -> bool:
    """Write a send's outcome if this sender still holds the claim (a receipt or another sender
    may have moved the row on); commit at once so the outcome outlives a crash."""
    values.setdefault("updated_at", clock.now())
    try:
        result = db.session.execute(
            update(SmsMessage)
            .where(
                SmsMessage.id == message.id,
                SmsMessage.claim_token == token,
                SmsMessage.status == "sending",
            )
            .values(**values)
            .execution_options(synchronize_session=False)
        )
        db.session.commit()
        return result.rowcount == 1
    except Exception:
        db.session.rollback()
        raise


def _settled_after(s: dict):
    """When a call starting now can no longer be accepted: its lease (which outlasts the
    client's timeout), then the provider's late-acceptance grace."""
    return clock.now() + s["lease"] + s["grace"]


def _callback_url(message_id: int) -> str | None:
    c = current_app.config
    base = c.get("SMS_STATUS_CALLBACK_URL") or (c["PUBLIC_BASE_URL"].rstrip("/") + "/sms/status")
    return f"{base}?m={message_id}"


def _provider_id_taken(provider_id: str, message_id: int) -> bool:
    owner = db.session.scalar(select(SmsMessage.id).where(SmsMessage.provider_id == provider_id))
    return owner is not None and owner != message_id


def _reconcile(m: SmsMessage, token: str, backend: Backend, s: dict, report: DrainReport) -> bool:
    """Look an uncertain message up at the provider. True when it must (and may) be sent now."""
    since = (m.last_attempt_at or m.queued_at) - RECONCILE_MARGIN
    now = clock.now()
    try:
        found = backend.find(m.to_number, m.body, since)
    except SendFailed as e:
        # Cannot tell: never send blind. Look again later.
        _finish(
            m,
            token,
            next_attempt_at=now
            + rules.backoff(m.attempts, base_seconds=s["base"], cap_seconds=s["cap"]),
            error_code=e.code,
            error_message=f"核对发送结果失败：{e.error.reason}",
        )
        report.retried += 1
        return False
    for f in found:
        if _provider_id_taken(f.provider_id, m.id):
            continue
        status = rules.status_after_receipt("sending", f.status) or "sent"
        values = {"status": status, "provider_id": f.provider_id, "sent_at": now}
        if status == "delivered":
            values["delivered_at"] = now
        _finish(m, token, error_code=None, error_message=None, **values)
        report.reconciled += 1
        return False
    if m.attempts >= s["max_attempts"]:
        _finish(
            m,
            token,
            status="failed",
            error_code="max_attempts",
            error_message=f"已尝试{m.attempts}次仍未确认发出，已停止重试",
        )
        report.failed += 1
        return False
    # Not at the provider: this send is a new attempt (counted before the call, so a crash
    # during it still counts).
    # (The commit reloads `m`, so it reads the new count after this.)
    return _finish(
        m,
        token,
        status="sending",
        attempts=m.attempts + 1,
        last_attempt_at=now,
        needs_reconcile=False,
    )


def _send_one(m: SmsMessage, token: str, backend: Backend, s: dict, pacer: Pacer, report) -> None:
    if m.needs_reconcile and not _reconcile(m, token, backend, s, report):
        return
    pacer.wait()
    # The call may be in flight for up to the client's timeout (shorter than the lease: config
    # checks it), and the provider may still accept it up to the grace period after that. Until
    # then nobody may look the message up and send it again: were this process to die now, the
    # row waits out both before it is reconciled. (Stamped here, not at the claim: a batch's
    # last message is called long after the batch was claimed.)
    if not _finish(m, token, last_attempt_at=clock.now(), next_attempt_at=_settled_after(s)):
        return  # a receipt or another sender moved it on meanwhile
    try:
        provider_id = backend.send(m.to_number, m.body, callback_url=_callback_url(m.id))
    except SendFailed as e:
        now = clock.now()
        wait = rules.backoff(m.attempts, base_seconds=s["base"], cap_seconds=s["cap"])
        kind = e.error.kind
        if kind == rules.PERMANENT:
            _finish(
                m, token, status="undeliverable", error_code=e.code, error_message=e.error.reason
            )
            report.undeliverable += 1
        elif kind == rules.AMBIGUOUS:
            # It may have reached the provider, or may still reach it: stay `sending`, and look
            # it up only once a late acceptance would have shown (a reconcile before it would
            # find nothing and send the text a second time).
            _finish(
                m,
                token,
                next_attempt_at=now + max(wait, s["grace"]),
                needs_reconcile=True,
                error_code=e.code,
                error_message=e.error.reason,
            )
            report.retried += 1
        elif m.attempts >= s["max_attempts"]:
            _finish(
                m,
                token,
                status="failed",
                error_code=e.code,
                error_message=f"{e.error.reason}；已尝试{m.attempts}次，已停止重试",
            )
            report.failed += 1
        else:
            _finish(
                m,
                token,
                status="queued",
                next_attempt_at=now + wait,
                error_code=e.code,
                error_message=e.error.reason,
            )
            report.retried += 1
        log.warning("SMS %s: %s", m.id, e)
        return
    now = clock.now()
    if not _finish(
        m,
        token,
        status="sent",
        provider_id=provider_id,
        sent_at=now,
        error_code=None,
        error_message=None,
    ):
        # A receipt got here first (it matched the row by our id and set the provider id).
        db.session.rollback()
    report.sent += 1


def drain(
    *, backend: Backend | None = None, max_seconds: float | None = None, batch: int | None = None
) -> DrainReport:
    """Send what is due until nothing is left or `max_seconds` passed (checked between batches).
    Safe to run in several processes on PostgreSQL; on SQLite run one."""
    s = _settings()
    backend = backend or backend_from_config(current_app.config)
    pacer = Pacer(s["rate"] if backend.paced else 0)
    batch = batch or max(1, min(100, int(s["rate"] * 2) or 1))
    started = time.monotonic()
    report = DrainReport()
    while True:
        token, rows = claim(batch, s["lease"])
        if not rows:
            break
        report.claimed += len(rows)
        for m in rows:
            try:
                _send_one(m, token, backend, s, pacer, report)
            except Exception as e:  # one bad row must not stop the others; its lease expires
                db.session.rollback()
                log.exception("SMS %s: unexpected error", m.id)
                report.errors.append(f"{m.id}: {e}")
        db.session.expire_all()
        if max_seconds is not None and time.monotonic() - started >= max_seconds:
            break
    return report
