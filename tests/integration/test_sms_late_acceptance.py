"""A provider that accepts a text after the client gave up must not get it twice ([Production]
item 3): a message whose call timed out is looked up, and sent again if not found, only after
the late-acceptance grace."""

from __future__ import annotations

import random
import time

import pytest
from sqlalchemy import select

from app.extensions import db
from config import ConfigError
from notices.sms import sender, services
from notices.sms.models import SmsMessage
from tests.factories import make_notice, make_user
from tests.fake_twilio import make_app, twilio_settings
from tests.pool_factories import register

#: Seconds: the client gives up after TIMEOUT; the fake accepts late texts LATE after the call
#: began (so LATE − TIMEOUT after the client gave up); GRACE outlasts that. LATE is long enough
#: for the sender to come back to a timed-out text before it is accepted: with GRACE = 0 the
#: first test sees a duplicate (checked when it was written).
TIMEOUT, LATE, GRACE = 0.2, 2.5, 3.0


@pytest.fixture
def app(database_url, tmp_path, fake):
    app = make_app(
        database_url,
        tmp_path,
        **twilio_settings(
            fake,
            TWILIO_TIMEOUT=TIMEOUT,
            SMS_SENDING_LEASE_SECONDS=TIMEOUT + 0.2,
            SMS_LATE_ACCEPT_GRACE_SECONDS=GRACE,
            SMS_BACKOFF_BASE_SECONDS=0.01,
            SMS_BACKOFF_CAP_SECONDS=0.05,
            SMS_MAX_ATTEMPTS=6,
        ),
    )
    with app.app_context():
        yield app
        db.session.remove()
        db.engine.dispose()


def _queue(notices: int, people: int = 8) -> list[str]:
    """`notices` notices, each texted to the same `people` contractors (distinct bodies)."""
    staff = make_user("staff")
    contractors = [register(i) for i in range(people)]
    for k in range(notices):
        notice = make_notice(staff)
        services.queue(
            subject_type="notice",
            subject_id=str(notice.id),
            purpose="trading_notice",
            template="trading_notice",
            recipients=[services.Recipient(c.id, c.contact_mobile) for c in contractors],
            values={
                "title": f"{notice.title}（{k + 1}）",
                "category": "建筑工程",
                "deadline": "11月5日",
            },
            notice_id=notice.id,
        )
    db.session.commit()
    return [c.contact_mobile for c in contractors]


def _rows() -> list[SmsMessage]:
    db.session.expire_all()
    return list(db.session.scalars(select(SmsMessage).order_by(SmsMessage.id)))


def test_late_acceptances_and_flaky_calls_give_no_duplicate_and_lose_nothing(app, fake):
    numbers = _queue(5)
    rng = random.Random(20261204)
    # Each programmed failure hits the next call to its number: 8 late acceptances, 4 × 500
    # and 4 × 429, spread over the 40 texts.
    for kind, times in (("late_accept", 8), ("status", 4), ("error", 4)):
        for _ in range(times):
            number = rng.choice(numbers)
            if kind == "late_accept":
                fake.fail_next(kind, seconds=LATE, to=number)
            elif kind == "status":
                fake.fail_next(kind, status=500, to=number)
            else:
                fake.fail_next(kind, code=20429, to=number)

    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        sender.drain(max_seconds=5)
        if all(m.status == "sent" for m in _rows()):
            break
        time.sleep(0.1)

    rows = _rows()
    assert [m.status for m in rows] == ["sent"] * 40
    assert fake.duplicates() == 0
    accepted = {(m["to"], m["body"]): m["sid"] for m in fake.messages}
    assert len(fake.messages) == 40
    assert all(m.provider_id == accepted[(m.to_number, m.body)] for m in rows)
    assert fake.failures == []  # every programmed failure and late acceptance happened


def test_a_timed_out_text_is_not_looked_up_before_the_grace_is_over(app, fake):
    number = _queue(1, people=1)[0]
    fake.fail_next("late_accept", seconds=LATE, to=number)
    first = sender.drain()
    assert first.retried == 1 and fake.creates_to(number) == 0  # not yet accepted
    time.sleep(LATE - TIMEOUT + 0.1)  # the provider accepts it meanwhile
    assert fake.creates_to(number) == 1
    assert sender.drain().claimed == 0  # still inside the grace: nobody looks, nobody sends
    time.sleep(GRACE)
    report = sender.drain()
    assert report.reconciled == 1 and report.sent == 0
    assert fake.creates_to(number) == 1


def test_a_lease_shorter_than_the_client_timeout_stops_start_up(database_url, tmp_path, fake):
    with pytest.raises(ConfigError, match="SMS_SENDING_LEASE_SECONDS"):
        make_app(
            database_url,
            tmp_path,
            **twilio_settings(fake, TWILIO_TIMEOUT=30, SMS_SENDING_LEASE_SECONDS=20),
        )
