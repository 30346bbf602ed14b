"""The sender through the REAL twilio client against the fake Twilio server: exactly once,
retries with back-off, reconcile before any retry, permanent errors, capped attempts, and two
senders in parallel on PostgreSQL."""

from __future__ import annotations

import threading
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from app import clock
from app.extensions import db
from notices.sms import sender, services
from notices.sms.models import SmsMessage
from tests.factories import make_user, queue_notice_texts
from tests.fake_twilio import MESSAGING_SERVICE_SID, SLOW
from tests.pool_factories import at, register


@pytest.fixture
def app(twilio_app):
    """Every test here runs with the twilio backend pointed at the fake server."""
    return twilio_app


def queue_to(n: int, *, first: int = 0) -> list[SmsMessage]:
    """A published notice and one queued message to each of `n` new contractors."""
    clock.set_now(at(2026, 11, 2, 9, 0))
    staff = make_user("staff")
    queue_notice_texts(staff, [register(first + i) for i in range(n)])
    db.session.commit()
    return messages()


def messages() -> list[SmsMessage]:
    db.session.expire_all()
    return list(db.session.scalars(select(SmsMessage).order_by(SmsMessage.id)))


def one() -> SmsMessage:
    (m,) = messages()
    return m


def test_each_queued_message_is_sent_once_through_the_real_client(app, fake):
    queued = queue_to(3)
    report = sender.drain()
    assert report.sent == 3
    for m in messages():
        assert m.status == "sent" and m.attempts == 1
        assert fake.creates_to(m.to_number) == 1
        sent = fake.by_sid(m.provider_id)
        assert sent["body"] == m.body and sent["body"].startswith("【江北区公管办】")
        assert sent["messaging_service_sid"] == MESSAGING_SERVICE_SID
        assert sent["status_callback"] == f"http://testserver/sms/status?m={m.id}"
    assert {m.to_number for m in queued} == {m["to"] for m in fake.messages}
    assert sender.drain().claimed == 0  # nothing left: a second tick sends nothing


def test_429_500_and_timeouts_are_retried_with_growing_backoff_and_sent_once(app, fake):
    m = queue_to(1)[0]
    fake.fail_next("status", status=429)
    fake.fail_next("status", status=500)
    fake.fail_next("timeout", seconds=SLOW)

    sender.drain()
    m = one()
    assert (m.status, m.attempts, m.error_message) == ("queued", 1, "发送过于频繁")
    assert m.next_attempt_at == clock.now() + timedelta(seconds=30)
    assert sender.drain().claimed == 0  # backing off: not due yet

    clock.advance(timedelta(seconds=31))
    sender.drain()
    m = one()  # a 500 may hide an accepted message: it stays `sending` until looked up
    assert (m.status, m.attempts) == ("sending", 2)
    assert m.next_attempt_at == clock.now() + timedelta(seconds=60)

    clock.advance(timedelta(seconds=61))
    sender.drain()
    m = one()
    assert (m.status, m.attempts, m.error_code) == ("sending", 3, "timeout")
    assert m.next_attempt_at == clock.now() + timedelta(seconds=120)

    clock.advance(timedelta(seconds=121))
    sender.drain()
    m = one()
    assert (m.status, m.attempts) == ("sent", 4)
    assert fake.creates_to(m.to_number) == 1
    lookups = [p for method, p in fake.requests if method == "GET"]
    assert len(lookups) == 2 and all("To=%2B86" in p and "DateSent%3E" in p for p in lookups)


def test_a_timeout_after_the_server_accepted_is_reconciled_and_never_sent_again(app, fake):
    m = queue_to(1)[0]
    fake.fail_next("accept_then_timeout", seconds=SLOW)
    sender.drain()
    m = one()
    assert m.status == "sending" and m.provider_id is None
    assert fake.creates_to(m.to_number) == 1

    # Not looked up before the provider's late-acceptance grace is over (a look-up now could
    # miss an acceptance still to come, and send again).
    clock.advance(timedelta(seconds=31))
    assert sender.drain().claimed == 0
    clock.advance(timedelta(seconds=app.config["SMS_LATE_ACCEPT_GRACE_SECONDS"]))
    report = sender.drain()
    m = one()
    assert report.reconciled == 1 and report.sent == 0
    assert m.status == "sent" and m.attempts == 1
    assert m.provider_id == fake.messages[0]["sid"]
    assert fake.creates_to(m.to_number) == 1  # found, not sent a second time


