"""Notice subscriptions (我的订阅): a company subscribes to categories × notice types and is
texted each matching new notice — once, through the real twilio client against the fake server —
and not for others; a retried or raced fan-out adds nothing; stopping is one call; a sanction,
a stopped subscription and a pool member already told by the procedure get no subscription text;
optional texts are claimed after mandatory ones."""

from __future__ import annotations

import threading
from datetime import date

import pytest
from sqlalchemy import delete, func, select

from app import clock
from app.audit import AuditEntry
from app.extensions import db
from contractors.queries import active_members
from lottery.demo import uscc
from notices.sms import rules as sms_rules
from notices.sms import sender
from notices.sms import services as sms
from notices.sms.models import SmsMessage
from notices.subscriptions import queries, services
from notices.subscriptions.errors import NoMobile, SubscriptionError
from notices.subscriptions.models import Subscription, SubscriptionFanout
from notices.subscriptions.rules import Choice, SubscriptionState
from tests.factories import at_once, make_notice, make_user, plain_actor, use_cheap_password_hashes
from tests.pool_factories import at, register, user_of
from tests.trading_factories import active_pool, announced

JZ_TRADING = Choice(False, ("JZ",), False, ("trading_notice",))
EVERYTHING = Choice(True, (), True, ())


@pytest.fixture(autouse=True)
def _cheap_hashes(monkeypatch):
    use_cheap_password_hashes(monkeypatch)


@pytest.fixture
def app(twilio_app):
    """The twilio backend pointed at the fake server (tests/fake_twilio.py)."""
    return twilio_app


def subscribed(n: int, choice: Choice, **overrides):
    """A new company (not a pool member) whose account subscribes on 11-25."""
    clock.set_now(at(2026, 11, 25, 9, 0))
    company = register(n, **overrides)
    services.subscribe(company.user_id, choice, actor=user_of(company))
    return company


def texts(purpose: str = services.PURPOSE) -> list[SmsMessage]:
    db.session.expire_all()
    return list(
        db.session.scalars(
            select(SmsMessage).where(SmsMessage.purpose == purpose).order_by(SmsMessage.id)
        )
    )


@pytest.fixture
def world():
    phase = active_pool()
    owner = make_user("owner")
    return phase, owner


def test_a_matching_notice_is_texted_once_through_twilio_and_a_non_matching_one_is_not(
    app, fake, world
):
    phase, owner = world
    wanted = subscribed(5, JZ_TRADING)
    other_category = subscribed(6, Choice(False, ("SZ",), True, ()))
    other_type = subscribed(7, Choice(True, (), False, ("policy",)))
    announced(phase, owner)

    assert services.fan_out_due() == 1
    (text,) = texts()
    assert text.contractor_id == wanted.id and text.to_number == wanted.contact_mobile
    assert text.priority == sms_rules.PRIORITY_OPTIONAL
    assert "退订请登录平台“我的订阅”页" in text.body and text.body.startswith("【江北区公管办】")
    assert "交易公告" in text.body and text.segments <= 2
    assert {other_category.id, other_type.id}.isdisjoint({m.contractor_id for m in texts()})

    sender.drain()
    sent = [m for m in fake.messages if m["to"] == wanted.contact_mobile]
    assert len(sent) == 1 and "退订" in sent[0]["body"]
    assert not [m for m in fake.messages if m["to"] == other_category.contact_mobile]

    # The policy the third one asked for is texted to it alone.
    clock.set_now(at(2026, 11, 27, 11, 0))
    policy = make_notice(phase.staff, type="policy", title="关于小型工程交易的补充通知")
    db.session.commit()
    assert services.fan_out(policy.id) == 1
    assert [m.contractor_id for m in texts() if m.notice_id == policy.id] == [other_type.id]


def test_a_retried_or_reset_fan_out_never_texts_a_subscriber_twice(app, world):
    phase, owner = world
    subscribed(5, EVERYTHING)
    _project, _t = announced(phase, owner)
    assert services.fan_out_due() == 1
    assert services.fan_out_due() == 0  # the notice's fan-out is recorded
    notice_id = texts()[0].notice_id
    assert services.fan_out(notice_id) == 0
    # Even with its record gone, the outbox's unique key holds.
    db.session.execute(delete(SubscriptionFanout))
    db.session.commit()
    assert services.fan_out(notice_id) == 0
    assert len(texts()) == 1


def test_a_pool_member_told_by_the_procedure_gets_no_second_text_about_the_same_notice(app, world):
    phase, owner = world
    member = active_members("JZ", date(2026, 11, 25))[0]
    clock.set_now(at(2026, 11, 25, 9, 0))
    services.subscribe(user_of_id(member.contractor_id), EVERYTHING)
    _project, _t = announced(phase, owner)
    services.fan_out_due()
    assert texts() == []
    mandatory = texts(sms.NOTICE_PURPOSE)
    assert member.contractor_id in {m.contractor_id for m in mandatory}


def user_of_id(contractor_id: int) -> int:
    from contractors.models import Contractor

    return db.session.get(Contractor, contractor_id).user_id


def test_a_stopped_subscription_gets_nothing_and_a_restart_only_what_follows(app, world):
    phase, owner = world
    company = subscribed(5, EVERYTHING)
    services.stop(company.user_id, actor=user_of(company))
    sub = queries.subscription_of(company.user_id)
    assert queries.state_of(sub) is SubscriptionState.STOPPED
    _project, _t = announced(phase, owner)
    assert services.fan_out_due() == 0
    with pytest.raises(SubscriptionError):
        services.stop(company.user_id)  # nothing left to stop: refused, nothing written
    services.subscribe(company.user_id, EVERYTHING)
    assert services.fan_out_due() == 0  # the notice before the restart is not texted
    clock.set_now(at(2026, 11, 27, 12, 0))
    policy = make_notice(phase.staff, type="policy", title="办事指南")
    db.session.commit()
    assert services.fan_out_due() == 1
    assert texts()[0].notice_id == policy.id


