"""The pure rules of signing (contracts.rules): the contract amount against the contract price, and
which refusal may be recorded (issue 10, findings 3 and 6)."""

from __future__ import annotations

from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from contracts.rules import (
    AMOUNT_REASON_MAX,
    RuleError,
    check_contract_amount,
    check_refused_company,
    ranking_position,
)

PRICE = Decimal("819185.00")

fen = st.decimals(min_value=Decimal("0.01"), max_value=Decimal("3999999.99"), places=2)
reasons = st.text(
    alphabet=st.characters(blacklist_categories=("Cc", "Cf", "Cs", "Co", "Cn")), max_size=600
)


@settings(deadline=None)  # no timed assertions: the machine may be busy
@given(price=fen, amount=fen, reason=reasons)
def test_an_amount_is_accepted_up_to_the_price_and_below_it_only_with_a_reason(
    price, amount, reason
):
    stated = " ".join(reason.split())
    if amount > price:
        with pytest.raises(RuleError) as e:
            check_contract_amount(amount, price, reason)
        assert e.value.field == "amount" and f"{price:,.2f}元" in e.value.message
    elif amount == price:
        assert check_contract_amount(amount, price, reason) == (amount, "")
    elif not stated or len(stated) > AMOUNT_REASON_MAX:
        with pytest.raises(RuleError) as e:
            check_contract_amount(amount, price, reason)
        assert e.value.field == "amount_reason"
    else:
        assert check_contract_amount(str(amount), price, reason) == (amount, stated)


@settings(max_examples=500, deadline=None)
@given(
    st.one_of(
        st.text(max_size=60),
        st.text(alphabet="0123456789.-+eE,_ ", max_size=60),
        st.decimals(allow_nan=True, allow_infinity=True).map(str),
        st.integers().map(str),
        st.floats().map(repr),
    )
)
def test_any_typed_amount_is_a_fen_amount_within_the_price_or_a_clear_refusal(raw):
    try:
        amount, _reason = check_contract_amount(raw, PRICE, "核减")
    except RuleError as e:
        assert e.field in ("amount", "amount_reason") and e.message and e.message_en
    else:
        assert Decimal("0") < amount <= PRICE and amount == amount.quantize(Decimal("0.01"))


@pytest.mark.parametrize("raw", ["99999999999999999999999999999.001", "1e30", "-1e30", "1E+999999"])
def test_huge_amounts_are_refused_not_overflowing(raw):
    with pytest.raises(RuleError) as e:
        check_contract_amount(raw, PRICE, "")
    assert e.value.field == "amount"


@pytest.mark.parametrize("hidden", ["\x00", "\u200b", "\u202e", "\ue000"])
def test_a_reason_with_an_invisible_character_is_refused(hidden):
    with pytest.raises(RuleError, match="控制字符"):
        check_contract_amount("800000", PRICE, f"核减{hidden}工程量")


uscc = st.text(alphabet="0123456789ABCDEFGHJKLMNPQRTUWXY", min_size=18, max_size=18)


@settings(deadline=None)
@given(
    ranking=st.lists(uscc, min_size=1, max_size=8, unique=True),
    data=st.data(),
)
def test_only_the_current_contract_unit_at_its_place_may_be_recorded_as_refusing(ranking, data):
    k = data.draw(st.integers(0, len(ranking)), label="refused so far")
    refused, holder = set(ranking[:k]), (ranking[k] if k < len(ranking) else None)
    named = data.draw(st.sampled_from([*ranking, "", "X" * 18]), label="named")
    position = data.draw(st.one_of(st.integers(-2, 10), st.just("x")), label="position")
    if named == holder and position == k + 1:
        check_refused_company(ranking, holder, refused, named, str(position))
        return
    with pytest.raises(RuleError) as e:
        check_refused_company(ranking, holder, refused, named, position)
    if named in refused:
        assert "拒签已经记录" in e.value.message
    else:
        assert "不符" in e.value.message


@settings(deadline=None)
@given(st.lists(uscc, min_size=1, max_size=8, unique=True))
def test_a_ranking_position_counts_from_one(ranking):
    assert [ranking_position(ranking, u) for u in ranking] == list(range(1, len(ranking) + 1))
    assert ranking_position(ranking, None) is None
