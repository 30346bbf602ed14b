"""Pure subscription rules: states, the checks of a choice, matching, and the SMS title whose
text stays within two SMS parts."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest

from notices.sms import rules as sms_rules
from notices.subscriptions import rules
from notices.subscriptions.rules import Choice, SubscriptionRefused, SubscriptionState

KNOWN_CATEGORIES = ("JZ", "SZ")
KNOWN_TYPES = ("trading_notice", "policy")
TEMPLATE = (Path(__file__).parents[2] / "templates" / "sms" / "subscription.txt").read_text(
    encoding="utf-8"
)


def test_a_subscription_is_none_active_or_stopped():
    assert rules.state_of(rules.SubscriptionFacts(False, None)) is SubscriptionState.NONE
    assert rules.state_of(rules.SubscriptionFacts(True, None)) is SubscriptionState.ACTIVE
    stopped = rules.SubscriptionFacts(True, datetime(2026, 12, 1, tzinfo=UTC))
    assert rules.state_of(stopped) is SubscriptionState.STOPPED


def test_only_a_running_subscription_can_be_stopped():
    rules.require_active(SubscriptionState.ACTIVE)
    for state in (SubscriptionState.NONE, SubscriptionState.STOPPED):
        with pytest.raises(SubscriptionRefused):
            rules.require_active(state)


def test_a_choice_is_sorted_deduplicated_and_all_drops_the_list():
    checked = rules.check_choice(
        Choice(False, ("SZ", "JZ", "SZ"), True, ("policy",)), KNOWN_CATEGORIES, KNOWN_TYPES
    )
    assert checked == Choice(False, ("JZ", "SZ"), True, ())


@pytest.mark.parametrize(
    "choice, field",
    [
        (Choice(False, ("XX",), True, ()), "categories"),
        (Choice(True, (), False, ("<b>",)), "types"),
        (Choice(False, (), True, ()), "categories"),
        (Choice(True, (), False, ()), "types"),
        (Choice(False, ("JZ",) * 41, True, ()), "categories"),
    ],
)
def test_unknown_empty_or_too_many_codes_are_refused_on_their_field(choice, field):
    with pytest.raises(SubscriptionRefused) as e:
        rules.check_choice(choice, KNOWN_CATEGORIES, KNOWN_TYPES)
    assert e.value.field == field and len(e.value.message) < 60


def test_a_notice_matches_by_type_and_category():
    jz_trading = Choice(False, ("JZ",), False, ("trading_notice",))
    assert rules.matches(jz_trading, "trading_notice", ["JZ"])
    assert not rules.matches(jz_trading, "trading_notice", ["SZ"])
    assert not rules.matches(jz_trading, "policy", [])
    assert rules.matches(Choice(True, (), True, ()), "policy", [])


def test_the_text_says_how_to_stop_and_stays_within_two_parts_whatever_the_title():
    title = rules.sms_title("某村道路硬化工程交易公告" * 20)
    assert len(title) == rules.TITLE_CHARS and title.endswith("…")
    body = sms_rules.render(
        TEMPLATE, {"type": "资格审查结果公示", "title": title}, "【江北区公管办】"
    )
    assert "退订请登录平台“我的订阅”页" in body
    assert sms_rules.segments(body) == 2 and not sms_rules.contains_url(body)


def test_a_title_is_put_on_one_line():
    assert rules.sms_title("甲\n乙\t丙") == "甲 乙 丙"
