"""Subscription use cases: subscribe or change, stop (one transaction each, audited without the
phone number), and the fan-out that queues one optional SMS per matching subscriber."""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import date

from flask import Flask
from sqlalchemy import Select, and_, exists, false, literal, or_, select, update

from app import audit, clock
from app.audit import Action
from app.auth.models import User
from app.errors import refused_as
from app.extensions import db
from app.transactions import transactional
from app.wiring import registry
from notices import categories
from notices.models import Notice
from notices.rules import NOTICE_TYPES
from notices.sms import rules as sms_rules
from notices.sms import services as sms
from notices.sms.errors import SmsTemplateError
from notices.sms.models import SmsMessage
from notices.subscriptions import queries, rules
from notices.subscriptions.errors import NoMobile, SubscriptionError
from notices.subscriptions.models import Subscription, SubscriptionFanout, SubscriptionTopic

log = logging.getLogger("smallworks.subscriptions")

PURPOSE = "subscription"
TEMPLATE = "subscription"

#: Registry (app.wiring) of who can be texted — notices may not import the pool, so the pool
#: registers, in its init_app: "company_of" (user id → (company id, E.164 mobile) or None) and
#: "reachable" (a date → a select of (contractor_id, mobile) of the companies that may receive
#: optional texts on it: no suspension or removal in force).
AUDIENCE = "subscriptions.audience"


def register_audience(
    app: Flask,
    company_of: Callable[[int], tuple[int, str] | None],
    reachable: Callable[[date], Select],
) -> None:
    registry(AUDIENCE, app).update(company_of=company_of, reachable=reachable)


def company_of(user_id: int) -> tuple[int, str] | None:
    source = registry(AUDIENCE).get("company_of")
    return source(user_id) if source else None


def _audit_view(choice: rules.Choice) -> dict:
    """What the audit keeps of a choice: codes only, no number or name."""
    return {
        "all_categories": choice.all_categories,
        "categories": list(choice.categories),
        "all_types": choice.all_types,
        "types": list(choice.types),
    }


def _same(a: rules.Choice, b: rules.Choice) -> bool:
    """Two choices that text the same notices (the order of the codes aside)."""
    return (a.all_categories, frozenset(a.categories), a.all_types, frozenset(a.types)) == (
        b.all_categories,
        frozenset(b.categories),
        b.all_types,
        frozenset(b.types),
    )


def _locked(user_id: int):
    """The account's subscription, locked, its values replacing a copy the page loaded before:
    without populate_existing a choice saved again after a stop from another tab read the page's
    copy as active and unchanged, and wrote nothing over a stopped subscription."""
    return (
        select(Subscription)
        .where(Subscription.user_id == user_id)
        .with_for_update()
        .execution_options(populate_existing=True)
    )


@transactional
def subscribe(user_id: int, choice: rules.Choice, *, actor=None) -> Subscription:
    """Start, change or restart the account's subscription. A restart texts only what is
    published from now on."""
    with refused_as(SubscriptionError):
        choice = rules.check_choice(choice, [c.code for c in categories.categories()], NOTICE_TYPES)
    # The account's row locked (FOR NO KEY UPDATE, which rows merely naming the account do not
    # wait for): a first subscription saved twice at once found no row in either transaction,
    # and the later insert broke uq_notice_subscriptions_user_id — a 500. Now the second reads
    # the first one's row, and saving the same choice again writes nothing.
    user = db.session.scalar(select(User).where(User.id == user_id).with_for_update(key_share=True))
    company = company_of(user_id) if user is not None else None
    if company is None:
        raise NoMobile(
            "本账户没有登记手机号码，无法订阅短信。企业账户的短信发往登记的联系人手机。",
            "This account has no mobile number on record, so it cannot subscribe to SMS. "
            "A company account's texts go to its registered contact mobile.",
        )
    now = clock.now()
    sub = db.session.scalar(_locked(user_id))
    before = None
    if sub is None:
        sub = Subscription(user_id=user_id, created_at=now, since=now)
        db.session.add(sub)
    else:
        if (
            sub.stopped_at is None
            and sub.contractor_id == company[0]
            and _same(queries.choice_of(sub), choice)
        ):
            # Saved again as it is: nothing changed, so nothing is written — no audit entry.
            return sub
        before = _audit_view(queries.choice_of(sub)) | {"stopped": sub.stopped_at is not None}
        if sub.stopped_at is not None:
            sub.since = now
    sub.contractor_id = company[0]
    sub.all_categories, sub.all_types = choice.all_categories, choice.all_types
    sub.stopped_at = None
    sub.updated_at = now
    sub.topics = [SubscriptionTopic(kind="category", code=c) for c in choice.categories] + [
        SubscriptionTopic(kind="type", code=t) for t in choice.types
    ]
    db.session.flush()
    audit.record(
        Action.SUBSCRIPTION_CHANGED,
        "user",
        user_id,
        actor=actor,
        before=before,
        after=_audit_view(choice) | {"stopped": False},
    )
    return sub


@transactional
def stop(user_id: int, *, actor=None) -> None:
    """The stop button: no more texts from this moment (the choice is kept for a restart)."""
    sub = db.session.scalar(_locked(user_id))
    with refused_as(SubscriptionError):
        rules.require_active(queries.state_of(sub))
    sub.stopped_at = sub.updated_at = clock.now()
    db.session.flush()
    audit.record(
        Action.SUBSCRIPTION_STOPPED,
        "user",
        user_id,
        actor=actor,
        before={"stopped": False},
        after={"stopped": True},
    )


