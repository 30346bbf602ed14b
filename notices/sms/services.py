"""SMS use cases: queue messages inside the caller's transaction, re-send by hand, preferences."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from flask import Flask, current_app
from sqlalchemy import func, select, update

from app import audit, clock
from app.audit import Action
from app.errors import refused_as
from app.extensions import db
from app.offices.scope import require_scope
from app.transactions import transactional
from app.wiring import registry
from config import BASE_DIR
from notices.models import Notice
from notices.sms import rules
from notices.sms.errors import SmsForbidden, SmsNotFound, SmsTemplateError
from notices.sms.models import SmsMessage, SmsPreference

TEMPLATE_DIR = BASE_DIR / "templates" / "sms"
#: The purpose of the legally required message announcing a trading notice to the pool.
NOTICE_PURPOSE = "trading_notice"
REMINDER_PURPOSE = "reminder"


@cache
def _template_text(name: str) -> str:
    path = TEMPLATE_DIR / f"{name}.txt"
    if path.parent != TEMPLATE_DIR or not path.exists():
        raise SmsTemplateError(f"短信模板不存在：{name}", f"No SMS template {name}")
    return Path(path).read_text(encoding="utf-8").strip()


def render(template: str, values: dict[str, str]) -> str:
    """The text of a message from templates/sms/<template>.txt, or SmsTemplateError."""
    with refused_as(SmsTemplateError):
        return rules.render(_template_text(template), values, current_app.config["SMS_SIGNATURE"])


@dataclass(frozen=True)
class Recipient:
    """Who receives a message: a contractor (id and E.164 mobile)."""

    contractor_id: int
    mobile: str

    @property
    def key(self) -> str:
        return f"contractor:{self.contractor_id}"


#: Who a recipient is today: contractor ids → (company name, current E.164 mobile). The pool
#: registers it in its `init_app` — contractors may import notices, never the other way
#: (DESIGN.md, Architecture).
Directory = Callable[[Iterable[int]], dict[int, tuple[str, str]]]
#: Registry (app.wiring) holding the one directory, under "directory".
DIRECTORY = "sms.directory"


def register_directory(app: Flask, directory: Directory) -> None:
    registry(DIRECTORY, app)["directory"] = directory


def contacts(contractor_ids: Iterable[int]) -> dict[int, tuple[str, str]]:
    """Company name and current mobile of each recipient (empty if no directory is registered)."""
    ids = sorted(set(contractor_ids))
    directory = registry(DIRECTORY).get("directory")
    return directory(ids) if directory and ids else {}


def queue(
    *,
    subject_type: str,
    subject_id: str,
    purpose: str,
    template: str,
    recipients: list[Recipient],
    values: dict[str, str],
    notice_id: int | None = None,
    office_id: int | None = None,
) -> int:
    """Queue one message per recipient inside the caller's transaction (the caller commits).

    Renders first: a refused template raises before anything is written. A (subject, recipient,
    purpose) already queued is skipped (ON CONFLICT DO NOTHING on the unique key), so re-running
    an event queues nothing new. Returns how many rows were added.
    """
    body = render(template, values)
    texts = [(r, body) for r in recipients]
    return _write(subject_type, str(subject_id), purpose, template, notice_id, texts, office_id)


def queue_each(
    *,
    subject_type: str,
    subject_id: str,
    purpose: str,
    template: str,
    messages: list[tuple[Recipient, dict[str, str]]],
    notice_id: int | None = None,
    office_id: int | None = None,
) -> int:
    """Like `queue` when each recipient's values differ (a rank, its own deadline): every text is
    rendered before anything is written, then all are written at once."""
    texts = [(r, render(template, values)) for r, values in messages]
    return _write(subject_type, str(subject_id), purpose, template, notice_id, texts, office_id)


def _write(
    subject_type: str,
    subject_id: str,
    purpose: str,
    template: str,
    notice_id: int | None,
    texts: list[tuple[Recipient, str]],
    office_id: int | None = None,
) -> int:
    """`office_id`: the office of what it announces; by default its notice's."""
    if not texts:
        return 0
    if office_id is None and notice_id is not None:
        office_id = db.session.scalar(select(Notice.office_id).where(Notice.id == notice_id))
    now = clock.now()
    rows = [
        {
            "subject_type": subject_type,
            "subject_id": str(subject_id),
            "recipient": r.key,
            "purpose": purpose,
            "notice_id": notice_id,
            "office_id": office_id,
            "contractor_id": r.contractor_id,
            "to_number": r.mobile,
            "template": template,
            "body": body,
            "segments": rules.segments(body),
            "status": "queued",
            "attempts": 0,
            "next_attempt_at": now,
            "needs_reconcile": False,
            "resends": 0,
            "queued_at": now,
            "updated_at": now,
        }
        for r, body in texts
    ]
    insert = _insert()
    before = _count(subject_type, subject_id, purpose)
    table = SmsMessage.__table__
    for start in range(0, len(rows), 1000):
        db.session.execute(insert(table).on_conflict_do_nothing(), rows[start : start + 1000])
    return _count(subject_type, subject_id, purpose) - before


def _insert():
    """The database's own INSERT, which can skip a row that exists (ON CONFLICT DO NOTHING)."""
    if db.session.get_bind().dialect.name == "postgresql":
        from sqlalchemy.dialects.postgresql import insert
    else:
        from sqlalchemy.dialects.sqlite import insert
    return insert


def _count(subject_type: str, subject_id: str, purpose: str) -> int:
    return db.session.scalar(
        select(func.count(SmsMessage.id)).where(
            SmsMessage.subject_type == subject_type,
            SmsMessage.subject_id == subject_id,
            SmsMessage.purpose == purpose,
        )
    )


