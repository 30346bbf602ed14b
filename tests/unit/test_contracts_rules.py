"""Pure trading rules: the contract price against an exact reference, rate lists, scope, state."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone
from decimal import Decimal
from fractions import Fraction

import pytest
from hypothesis import given
from hypothesis import strategies as st

from contracts import rules

THRESHOLDS = {"construction": Decimal("4000000"), "supervision": Decimal("1000000")}
MIN = Decimal("100000")


def reference(control: Decimal, part: Decimal, rate: Decimal) -> Decimal:
    """(control − part) × (1 − rate/100) + part in exact fractions, half-up to the fen."""
    exact = (Fraction(control) - Fraction(part)) * (1 - Fraction(rate) / 100) + Fraction(part)
    fen = exact * 100
    whole = fen.numerator // fen.denominator
    if fen - whole >= Fraction(1, 2):
        whole += 1
    return Decimal(whole) / 100


def test_the_design_example_gives_1_129_629_62():
    assert rules.contract_price(Decimal("1234567.89"), Decimal("0"), "8.50") == Decimal(
        "1129629.62"
    )


@given(
    control_fen=st.integers(min_value=1, max_value=10**11),
    part_share=st.fractions(min_value=0, max_value=1),
    rate_bp=st.integers(min_value=1, max_value=9999),
)
def test_the_contract_price_equals_the_exact_reference(control_fen, part_share, rate_bp):
    control = Decimal(control_fen) / 100
    part = (Decimal(int(control_fen * part_share)) / 100).quantize(rules.FEN)
    rate = (Decimal(rate_bp) / 100).quantize(rules.FEN)
    assert rules.contract_price(control, part, rate) == reference(control, part, rate)


def test_a_rate_list_is_normalised_in_order():
    assert rules.check_rates(["3", "3.5", Decimal("8.00")]) == ["3.00", "3.50", "8.00"]


@pytest.mark.parametrize("rates", [["3.00", "3.0"], ["0"], ["100"], ["-1"], ["3.005"], ["x"], []])
def test_a_bad_rate_list_is_refused(rates):
    with pytest.raises(rules.RuleError):
        rules.check_rates(rates)


def test_an_amount_with_more_than_two_decimals_is_refused():
    with pytest.raises(rules.RuleError, match="两位小数"):
        rules.check_amount("862300.001", "control_price", "控制价")
    assert rules.check_amount("862300.1", "control_price", "控制价") == Decimal("862300.10")


@pytest.mark.parametrize(
    ("kind", "estimate"),
    [
        ("construction", "99999.99"),
        ("construction", "4000000"),
        ("supervision", "1000000"),
        ("other", "200000"),
    ],
)
def test_an_estimate_out_of_scope_is_refused(kind, estimate):
    with pytest.raises(rules.RuleError):
        rules.check_scope(kind, Decimal(estimate), THRESHOLDS, MIN)


def test_estimates_within_scope_pass():
    rules.check_scope("construction", Decimal("3999999.99"), THRESHOLDS, MIN)
    rules.check_scope("supervision", Decimal("100000"), THRESHOLDS, MIN)


def test_the_state_follows_the_clock():
    close = datetime(2026, 12, 3, 16, tzinfo=UTC)
    facts = rules.Facts(filing="filed", responses_close_at=close)
    assert rules.state_of(facts, datetime(2026, 12, 1, tzinfo=UTC)) is rules.ProjectState.ANNOUNCED
    assert rules.state_of(facts, close) is rules.ProjectState.AWAITING_MEETING
    assert rules.state_of(rules.Facts("filed"), close) is rules.ProjectState.FILED


# ---- next step and deadline -------------------------------------------------------------------

SHANGHAI = timezone(timedelta(hours=8))
S = rules.ProjectState


def test_the_signing_period_counts_calendar_days_from_the_day_after_the_letter():
    # Letter on 2026-12-03 (local) at 10:00; 30 days → last day 2027-01-02, ends 2027-01-03 00:00.
    letter = datetime(2026, 12, 3, 2, 0, tzinfo=UTC)
    assert rules.signing_ends_at(letter, 30, SHANGHAI) == datetime(
        2027, 1, 3, 0, 0, tzinfo=SHANGHAI
    )
    # 23:30 UTC on 12-02 is already 12-03 in Shanghai: the local date counts.
    late_evening = datetime(2026, 12, 2, 23, 30, tzinfo=UTC)
    assert rules.signing_ends_at(late_evening, 30, SHANGHAI) == datetime(
        2027, 1, 3, tzinfo=SHANGHAI
    )


def test_each_open_state_has_the_office_s_next_step():
    now = datetime(2026, 12, 1, 9, 0, tzinfo=SHANGHAI)
    assert rules.next_step(S.SUBMITTED, now).label == "备案或退回"
    assert rules.next_step(S.FILED, now).label == "发布交易公告"
    assert rules.next_step(S.FAILED, now).label == "重新发布交易公告"
    assert rules.next_step(S.SIGNED, now) is None
    close = datetime(2026, 12, 3, 0, 0, tzinfo=SHANGHAI)
    step = rules.next_step(S.ANNOUNCED, now, responses_close_at=close)
    assert (step.label, step.due, step.waiting, step.late) == ("等待响应截止", close, True, False)


def test_the_owner_reads_its_own_wording():
    now = datetime(2026, 12, 1, 9, 0, tzinfo=SHANGHAI)
    assert rules.next_step(S.SENT_BACK, now, for_owner=True).label == "按退回理由修改后重新提交"
    assert rules.next_step(S.SUBMITTED, now, for_owner=True).label == "等待区公管办备案"


def test_a_meeting_is_late_only_after_its_appointed_minute():
    meeting = datetime(2026, 12, 3, 9, 30, tzinfo=SHANGHAI)
    on_time = rules.next_step(S.AWAITING_MEETING, meeting, meeting_at=meeting)
    assert on_time.label == "召开定标会议" and not on_time.late
    later = meeting + timedelta(minutes=1)
    assert rules.next_step(S.AWAITING_MEETING, later, meeting_at=meeting).late


def test_a_contract_is_late_from_the_end_of_the_signing_period():
    end = datetime(2027, 1, 3, 0, 0, tzinfo=SHANGHAI)
    before = rules.next_step(S.DRAWN, end - timedelta(seconds=1), signing_ends_at=end)
    assert before.label == "记录合同签订" and before.due == end and not before.late
    assert rules.next_step(S.DRAWN, end, signing_ends_at=end).late


def test_responses_still_open_are_never_late():
    close = datetime(2026, 12, 3, 0, 0, tzinfo=SHANGHAI)
    step = rules.next_step(S.ANNOUNCED, close + timedelta(days=5), responses_close_at=close)
    assert not step.late


def test_late_steps_come_first_then_what_is_due_soonest():
    now = datetime(2026, 12, 10, 9, 0, tzinfo=SHANGHAI)
    long_ago = datetime(2026, 11, 20, 9, 0, tzinfo=SHANGHAI)
    rows = {
        "late meeting": rules.next_step(
            S.AWAITING_MEETING, now, meeting_at=datetime(2026, 12, 9, 9, 30, tzinfo=SHANGHAI)
        ),
        "responses next week": rules.next_step(
            S.ANNOUNCED, now, responses_close_at=datetime(2026, 12, 15, tzinfo=SHANGHAI)
        ),
        "submitted a while ago": rules.next_step(S.SUBMITTED, now),
        "contract due tomorrow": rules.next_step(
            S.DRAWN, now, signing_ends_at=datetime(2026, 12, 11, tzinfo=SHANGHAI)
        ),
    }
    order = sorted(rows, key=lambda k: rules.urgency(rows[k], long_ago))
    assert order == [
        "late meeting",
        "submitted a while ago",
        "contract due tomorrow",
        "responses next week",
    ]


def test_every_state_has_a_label_in_both_languages():
    assert set(rules.STATE_LABELS) == set(S)
    assert all(zh and en for zh, en in rules.STATE_LABELS.values())