def _matching(notice: Notice, codes: list[str]):
    """Subscriptions that ask for this notice: SQL for rules.matches."""
    topic = SubscriptionTopic

    def chosen(kind: str, condition):
        return exists().where(
            topic.subscription_id == Subscription.id, topic.kind == kind, condition
        )

    by_type = or_(Subscription.all_types, chosen("type", topic.code == notice.type))
    by_category = or_(
        Subscription.all_categories,
        chosen("category", topic.code.in_(codes)) if codes else false(),
    )
    return and_(by_type, by_category)


@transactional
def fan_out(notice_id: int) -> int:
    """Queue the subscription SMS of one published notice: one optional message per matching
    active subscriber, in one INSERT … SELECT. Returns how many were queued.

    Once only: the notice's row in notice_subscription_fanouts is taken first (a second run, or
    a racing worker once the first commits, finds it and queues nothing), and the outbox's
    unique (subject, recipient, purpose) key holds even without it. A company the procedure
    already texts about this notice (a pool member told of a trading notice) is not texted twice.
    """
    taken = _take(notice_id)
    notice = db.session.get(Notice, notice_id)
    if not taken or notice is None or notice.published_at is None:
        return 0
    reachable = registry(AUDIENCE).get("reachable")
    if reachable is None:
        return 0
    values = {"type": NOTICE_TYPES[notice.type].label, "title": rules.sms_title(notice.title)}
    try:
        body = sms.render(TEMPLATE, values)
    except SmsTemplateError as e:
        # A title the SMS rules refuse (a web address in it): nobody is texted, and the job
        # does not try again at every tick; the notice itself is published as it is.
        log.warning("notice %s: no subscription SMS: %s", notice.id, e)
        return 0
    audience = reachable(clock.today()).subquery()
    # A number the carrier reported as unsubscribed (Twilio 21610) gets no optional text.
    opted_out = select(SmsMessage.to_number).where(
        SmsMessage.status == "undeliverable", SmsMessage.error_code == "21610"
    )
    # Read through the outbox's unique key (subject, recipient, …): an index seek per subscriber,
    # where notice_id alone would scan the notice's every message for each one.
    recipient = literal("contractor:") + audience.c.contractor_id.cast(db.String)
    told = exists().where(
        SmsMessage.subject_type == "notice",
        SmsMessage.subject_id == str(notice.id),
        SmsMessage.recipient == recipient,
    )
    now = clock.now()
    columns = {
        "subject_type": literal("notice"),
        "subject_id": literal(str(notice.id)),
        "recipient": recipient,
        "purpose": literal(PURPOSE),
        "priority": literal(sms_rules.PRIORITY_OPTIONAL),
        "notice_id": literal(notice.id),
        "office_id": literal(notice.office_id),
        "contractor_id": audience.c.contractor_id,
        "to_number": audience.c.mobile,
        "template": literal(TEMPLATE),
        "body": literal(body),
        "segments": literal(sms_rules.segments(body)),
        "status": literal("queued"),
        "attempts": literal(0),
        "next_attempt_at": literal(now, SmsMessage.next_attempt_at.type),
        "needs_reconcile": literal(False),
        "resends": literal(0),
        "queued_at": literal(now, SmsMessage.queued_at.type),
        "updated_at": literal(now, SmsMessage.updated_at.type),
    }
    rows = (
        select(*columns.values())
        .select_from(Subscription)
        .join(audience, audience.c.contractor_id == Subscription.contractor_id)
        .join(User, User.id == Subscription.user_id)
        .where(
            Subscription.stopped_at.is_(None),
            Subscription.since <= notice.published_at,
            User.is_active_account,
            _matching(notice, queries.notice_categories(notice.id)),
            ~told,
            audience.c.mobile.not_in(opted_out),
        )
    )
    # RETURNING counts what was added on both databases (psycopg reports no rowcount here).
    insert = _insert()(SmsMessage.__table__).from_select(list(columns), rows)
    queued = len(db.session.execute(insert.on_conflict_do_nothing().returning(SmsMessage.id)).all())
    db.session.execute(
        update(SubscriptionFanout)
        .where(SubscriptionFanout.notice_id == notice.id)
        .values(queued=queued, done_at=now)
    )
    if queued:
        audit.record(
            Action.SMS_QUEUED,
            "notice",
            notice.id,
            office_id=notice.office_id,
            after={"purpose": PURPOSE, "queued": queued},
        )
    return queued


def _insert():
    if db.session.get_bind().dialect.name == "postgresql":
        from sqlalchemy.dialects.postgresql import insert
    else:
        from sqlalchemy.dialects.sqlite import insert
    return insert


def _take(notice_id: int) -> bool:
    """Claim the notice's fan-out; False when another run holds or did it."""
    stmt = (
        _insert()(SubscriptionFanout)
        .values(notice_id=notice_id, queued=0, done_at=clock.now())
        .on_conflict_do_nothing()
        .returning(SubscriptionFanout.notice_id)
    )
    return db.session.execute(stmt).first() is not None


def fan_out_due(limit: int = 50) -> int:
    """The job's work: fan out each notice still waiting (each in its own transaction, so one
    refused template never holds back the others). Returns texts queued."""
    total = 0
    for notice_id in queries.notices_to_fan_out(limit):
        try:
            total += fan_out(notice_id)
        except Exception:  # one notice's failure must not stop the others; the next tick retries
            log.exception("notice %s: subscription fan-out failed", notice_id)
    return total
