"""app.money: one format of amounts ("260,000.00"), rounded half up to the fen, Decimal only."""

from __future__ import annotations

import re
from decimal import ROUND_HALF_UP, Context, Decimal, localcontext

import pytest
from hypothesis import example, given
from hypothesis import strategies as st

from app.money import as_amount, fen, yuan

_SHAPE = re.compile(r"-?[0-9]{1,3}(,[0-9]{3})*\.[0-9]{2}")

amounts = st.decimals(allow_nan=False, allow_infinity=False, places=4).filter(
    lambda d: abs(d) < Decimal("1e40")
)


def _unformat(text: str) -> Decimal:
    return Decimal(text.replace(",", ""))


@given(amounts)
@example(Decimal("0.005"))
@example(Decimal("2.675"))
@example(Decimal("-0.004"))
@example(Decimal("123456789012345678901234567890.125"))
def test_every_amount_prints_grouped_with_two_decimals_and_reads_back_rounded(value):
    text = yuan(value)
    assert _SHAPE.fullmatch(text), text
    assert text != "-0.00"
    with localcontext(Context(prec=100)):  # the reference never runs out of digits
        assert _unformat(text) == value.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


@given(st.integers(min_value=-(10**30), max_value=10**30))
def test_ints_and_numeric_strings_print_as_their_decimal(n):
    assert yuan(n) == yuan(Decimal(n)) == yuan(str(n)) == f"{n:,}.00"


@given(amounts)
def test_a_string_of_a_decimal_prints_as_the_decimal(value):
    assert yuan(str(value)) == yuan(value)


@pytest.mark.parametrize(
    ("value", "shown"),
    [
        (Decimal("260000"), "260,000.00"),
        (Decimal("168900.00"), "168,900.00"),
        (Decimal("1234567.891"), "1,234,567.89"),
        (Decimal("0.125"), "0.13"),  # half up, not to even
        (Decimal("999.995"), "1,000.00"),
        (0, "0.00"),
        ("88", "88.00"),
        (" 12.5 ", "12.50"),
        (Decimal("-1234.5"), "-1,234.50"),  # a negative amount is shown, signed
        (Decimal("-0.001"), "0.00"),
        (Decimal("1E+30"), "1,000,000,000,000,000,000,000,000,000,000.00"),
    ],
)
def test_known_amounts(value, shown):
    assert yuan(value) == shown


@pytest.mark.parametrize("value", [0.1, 1.5, True, None, [1], b"1"])
def test_floats_and_other_types_are_refused(value):
    with pytest.raises(TypeError):
        yuan(value)


@pytest.mark.parametrize("value", ["", "1,000", "12元", "NaN", "Infinity", "-inf", "abc"])
def test_text_that_is_no_finite_number_is_refused(value):
    with pytest.raises(ValueError):
        yuan(value)
    with pytest.raises(ValueError):
        as_amount(value)


def test_no_precision_is_lost_on_huge_amounts():
    huge = Decimal("9" * 40 + ".995")
    assert fen(huge) == Decimal("1" + "0" * 40 + ".00")
    assert yuan(huge).startswith("10,000,000,000,")
