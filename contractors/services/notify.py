"""SMS to the pool: a trading notice is announced to every active member of its category."""

from __future__ import annotations

from sqlalchemy import select

from app import audit, clock
from app.audit import Action
from app.extensions import db
from app.offices.scope import district_of
from contractors.errors import PoolError
from contractors.models import PoolCategory
from contractors.queries import active_members
from notices.sms import services as sms


def notify_category(notice, category_code: str, *, actor=None) -> int:
    """Queue the trading notice's SMS to every active pool member of the category, inside the
    caller's transaction (DESIGN.md B.2: SMS goes to every active member of the category).

    Who is a member is `contractors.queries.active_members`, THE rule, in the district of the
    notice's office: reserves, suspended and expired members, other categories' members and
    other districts' members get nothing. Idempotent per (notice,
    contractor). Returns how many messages were added.
    """
    if notice is None or not getattr(notice, "is_published", False):
        raise PoolError("公告尚未发布，不能发送短信", "The notice is not published; no SMS is sent")
    name = db.session.scalar(select(PoolCategory.name).where(PoolCategory.code == category_code))
    if name is None:
        raise PoolError(f"类别不存在：{category_code}", f"No such category: {category_code}")
    # THE rule per district: a platform's project is announced to its district's pool only.
    district_id = district_of(notice.office_id).id if notice.office_id is not None else None
    members = active_members(
        category_code, clock.local(notice.published_at).date(), district_id=district_id
    )
    added = sms.queue(
        subject_type="notice",
        subject_id=str(notice.id),
        purpose=sms.NOTICE_PURPOSE,
        template="trading_notice",
        recipients=[sms.Recipient(m.contractor_id, m.mobile) for m in members],
        values=sms.notice_values(notice, name),
        notice_id=notice.id,
    )
    audit.record(
        Action.SMS_QUEUED,
        "notice",
        notice.id,
        actor=actor,
        after={"category": category_code, "members": len(members), "queued": added},
        office_id=notice.office_id,
    )
    return added
