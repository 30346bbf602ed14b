"""Amounts of money as people read them: one format everywhere (issue 13).

`yuan(Decimal("260000"))` → "260,000.00": thousands separated by commas, two decimals, rounded
half up to the fen (分). The unit is not part of it: the text around the number writes it — "元"
right after it in Chinese ("合同价260,000.00元"), "yuan" in English, "（元）" in a column's head —
so a sentence and its translation keep their own word order. Notice bodies, pages, lists, SMS
and PDFs all print amounts through this function (the Jinja filter `yuan` too); the public API
keeps plain numbers ("260000.00"), which are its contract.

Pure: the standard library only (tests/unit/test_architecture.py), so rules may use it.
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Context, Decimal, InvalidOperation

_FEN = Decimal("0.01")


def as_amount(value: object) -> Decimal:
    """A Decimal of `value` (a Decimal, an int or a plain numeric string such as "260000.5").

    A float is refused (TypeError): 0.1 + 0.2 is not 0.30 元, so amounts never pass through
    floats. Booleans, None and text that is not a finite number (with separators, "NaN",
    "Infinity") are refused too (TypeError or ValueError).
    """
    if isinstance(value, bool) or not isinstance(value, Decimal | int | str):
        raise TypeError(
            f"an amount is a Decimal, an int or a numeric string, not {type(value).__name__}"
        )
    try:
        amount = Decimal(value.strip() if isinstance(value, str) else value)
    except InvalidOperation:
        raise ValueError(f"not an amount: {value!r}") from None
    if not amount.is_finite():
        raise ValueError(f"not an amount: {value!r}")
    return amount


def fen(value: object) -> Decimal:
    """`value` rounded half up to the fen, whatever its size (no precision is lost on the way)."""
    amount = as_amount(value)
    # enough digits for the integer part and two decimals, however large the amount
    digits = max(amount.adjusted(), 0) + 4
    return amount.quantize(_FEN, rounding=ROUND_HALF_UP, context=Context(prec=max(28, digits)))


def yuan(value: object) -> str:
    """An amount as printed everywhere: "1,234,567.89" (a negative one "-1,234.00").

    Rounded half up to the fen; no unit (see the module's docstring)."""
    rounded = fen(value)
    if rounded == 0:
        rounded = abs(rounded)  # never "-0.00"
    return f"{rounded:,.2f}"
