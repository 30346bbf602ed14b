"""The revision histories (app.history) of a company's public record (its roster entry) and of a
published sanction.

A company is public once staff checked its registration or it applied to a pool call
(contractors.rules.is_publicly_listed): entries before that show as steps without details. Its
registration's contacts, legal representative and address are never shown (app.history.rules
shows whitelisted fields only). A sanction's history adds its misconduct case's entries (opened,
statement, decision): before the sanction's publication they are steps without details.
"""

from __future__ import annotations

from datetime import datetime

from flask import url_for
from sqlalchemy import func, or_, select

from app.extensions import db
from app.history.queries import Target, subject
from app.i18n import loc
from app.urls import record_id
from contractors.models import Contractor, PoolApplication
from contractors.queries import public_contractor
from contractors.sanctions._common import SUBJECT_CASE, SUBJECT_SANCTION
from contractors.sanctions.queries import public_sanction


def contractor_target(ident: str) -> Target | None:
    c = public_contractor(ident.strip().upper()[:18])
    if c is None:
        return None
    return Target(
        kind="contractor",
        ident=c.uscc,
        title=c.name,
        url=url_for("pool.contractor", uscc=c.uscc),
        public_since=_listed_since(c),
        clause=subject("contractor", c.uscc),
    )


def _listed_since(c: Contractor) -> datetime:
    """When the company became public: its check, or its first application if earlier."""
    applied = db.session.scalar(
        select(func.min(PoolApplication.submitted_at)).where(PoolApplication.contractor_id == c.id)
    )
    moments = [m for m in (c.checked_at, applied) if m is not None]
    return min(moments) if moments else c.registered_at


def sanction_target(ident: str) -> Target | None:
    try:
        s = public_sanction(record_id(ident))
    except ValueError:
        return None
    if s is None or s.published_at is None:
        return None
    return Target(
        kind="sanction",
        ident=str(s.id),
        title=loc(f"{s.contractor.name}：不良行为处理记录", f"{s.contractor.name}: sanction"),
        url=url_for("sanctions.detail", sanction_id=s.id),
        public_since=s.published_at,
        clause=or_(subject(SUBJECT_SANCTION, s.id), subject(SUBJECT_CASE, s.case_id)),
    )