def notice_values(notice, category_name: str) -> dict[str, str]:
    """A trading notice's variables: its title, the category and its publicity's last day."""
    deadline = ""
    if notice.publicity_ends_at is not None:
        from datetime import timedelta

        # The exclusive end (00:00 after the last day) reads as the last day, as notices write it.
        last = clock.local(notice.publicity_ends_at) - timedelta(seconds=1)
        deadline = f"{last.month}月{last.day}日"
    return {"title": notice.title, "category": category_name, "deadline": deadline}


def wants_optional(contractor_id: int) -> bool:
    pref = db.session.get(SmsPreference, contractor_id)
    return bool(pref and pref.optional_messages)


def queue_optional(
    *,
    subject_type: str,
    subject_id: str,
    purpose: str,
    template: str,
    recipients: list[Recipient],
    values: dict[str, str],
    notice_id: int | None = None,
    office_id: int | None = None,
) -> int:
    """Like `queue` for an optional message (a reminder): only to recipients who opted in."""
    chosen = [r for r in recipients if wants_optional(r.contractor_id)]
    return queue(
        subject_type=subject_type,
        subject_id=subject_id,
        purpose=purpose,
        template=template,
        recipients=chosen,
        values=values,
        notice_id=notice_id,
        office_id=office_id,
    )


@transactional
def set_optional_messages(contractor_id: int, enabled: bool, *, actor=None) -> SmsPreference:
    """A contractor chooses whether to receive optional messages (reminders) too. A choice that
    changes nothing (the form posted again) is not recorded again."""
    # The company's row, made once: two first choices at once both found none and the later
    # insert broke the primary key — a 500. Insert-if-absent, then the row under lock, so
    # concurrent choices follow one another.
    db.session.execute(
        _insert()(SmsPreference)
        .values(contractor_id=contractor_id, optional_messages=False, updated_at=clock.now())
        .on_conflict_do_nothing(index_elements=["contractor_id"])
    )
    pref = db.session.scalars(
        select(SmsPreference)
        .where(SmsPreference.contractor_id == contractor_id)
        .with_for_update()
        .execution_options(populate_existing=True)
    ).one()
    before = {"optional_messages": bool(pref.optional_messages)}
    if pref.optional_messages == bool(enabled):
        return pref
    pref.optional_messages = bool(enabled)
    pref.updated_at = clock.now()
    db.session.flush()
    audit.record(
        Action.SMS_PREFERENCE_CHANGED,
        "contractor",
        contractor_id,
        actor=actor,
        before=before,
        after={"optional_messages": pref.optional_messages},
    )
    return pref


@transactional
def resend_failed(notice_id: int, *, actor=None) -> int:
    """Staff re-send the notice's messages that did not reach the phone (failed, undeliverable),
    to each contractor's current number. Returns how many were queued again."""

    rows = list(
        db.session.scalars(
            select(SmsMessage)
            .where(
                SmsMessage.notice_id == notice_id,
                SmsMessage.status.in_(sorted(rules.RESENDABLE)),
            )
            .with_for_update()
        )
    )
    if not rows:
        raise SmsNotFound("没有需要重发的短信", "No failed message to re-send")
    # Each message is its office's (by default its notice's): staff re-send their offices' only.
    for office_id in sorted({m.office_id for m in rows}, key=lambda i: (i is None, i or 0)):
        require_scope(
            actor, office_id, SmsForbidden, "重发该机构的短信", "re-send this office's messages"
        )
    now = clock.now()
    current = contacts(m.contractor_id for m in rows if m.contractor_id is not None)
    for m in rows:
        if m.contractor_id in current:
            m.to_number = current[m.contractor_id][1]
        m.status = "queued"
        m.attempts = 0
        m.resends += 1
        m.next_attempt_at = now
        m.needs_reconcile = False
        m.claim_token = None
        m.provider_id = None
        m.error_code = None
        m.error_message = None
        m.updated_at = now
    db.session.flush()
    audit.record(
        Action.SMS_RESENT,
        "notice",
        notice_id,
        actor=actor,
        office_id=rows[0].office_id,
        after={"messages": sorted(m.id for m in rows)},
    )
    return len(rows)


def apply_receipt(
    provider_id: str, reported: str, error_code: str | None = None, message_id: int | None = None
) -> bool:
    """A delivery receipt from the provider; True when it changed a message. Committed here: the
    webhook has no other transaction.

    A receipt may outrun the sender's own commit of the provider id: the callback URL carries our
    message id, so a row still `sending` without a provider id is matched by it.
    """
    try:
        message = db.session.scalar(
            select(SmsMessage).where(SmsMessage.provider_id == provider_id).with_for_update()
        )
        if message is None and message_id is not None:
            candidate = db.session.scalar(
                select(SmsMessage).where(SmsMessage.id == message_id).with_for_update()
            )
            if (
                candidate is not None
                and candidate.provider_id is None
                and candidate.status == "sending"
            ):
                message = candidate
        if message is None:
            db.session.rollback()
            return False
        target = rules.status_after_receipt(message.status, reported)
        if target is None:
            db.session.rollback()
            return False
        now = clock.now()
        values = {"status": target, "updated_at": now, "provider_id": provider_id}
        if target in ("sent", "delivered") and message.sent_at is None:
            values["sent_at"] = now
        if target == "delivered":
            values["delivered_at"] = now
        if target == "failed":
            values["error_code"] = (error_code or "")[:20] or None
            values["error_message"] = f"运营商回执：未送达（{error_code or '无代码'}）"
        db.session.execute(update(SmsMessage).where(SmsMessage.id == message.id).values(**values))
        db.session.commit()
        return True
    except Exception:
        db.session.rollback()
        raise
