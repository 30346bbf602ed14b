"""SMS rules without an app: UCS-2 segments, templates, back-off, error classes, receipts order."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest

from notices.sms import rules

TEMPLATES = Path(__file__).resolve().parents[2] / "templates" / "sms"
SIGNATURE = "【江北区公管办】"
LONG = "宁波市江北区甬江街道畈里塘村" * 14  # 196 characters, about a notice title's 200 limit
#: Variables that are dates, numbers or codes by nature, at their longest possible value; any
#: other variable may be as long as a title.
SHORT = {
    "deadline": "2026年12月31日",
    "code": "P" * 50,  # a trading's code: String(50)
    "rate": "100.00",
    "price": "9999999999.99",
    "days": "365",
    "rank": "9999",
    "count": "9999",
    "minimum": "99",
    "number": "2147483647",  # a case's id
}


@pytest.mark.parametrize(
    ("length", "parts"), [(1, 1), (70, 1), (71, 2), (134, 2), (135, 3), (536, 8), (537, 9)]
)
def test_chinese_text_is_counted_in_ucs2_segments_of_70_then_67(length, parts):
    assert rules.segments("字" * length) == parts


def test_a_character_beyond_the_bmp_takes_two_units():
    assert rules.ucs2_units("𠀀") == 2
    assert rules.segments("字" * 69 + "𠀀") == 2


@pytest.mark.parametrize("path", sorted(TEMPLATES.glob("*.txt")), ids=lambda p: p.stem)
def test_every_template_renders_within_8_segments_with_long_chinese_values(path):
    template = path.read_text(encoding="utf-8").strip()
    rules.check_template(template)
    values = {name: SHORT.get(name, LONG) for name in rules.placeholders(template)}
    text = rules.render(template, values, SIGNATURE)
    assert text.startswith(SIGNATURE)
    assert rules.segments(text) <= rules.MAX_SEGMENTS


def test_a_missing_variable_is_refused_rather_than_sent_half_empty():
    with pytest.raises(rules.TemplateProblem, match="deadline"):
        rules.render("{signature}{project}于{deadline}截止", {"project": "某工程"}, SIGNATURE)
    with pytest.raises(rules.TemplateProblem, match="project"):
        rules.render("{signature}{project}", {"project": "  "}, SIGNATURE)


def test_a_text_beyond_8_segments_is_refused():
    with pytest.raises(rules.TemplateProblem, match="8"):
        rules.render("{signature}{a}{b}{c}", {"a": LONG, "b": LONG, "c": LONG}, SIGNATURE)


@pytest.mark.parametrize(
    "template",
    [
        "{project}已发布",  # no signature first
        "【江北区公管办】{project}",  # the signature must come from the setting
        "{signature}详见 https://example.cn/n/1",
        "{signature}详见 www.example.com",
        "{signature}{% if x %}{project}{% endif %}",
    ],
)
def test_templates_follow_the_mainland_rules(template):
    with pytest.raises(rules.TemplateProblem):
        rules.check_template(template)


def test_values_may_carry_no_url_and_no_second_signature():
    with pytest.raises(rules.TemplateProblem, match="网址"):
        rules.render("{signature}{project}", {"project": "见 http://x.cn"}, SIGNATURE)
    text = rules.render("{signature}{project}", {"project": "【假签名】工程"}, SIGNATURE)
    assert text == SIGNATURE + "[假签名]工程"


@pytest.mark.parametrize(
    "signature", ["江北区公管办", "【】", "【江北区公管办】x", "【很长很长很长很长很长很长的签名】"]
)
def test_a_malformed_signature_is_refused(signature):
    with pytest.raises(rules.TemplateProblem):
        rules.render("{signature}通知", {}, signature)


def test_backoff_doubles_from_the_base_up_to_the_cap():
    waits = [rules.backoff(n, base_seconds=30, cap_seconds=600) for n in range(1, 7)]
    assert waits == [timedelta(seconds=s) for s in (30, 60, 120, 240, 480, 600)]
    assert rules.backoff(1000, base_seconds=30, cap_seconds=600) == timedelta(seconds=600)


@pytest.mark.parametrize(
    ("status", "code", "kind"),
    [
        (400, 21211, rules.PERMANENT),
        (400, 21610, rules.PERMANENT),
        (400, 21614, rules.PERMANENT),
        (400, 21408, rules.PERMANENT),
        (429, 20429, rules.TRANSIENT),
        (429, None, rules.TRANSIENT),
        (500, None, rules.AMBIGUOUS),
        (503, None, rules.AMBIGUOUS),
        (401, 20003, rules.TRANSIENT),
        (400, 21604, rules.PERMANENT),
        (None, None, rules.AMBIGUOUS),
    ],
)
def test_errors_are_classified_as_transient_ambiguous_or_permanent(status, code, kind):
    assert rules.classify(status, code).kind == kind


def test_a_timeout_is_ambiguous_because_the_provider_may_have_accepted_the_message():
    assert rules.classify(None, None, timed_out=True).kind == rules.AMBIGUOUS


def test_receipts_never_move_a_message_backwards():
    assert rules.status_after_receipt("sent", "delivered") == "delivered"
    assert rules.status_after_receipt("sent", "undelivered") == "failed"
    assert rules.status_after_receipt("sending", "sent") == "sent"
    assert rules.status_after_receipt("delivered", "sent") is None
    assert rules.status_after_receipt("delivered", "failed") is None
    assert rules.status_after_receipt("sent", "queued") is None
    assert rules.status_after_receipt("failed", "delivered") == "delivered"


def test_mobiles_are_masked_for_staff():
    assert rules.mask_mobile("+8613805740001") == "138****0001"


def test_only_a_backend_that_reports_delivery_promises_receipts():
    from notices.sms import backends

    assert backends.gives_receipts({}) is False  # the console default
    assert backends.gives_receipts({"SMS_BACKEND": "console"}) is False
    assert backends.gives_receipts({"SMS_BACKEND": "twilio"}) is True
    assert backends.ConsoleBackend.receipts is False and backends.TwilioBackend.receipts is True
