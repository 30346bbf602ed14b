"""Fan-out of a trading notice to its category's active pool members: one message each, in the
notice's transaction, idempotent; a refused template refuses the event; start-up checks."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from app import clock
from app.audit import AuditEntry, verify_chain
from app.extensions import db
from app.transactions import transactional
from config import ConfigError
from contractors import queries
from contractors import services as pool_services
from contractors.models import PoolSelection
from notices import services as notices
from notices.models import Notice
from notices.sms import sender, services
from notices.sms.errors import SmsTemplateError
from notices.sms.models import SmsMessage
from tests.factories import default_district, make_user, signed_in
from tests.fake_twilio import make_app
from tests.pool_factories import Phase, at, company, register


def pool() -> Phase:
    """Procedure A to the roster: 建筑工程 3 members + 1 reserve (+1 failed), 市政公用工程 2."""
    p = Phase()
    p.draft_and_consult()
    p.publish_call()
    p.applicants()
    p.review()
    p.publish_review()
    p.meeting()
    p.roster_publicity()
    p.roster()
    clock.set_now(at(2026, 11, 2, 9, 30))
    return p


@transactional
def publish_trading_notice(category: str, *, actor, notice_type: str = "trading_notice"):
    """What the Trading issue will do: publish the notice and queue its SMS in one transaction."""
    notice = notices.publish_new(
        notices.NoticeInput(
            type=notice_type,
            title="甬江街道畈里塘村道路硬化工程交易公告",
            issuing_body="区公共资源交易管理办公室",
            legal_basis="小型建设工程交易规则第九条（交易公告不少于3个工作日）",
            office_id=default_district().id,
        ),
        actor=actor,
    )
    pool_services.notify_category(notice, category, actor=actor)
    return notice


def sms_rows() -> list[SmsMessage]:
    db.session.expire_all()
    return list(db.session.scalars(select(SmsMessage).order_by(SmsMessage.id)))


def test_a_trading_notice_queues_one_message_per_active_member_of_its_category_only(app):
    p = pool()
    notice = publish_trading_notice("JZ", actor=p.staff)
    members = queries.active_members("JZ")
    rows = sms_rows()
    assert len(members) == 3 and len(rows) == 3
    assert sorted(m.contractor_id for m in rows) == sorted(m.contractor_id for m in members)
    assert {m.to_number for m in rows} == {m.mobile for m in members}
    reserves = db.session.scalars(
        select(PoolSelection.contractor_id).where(PoolSelection.status == "reserve")
    ).all()
    assert reserves and not set(reserves) & {m.contractor_id for m in rows}
    failed = next(c for c in p.contractors if c.uscc == company(4))
    assert failed.id not in {m.contractor_id for m in rows}
    for m in rows:
        assert (m.status, m.notice_id, m.purpose) == ("queued", notice.id, "trading_notice")
        assert m.body.startswith(
            "【江北区公管办】甬江街道畈里塘村道路硬化工程交易公告已发布（类别：建筑工程），公示期至11月5日"
        )
        assert "公示期至11月5日" in m.body and "http" not in m.body
    audit = db.session.scalars(select(AuditEntry).where(AuditEntry.action == "sms:queued")).one()
    assert audit.after == {"category": "JZ", "members": 3, "queued": 3}
    assert verify_chain().ok


def test_members_of_another_category_are_not_told(app):
    p = pool()
    publish_trading_notice("SZ", actor=p.staff)
    rows = sms_rows()
    assert sorted(m.contractor_id for m in rows) == sorted(
        c.id for c in p.contractors if c.uscc in (company(0), company(1))
    )


def test_notifying_the_same_notice_again_queues_nothing_new(app):
    p = pool()
    notice = publish_trading_notice("JZ", actor=p.staff)
    before = [(m.id, m.recipient) for m in sms_rows()]
    assert pool_services.notify_category(notice, "JZ", actor=p.staff) == 0
    db.session.commit()
    assert [(m.id, m.recipient) for m in sms_rows()] == before
    # The database holds the key too, not only the service.
    m = sms_rows()[0]
    db.session.add(
        SmsMessage(
            subject_type=m.subject_type,
            subject_id=m.subject_id,
            recipient=m.recipient,
            purpose=m.purpose,
            to_number=m.to_number,
            template=m.template,
            body=m.body,
            segments=m.segments,
            next_attempt_at=clock.now(),
            queued_at=clock.now(),
            updated_at=clock.now(),
        )
    )
    with pytest.raises(IntegrityError):
        db.session.flush()
    db.session.rollback()


def test_a_missing_template_variable_refuses_the_event_and_nothing_is_written(app):
    p = pool()
    notices_before = db.session.scalar(select(func.count(Notice.id)))
    audit_before = db.session.scalar(select(func.count(AuditEntry.id)))
    # A policy has no publicity, so the template's {deadline} would be empty.
    with pytest.raises(SmsTemplateError, match="deadline"):
        publish_trading_notice("JZ", actor=p.staff, notice_type="policy")
    assert sms_rows() == []
    assert db.session.scalar(select(func.count(Notice.id))) == notices_before
    assert db.session.scalar(select(func.count(AuditEntry.id))) == audit_before


def test_the_console_backend_marks_the_fan_out_sent_and_the_public_page_shows_the_proof(
    app, client
):
    p = pool()
    notice = publish_trading_notice("JZ", actor=p.staff)
    assert app.config["SMS_BACKEND"] == "console"
    report = sender.drain()
    assert report.sent == 3 and {m.status for m in sms_rows()} == {"sent"}
    page = client.html(f"/notices/{notice.id}")
    # The console backend gives no receipts: never "0 confirmed", which reads as a failure.
    assert "已短信通知 3 家入围企业（当前短信通道不提供送达回执）" in page
    assert "确认送达" not in page
    assert "138" not in page.split("sms-proof")[1][:200]
    client.client.set_cookie("lang", "en")
    english = client.html(f"/notices/{notice.id}")
    assert "3 pool members were notified by SMS (the current SMS channel gives no delivery" in (
        english
    )
    staff = signed_in(app, "staff")
    listing = staff.html(f"/staff/notices/{notice.id}/sms")
    assert "当前短信通道不提供送达回执" in listing
    delivered_cell = re.split(r"<td\b[^>]*>", listing.split("<tbody><tr>")[1].split("</tr>")[0])[5]
    assert delivered_cell.startswith("—"), delivered_cell  # the receipt column: no figure


def test_the_console_backend_is_not_paced_it_calls_no_provider(app, monkeypatch):
    """SMS_RATE_PER_SECOND spares a provider's API; the console calls none, so the demo's
    messages go at once (tests/integration/test_sms_sending.py paces the Twilio client)."""
    app.config["SMS_RATE_PER_SECOND"] = 1  # a second between calls, were they paced
    p = pool()
    publish_trading_notice("JZ", actor=p.staff)
    slept = []
    monkeypatch.setattr(sender.time, "sleep", slept.append)
    report = sender.drain()
    assert report.sent == 3 and slept == []


def test_optional_messages_go_only_to_contractors_who_opted_in(app):
    clock.set_now(at(2026, 11, 2, 9, 0))
    a, b = register(0), register(1)
    services.set_optional_messages(a.id, True, actor="test")
    added = services.queue_optional(
        subject_type="notice",
        subject_id="1",
        purpose="reminder",
        template="reminder",
        recipients=[
            services.Recipient(a.id, a.contact_mobile),
            services.Recipient(b.id, b.contact_mobile),
        ],
        values={"project": "某村道路工程", "deadline": "11月5日"},
    )
    db.session.commit()
    assert added == 1 and [m.contractor_id for m in sms_rows()] == [a.id]


def test_sms_backend_twilio_without_credentials_stops_start_up(database_url, tmp_path):
    with pytest.raises(ConfigError, match="TWILIO_ACCOUNT_SID, TWILIO_AUTH_TOKEN"):
        make_app(
            database_url,
            tmp_path,
            SMS_BACKEND="twilio",
            TWILIO_ACCOUNT_SID=None,
            TWILIO_AUTH_TOKEN=None,
            TWILIO_FROM=None,
            TWILIO_MESSAGING_SERVICE_SID=None,
        )
    with pytest.raises(ConfigError, match="TWILIO_MESSAGING_SERVICE_SID or TWILIO_FROM"):
        make_app(
            database_url,
            tmp_path,
            SMS_BACKEND="twilio",
            TWILIO_ACCOUNT_SID="AC" + "0" * 32,
            TWILIO_AUTH_TOKEN="x",
            TWILIO_FROM=None,
            TWILIO_MESSAGING_SERVICE_SID=None,
        )
    with pytest.raises(ConfigError, match="SMS_BACKEND"):
        make_app(database_url, tmp_path, SMS_BACKEND="carrier-pigeon")


def test_the_scheduler_never_starts_in_tests_and_knows_the_sms_tick(app):
    from app.scheduler import ticks

    assert "scheduler" not in app.extensions
    assert [t.id for t in ticks(app)] == [
        "sms-send",
        "subscriptions-fanout",
        "uploads-sweep",
        "form-claims-prune",
    ]
    make_user("staff")  # the app is usable as ever
