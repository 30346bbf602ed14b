"""The public page 公开时限: per local month and notice type with a limit, how many were published,
on time and late (one grouped query), and the late notices themselves (one query)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime

from sqlalchemy import case, func, select

from app import clock
from app.calendar.services import current_calendar
from app.extensions import db
from notices.models import Notice
from notices.rules import NOTICE_TYPES, NoticeStatus
from notices.timeliness import rules, services

#: The late notices listed on one page at most (the counts are always whole).
MAX_LATE = 200


@dataclass
class Row:
    month: date
    type: str
    published: int = 0
    on_time: int = 0

    @property
    def late(self) -> int:
        return self.published - self.on_time


@dataclass
class Report:
    months: list[date]  # oldest first
    rows: list[Row] = field(default_factory=list)  # newest month first, then by type's order
    late: list[Notice] = field(default_factory=list)  # newest first
    late_total: int = 0


def _start(month: date) -> datetime:
    """A local month's first moment (00:00 +08:00 of its first day)."""
    return datetime(month.year, month.month, 1, tzinfo=clock.TZ)


def report(months: list[date], types: list[str]) -> Report:
    """The figures of `months` (first days, oldest first, consecutive) for the notice types
    `types` (those with a limit): a notice counts in the local month it was published in, if it
    carries a due moment (publish_due_at)."""
    out = Report(months=months)
    if not months or not types:
        return out
    starts = [_start(m) for m in months]
    end = _start(rules.add_months(months[-1], 1))
    # The month's index by the last start the publication is at or after (newest first: the
    # first WHEN that holds) — portable SQL, the months counted in local time by their bounds.
    bucket = case(
        *((Notice.published_at >= s, i) for i, s in reversed(list(enumerate(starts)))),
        else_=-1,
    )
    counted = (
        Notice.status == NoticeStatus.PUBLISHED,
        Notice.publish_due_at.is_not(None),
        Notice.type.in_(types),
        Notice.published_at >= starts[0],
        Notice.published_at < end,
    )
    inner = (
        select(
            bucket.label("m"),
            Notice.type.label("t"),
            case((Notice.published_at <= Notice.publish_due_at, 1), else_=0).label("ok"),
        )
        .where(*counted)
        .subquery()
    )
    grouped = db.session.execute(
        select(inner.c.m, inner.c.t, func.count(), func.sum(inner.c.ok)).group_by(
            inner.c.m, inner.c.t
        )
    ).all()
    order = {t: i for i, t in enumerate(types)}
    rows = [Row(months[m], t, int(n), int(ok or 0)) for m, t, n, ok in grouped if m >= 0]
    out.rows = sorted(rows, key=lambda r: (-r.month.toordinal(), order[r.type]))
    out.late_total = sum(r.late for r in rows)
    out.late = list(
        db.session.scalars(
            select(Notice)
            .where(*counted, Notice.published_at > Notice.publish_due_at)
            .order_by(Notice.published_at.desc(), Notice.id.desc())
            .limit(MAX_LATE)
        )
    )
    return out


def page(months: list[date] | None) -> dict:
    """What the public page draws: every limit in force with its event and basis, and for
    `months` (None: a refused month, the limits alone) the report and each late notice with
    how late it was."""
    limits = services.limits()
    types = [code for code in NOTICE_TYPES if code in limits]
    found = report(months, types) if months is not None else None
    calendar = current_calendar()
    late = [
        (
            n,
            rules.lateness(
                clock.local(n.published_at),
                clock.local(n.publish_due_at),
                limits[n.type].unit,
                calendar,
            ),
        )
        for n in (found.late if found else ())
    ]
    return {"limits": limits, "types": types, "events": rules.EVENTS, "report": found, "late": late}
