"""SMS over HTTP: Twilio's signed status callbacks, and the staff page of a notice's messages."""

from __future__ import annotations

import re
from urllib.parse import urlsplit

import pytest
from sqlalchemy import select

from app import clock
from app.extensions import db
from notices.sms import sender, services
from notices.sms.models import SmsMessage
from tests.factories import Browser, make_notice, make_user, queue_notice_texts, signed_in
from tests.fake_twilio import SLOW
from tests.pool_factories import at, register


@pytest.fixture
def app(twilio_app):
    """Every test here runs with the twilio backend pointed at the fake server."""
    return twilio_app


@pytest.fixture
def sent(app, fake):
    """A published notice whose 3 messages went out through the fake Twilio."""
    clock.set_now(at(2026, 11, 2, 9, 0))
    notice = queue_notice_texts(make_user("staff"), [register(i) for i in range(3)])
    db.session.commit()
    sender.drain()
    return notice


def rows() -> list[SmsMessage]:
    db.session.expire_all()
    return list(db.session.scalars(select(SmsMessage).order_by(SmsMessage.id)))


def poster(browser: Browser):
    def post(url, params, headers):
        parts = urlsplit(url)
        return browser.open(f"{parts.path}?{parts.query}", "POST", data=params, headers=headers)

    return post


def test_signed_callbacks_mark_messages_delivered_or_failed_without_a_csrf_token(
    app, fake, sent, client
):
    first, second, _third = rows()
    assert fake.callback(first.provider_id, "delivered", poster(client)).status_code == 200
    r = fake.callback(second.provider_id, "undelivered", poster(client), error_code="30003")
    assert r.status_code == 200
    first, second, third = rows()
    assert first.status == "delivered" and first.delivered_at == clock.now()
    assert (second.status, second.error_code) == ("failed", "30003")
    assert third.status == "sent"
    # A late "sent" never undoes "delivered".
    fake.callback(first.provider_id, "sent", poster(client))
    assert rows()[0].status == "delivered"


def test_a_bad_signature_is_refused_with_403_and_changes_nothing(app, fake, sent, client):
    m = rows()[0]
    r = fake.callback(m.provider_id, "delivered", poster(client), token="not-the-token")
    assert r.status_code == 403
    r = client.open(
        f"/sms/status?m={m.id}",
        "POST",
        data={"MessageSid": m.provider_id, "MessageStatus": "delivered"},
    )
    assert r.status_code == 403
    assert rows()[0].status == "sent"


def test_a_callback_for_an_unknown_message_is_answered_200_and_changes_nothing(
    app, fake, sent, client
):
    m = rows()[0]
    fake.messages.append({**fake.by_sid(m.provider_id), "sid": "SM" + "f" * 32})
    before = [(x.id, x.status) for x in rows()]
    assert fake.callback("SM" + "f" * 32, "delivered", poster(client)).status_code == 200
    assert [(x.id, x.status) for x in rows()] == before


def test_a_receipt_that_outruns_the_senders_commit_is_matched_by_our_id(app, fake, client):
    clock.set_now(at(2026, 11, 2, 9, 0))
    notice = make_notice(make_user("staff"))
    c = register(0)
    services.queue(
        subject_type="notice",
        subject_id=str(notice.id),
        purpose="trading_notice",
        template="trading_notice",
        recipients=[services.Recipient(c.id, c.contact_mobile)],
        values={"title": notice.title, "category": "建筑工程", "deadline": "11月5日"},
        notice_id=notice.id,
    )
    db.session.commit()
    fake.fail_next("accept_then_timeout", seconds=SLOW)
    sender.drain()
    assert rows()[0].status == "sending"
    fake.callback(fake.messages[0]["sid"], "delivered", poster(client))
    m = rows()[0]
    assert (m.status, m.provider_id) == ("delivered", fake.messages[0]["sid"])


def test_staff_see_each_recipient_masked_with_status_totals_and_progress(app, fake, sent, client):
    fake.callback(rows()[0].provider_id, "delivered", poster(client))
    staff = signed_in(app, "staff")
    page = staff.html(f"/staff/notices/{sent.id}/sms")
    assert "138****0000" in page and "13805740000" not in page
    assert "宁波测试建设有限公司1" in page
    assert 'value="100"' in page  # progress: nothing waits
    assert "已送达" in page and "已发出" in page
    assert "当前短信通道不提供送达回执" not in page  # twilio reports delivery
    first_row = page.split("<tbody>")[1].split("</tr>")[0]
    delivered_cell = re.split(r"<td\b[^>]*>", first_row)[5]
    assert delivered_cell.startswith("1<"), delivered_cell
    assert "重发" not in page  # nothing to re-send
    assert signed_in(app, "contractor").get(f"/staff/notices/{sent.id}/sms").status_code == 403
    assert Browser(app).get(f"/staff/notices/{sent.id}/sms").status_code == 302


def test_staff_resend_failed_messages_by_hand_with_a_csrf_token(app, fake, sent, client):
    m = rows()[1]
    fake.callback(m.provider_id, "failed", poster(client), error_code="30008")
    staff = signed_in(app, "staff")
    page = staff.html(f"/staff/notices/{sent.id}/sms")
    assert "重发未送达的短信（1条）" in page and "30008" in page
    assert staff.post(f"/staff/notices/{sent.id}/sms/resend", token=False).status_code == 400
    assert rows()[1].status == "failed"
    r = staff.submit(
        f"/staff/notices/{sent.id}/sms/resend", form_page=f"/staff/notices/{sent.id}/sms"
    )
    assert r.status_code == 302
    again = rows()[1]
    assert (again.status, again.resends, again.attempts) == ("queued", 1, 0)
    sender.drain()
    assert rows()[1].status == "sent" and fake.creates_to(m.to_number) == 2


def test_the_public_notice_shows_counts_only(app, fake, sent, client):
    fake.callback(rows()[0].provider_id, "delivered", poster(client))
    page = client.html(f"/notices/{sent.id}")
    assert "已短信通知 3 家入围企业，其中 1 家已确认送达" in page
    assert "1380574" not in page and "宁波测试建设有限公司" not in page


def test_a_notice_without_sms_shows_no_proof_line(app):
    clock.set_now(at(2026, 11, 2, 9, 0))
    notice = make_notice(make_user("staff"))
    assert "已短信通知" not in Browser(app).html(f"/notices/{notice.id}")
