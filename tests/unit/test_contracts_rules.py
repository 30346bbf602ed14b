"""Pure trading rules: the contract price against an exact reference, rate lists, scope, state."""

from __future__ import annotations

from datetime import UTC, datetime
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
