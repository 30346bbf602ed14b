"""Read-only SMS queries: a notice's messages, totals and progress, and the public proof."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache

from sqlalchemy import bindparam, func, select

from app import reads
from app.extensions import db
from app.offices.scope import scope_clause
from notices.sms import rules
from notices.sms.models import SmsMessage


@dataclass(frozen=True)
class Totals:
    counts: dict[str, int]

    @property
    def total(self) -> int:
        return sum(self.counts.values())

    def __getitem__(self, status: str) -> int:
        return self.counts.get(status, 0)

    @property
    def told(self) -> int:
        """Accepted by the provider: sent, and those whose delivery is confirmed."""
        return self["sent"] + self["delivered"]

    @property
    def settled(self) -> int:
        """No longer waiting for the sender (sent or final)."""
        return self["sent"] + sum(self[s] for s in rules.FINAL)

    @property
    def in_progress(self) -> bool:
        return self["queued"] + self["sending"] > 0

    @property
    def percent(self) -> int:
        return round(100 * self.settled / self.total) if self.total else 100


def totals(notice_id: int) -> Totals:
    # Read on the driver's cursor (app.reads.plain_rows): every notice's page asks, and
    # SQLAlchemy's execution of a statement of columns cost more than SQLite's count (issue 14).
    rows = reads.plain_rows(_totals_statement(), {"notice_id": notice_id})
    return Totals({status: n for status, n in rows})


@cache
def _totals_statement():
    """Built once per process: every notice's page asks (its line of SMS proof)."""
    return (
        select(SmsMessage.status, func.count(SmsMessage.id))
        .where(SmsMessage.notice_id == bindparam("notice_id"))
        .group_by(SmsMessage.status)
    )


def messages_of(notice_id: int) -> list[tuple[SmsMessage, str]]:
    """The notice's messages with each recipient's company name, by company."""
    from notices.sms.services import contacts

    rows = list(db.session.scalars(select(SmsMessage).where(SmsMessage.notice_id == notice_id)))
    names = {cid: name for cid, (name, _mobile) in contacts(m.contractor_id for m in rows).items()}
    labelled = [(m, names.get(m.contractor_id, m.recipient)) for m in rows]
    return sorted(labelled, key=lambda pair: (pair[1], pair[0].id))


@dataclass(frozen=True)
class Proof:
    """The public line: how many pool members were told, how many phones confirmed delivery."""

    told: int
    delivered: int


def proof(notice_id: int | None) -> Proof | None:
    """Counts only (no names, no numbers); None when the notice has no SMS at all."""
    if notice_id is None:
        return None
    t = totals(notice_id)
    if not t.total:
        return None
    return Proof(told=t.told, delivered=t["delivered"])


def failed(actor=None):
    """The messages of notices that did not reach the phone (failed, undeliverable) and are not
    re-sent yet — what a notice's 重发 button takes — of the offices `actor` covers."""
    stmt = select(SmsMessage).where(
        SmsMessage.status.in_(sorted(rules.RESENDABLE)), SmsMessage.notice_id.is_not(None)
    )
    clause = scope_clause(SmsMessage.office_id, actor)
    return stmt if clause is None else stmt.where(clause)


def failed_count(actor=None) -> int:
    """How many messages `failed(actor)` holds (the staff dashboard's count)."""
    return db.session.scalar(select(func.count()).select_from(failed(actor).subquery())) or 0


def notice_ids_with_failures(actor=None):
    """The ids of the notices with such messages, a subquery (the notices list's `?sms=failed`)."""
    return failed(actor).with_only_columns(SmsMessage.notice_id).distinct()


def queue_metrics(now):
    """/metrics: how many texts the provider has not accepted yet, and how long the oldest of
    them has waited (0 when none waits)."""
    from prometheus_client.core import GaugeMetricFamily

    waiting = select(func.count(), func.min(SmsMessage.queued_at)).where(
        SmsMessage.status.in_(rules.UNSENT)
    )
    depth, oldest = db.session.execute(waiting).one()
    yield GaugeMetricFamily(
        "smallworks_sms_queue_depth", "SMS not yet accepted by the provider.", value=depth
    )
    yield GaugeMetricFamily(
        "smallworks_sms_oldest_queued_age_seconds",
        "Age of the oldest SMS not yet accepted (0 when none waits).",
        value=(now - oldest).total_seconds() if oldest else 0.0,
    )