def test_a_suspended_company_gets_no_subscription_text(app, world):
    from contractors.sanctions import services as sanctions
    from tests.sanction_factories import decision

    phase, owner = world
    company = subscribed(5, EVERYTHING)
    clock.set_now(at(2026, 11, 2, 10, 0))
    case = sanctions.open_case(company.id, "incident", "质量事故", actor=phase.staff)
    clock.set_now(at(2026, 11, 10, 10, 0))
    values = {"starts_on": date(2026, 11, 10), "months": 1}
    sanctions.decide(case.id, decision(**values), actor=phase.staff)
    _project, _t = announced(phase, owner)
    assert services.fan_out_due() == 0


def test_an_account_without_a_mobile_cannot_subscribe_and_nothing_is_written(app):
    staff = make_user("staff")
    before = db.session.scalar(select(func.count(AuditEntry.seq)))
    with pytest.raises(NoMobile):
        services.subscribe(staff.id, EVERYTHING, actor=staff)
    assert db.session.scalar(select(func.count(Subscription.id))) == 0
    assert db.session.scalar(select(func.count(AuditEntry.seq))) == before


def test_the_audit_keeps_the_choice_and_never_the_number(app):
    company = subscribed(5, JZ_TRADING)
    entry = db.session.scalars(
        select(AuditEntry).where(AuditEntry.action == "subscription:changed")
    ).one()
    assert company.contact_mobile not in str(entry.after) and "JZ" in str(entry.after)


def test_saving_the_same_choice_again_writes_nothing_and_a_change_one_entry(app):
    company = subscribed(5, JZ_TRADING)

    def entries() -> int:
        return db.session.scalar(
            select(func.count())
            .select_from(AuditEntry)
            .where(AuditEntry.action == "subscription:changed")
        )

    assert entries() == 1
    for _ in range(20):
        services.subscribe(company.user_id, Choice(False, ("JZ",), False, ("trading_notice",)))
    assert entries() == 1
    services.subscribe(company.user_id, EVERYTHING)
    assert entries() == 2
    services.stop(company.user_id)
    services.subscribe(company.user_id, EVERYTHING)  # a restart is a change
    assert entries() == 3
    assert queries.state_of(queries.subscription_of(company.user_id)) == SubscriptionState.ACTIVE


def test_unknown_codes_are_refused_with_a_message_and_nothing_changes(app):
    company = subscribed(5, JZ_TRADING)
    for choice in (
        Choice(False, ("NOPE",), True, ()),
        Choice(True, (), False, ("x" * 10_000,)),
        Choice(False, (), True, ()),
        Choice(False, tuple(f"C{i}" for i in range(100)), True, ()),
    ):
        with pytest.raises(SubscriptionError):
            services.subscribe(company.user_id, choice)
    db.session.expire_all()
    assert queries.choice_of(queries.subscription_of(company.user_id)) == JZ_TRADING


def test_mandatory_messages_are_claimed_before_optional_ones(app, world):
    phase, owner = world
    subscribed(5, EVERYTHING)
    clock.set_now(at(2026, 11, 27, 9, 0))
    policy = make_notice(phase.staff, type="policy", title="办事指南")
    db.session.commit()
    services.fan_out(policy.id)
    # Queued later, claimed first.
    _project, _t = announced(phase, owner)
    _token, claimed = sender.claim(3, sms_rules.backoff(1))
    assert {m.priority for m in claimed} == {sms_rules.PRIORITY_MANDATORY}


def test_twenty_concurrent_fan_outs_on_postgresql_queue_each_text_once(app, database_url, world):
    if not database_url.startswith("postgresql"):
        pytest.skip("concurrent writers need PostgreSQL")
    phase, _owner = world
    companies = [
        subscribed(
            5,
            EVERYTHING,
            uscc=uscc(f"MA3{i:04d}6"),
            name=f"订阅测试建设有限公司{i}",
            contact_mobile=f"1390574{i:04d}",
        )
        for i in range(20)
    ]
    clock.set_now(at(2026, 11, 27, 9, 0))
    policy = make_notice(phase.staff, type="policy", title="办事指南")
    db.session.commit()
    now, notice_id = clock.now(), policy.id  # read here: the threads must not touch this session
    results, errors = [], []
    barrier = threading.Barrier(20)

    def run():
        try:
            with app.app_context():
                clock.set_now(now)
                barrier.wait()
                results.append(services.fan_out(notice_id))
                db.session.remove()
        except BaseException as e:  # reported below
            errors.append(e)

    threads = [threading.Thread(target=run) for _ in range(20)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    assert sum(results) == len(companies)
    assert len(texts()) == len(companies)


def test_a_choice_saved_from_a_page_loaded_before_a_stop_restarts_the_subscription(app):
    # The page loads the subscription, then the service locks it — and the lock did not refresh
    # the page's copy: saved again after a stop from another tab, the same choice read as active
    # and unchanged, nothing was written, and the page said 订阅已保存 over a stopped subscription.
    company = subscribed(5, JZ_TRADING)
    user_id, actor = company.user_id, plain_actor(user_of(company))
    held = queries.subscription_of(user_id)  # the subscription page's copy, active
    assert held.stopped_at is None
    assert at_once(app, lambda i: services.stop(user_id, actor=actor), 1) == [("done", "")]
    services.subscribe(user_id, JZ_TRADING, actor=user_of(company))
    db.session.expire_all()
    assert queries.state_of(queries.subscription_of(user_id)) == SubscriptionState.ACTIVE