def test_a_sender_that_died_mid_send_is_reconciled_after_its_lease(app, fake):
    queue_to(1)
    _token, rows = sender.claim(10, timedelta(seconds=120))
    from notices.sms.backends import backend_from_config

    backend_from_config(app.config).send(rows[0].to_number, rows[0].body, callback_url=None)
    # …and the process dies here, before writing "sent".
    clock.advance(timedelta(seconds=60))
    assert sender.drain().claimed == 0  # its lease still holds
    clock.advance(timedelta(seconds=61))
    report = sender.drain()
    m = one()
    assert report.reconciled == 1 and m.status == "sent" and m.attempts == 1
    assert fake.creates_to(m.to_number) == 1


@pytest.mark.parametrize(
    ("code", "reason"),
    [
        (21211, "号码无效"),
        (21610, "号码已退订"),
        (21614, "不是手机号码"),
        (21408, "未开通该地区发送权限"),
    ],
)
def test_permanent_codes_make_the_message_undeliverable_with_the_reason(app, fake, code, reason):
    queue_to(1)
    fake.fail_next("error", code=code)
    sender.drain()
    m = one()
    assert (m.status, m.error_code, m.error_message) == ("undeliverable", str(code), reason)
    clock.advance(timedelta(days=1))
    assert sender.drain().claimed == 0
    assert fake.messages == []


def test_twilio_20429_is_retried_later(app, fake):
    queue_to(1)
    fake.fail_next("error", code=20429)
    sender.drain()
    assert one().status == "queued"
    clock.advance(timedelta(seconds=31))
    sender.drain()
    assert one().status == "sent" and len(fake.messages) == 1


@pytest.mark.parametrize(
    "failure", [{"kind": "status", "status": 429}, {"kind": "status", "status": 503}]
)
def test_attempts_are_capped(app, fake, failure):
    m = queue_to(1)[0]
    fake.fail_next(times=20, **failure)
    for _ in range(10):
        sender.drain()
        clock.advance(timedelta(minutes=15))
    m = one()
    assert m.status == "failed" and m.attempts == 4
    posts = [p for method, p in fake.requests if method == "POST"]
    assert len(posts) == 4 and fake.messages == []


def test_a_message_accepted_under_the_cap_is_found_not_failed(app, fake):
    queue_to(1)
    fake.fail_next("status", status=503, times=3)
    fake.fail_next("accept_then_timeout", seconds=SLOW)
    for _ in range(8):
        sender.drain()
        clock.advance(timedelta(minutes=15))
    m = one()
    assert m.status == "sent" and m.attempts == 4 and len(fake.messages) == 1


def test_the_rate_limit_paces_the_calls(app, fake):
    app.config["SMS_RATE_PER_SECOND"] = 20
    queue_to(6)
    import time

    started = time.monotonic()
    sender.drain()
    assert time.monotonic() - started >= 5 / 20
    assert all(m.status == "sent" for m in messages())


def test_two_senders_in_parallel_on_postgresql_never_send_one_message_twice(
    app, fake, database_url
):
    if not database_url.startswith("postgresql"):
        pytest.skip("SKIP LOCKED is PostgreSQL's; run one sender on SQLite")
    clock.set_now(at(2026, 11, 2, 9, 0))
    queue_to(8)
    # 8 contractors → widen to 240 rows: the same recipients under many subjects.
    rows = messages()
    for subject in range(1, 30):
        services.queue(
            subject_type="test",
            subject_id=str(subject),
            purpose="trading_notice",
            template="trading_notice",
            recipients=[services.Recipient(m.contractor_id, m.to_number) for m in rows],
            values={
                "title": f"第{subject}号工程交易公告",
                "category": "建筑工程",
                "deadline": "11月5日",
            },
        )
    db.session.commit()
    total = db.session.scalar(select(func.count(SmsMessage.id)))
    assert total == 240
    errors: list[BaseException] = []

    def run():
        try:
            with app.app_context():
                sender.drain(batch=7)
        except BaseException as e:
            errors.append(e)

    threads = [threading.Thread(target=run) for _ in range(3)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    assert len(fake.messages) == 240 and fake.duplicates() == 0
    assert {m.status for m in messages()} == {"sent"}
