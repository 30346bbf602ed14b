"""Read-only subscription queries: an account's subscription, a notice's categories, and the
notices still waiting for their subscribers' texts."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import exists, select

from app import clock
from app.extensions import db
from notices.models import Notice
from notices.rules import NoticeStatus
from notices.subscriptions import rules
from notices.subscriptions.models import Subscription, SubscriptionFanout


def subscription_of(user_id: int) -> Subscription | None:
    return db.session.scalar(select(Subscription).where(Subscription.user_id == user_id))


def state_of(sub: Subscription | None) -> rules.SubscriptionState:
    return rules.state_of(
        rules.SubscriptionFacts(sub is not None, sub.stopped_at if sub is not None else None)
    )


def is_subscribed(user_id: int) -> bool:
    """Whether the account's subscription is running (the contractor's home page shows it)."""
    return state_of(subscription_of(user_id)) is rules.SubscriptionState.ACTIVE


def choice_of(sub: Subscription) -> rules.Choice:
    return rules.Choice(sub.all_categories, sub.codes("category"), sub.all_types, sub.codes("type"))


def notice_categories(notice_id: int) -> list[str]:
    """The pool categories a notice belongs to (through its subject; none for a policy): its
    subject's, kept on it (notices.categories)."""
    code = db.session.scalar(select(Notice.category_code).where(Notice.id == notice_id))
    return [code] if code else []


def notices_to_fan_out(limit: int = 50) -> list[int]:
    """Published notices of the last FANOUT_WINDOW_HOURS whose subscribers were not yet texted,
    oldest first (the window bounds the read and keeps stale news out after a downtime)."""
    since = clock.now() - timedelta(hours=rules.FANOUT_WINDOW_HOURS)
    done = select(SubscriptionFanout.notice_id).where(SubscriptionFanout.notice_id == Notice.id)
    return list(
        db.session.scalars(
            select(Notice.id)
            .where(
                Notice.status == NoticeStatus.PUBLISHED,
                Notice.published_at >= since,
                ~exists(done),
            )
            .order_by(Notice.published_at, Notice.id)
            .limit(limit)
        )
    )
