"""A project's money: amounts and rates as typed, its scope, the control and the contract price."""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from decimal import ROUND_DOWN, ROUND_HALF_UP, Decimal

from lottery import rules as draw_rules

from ._common import FEN, HUNDRED, RuleError, _shown, _yuan

#: 施工 / 监理等服务: the kinds of contract the statutory thresholds distinguish.
KINDS = ("construction", "supervision")
#: (Chinese, English) names of the kinds and the funding sources; the Chinese ones print on notices.
KIND_NAMES = {
    "construction": ("施工", "Construction"),
    "supervision": ("工程监理", "Construction supervision"),
}
FUNDING_NAMES = {
    "state": ("国有资金", "State funds"),
    "collective": ("村集体资金", "Village collective funds"),
}
KIND_LABELS = {k: zh for k, (zh, _en) in KIND_NAMES.items()}
FUNDING = {k: zh for k, (zh, _en) in FUNDING_NAMES.items()}


def kind_name(kind: str) -> tuple[str, str]:
    """A project kind's (Chinese, English) name; an unknown code reads as itself."""
    return KIND_NAMES.get(kind, (kind, kind))


def funding_name(funding: str) -> tuple[str, str]:
    """A funding source's (Chinese, English) name; an unknown code reads as itself."""
    return FUNDING_NAMES.get(funding, (funding, funding))


#: Amounts are stored as Numeric(14, 2): below a trillion yuan, to the fen.
AMOUNT_LIMIT = Decimal("1e12")
#: A number is typed as plain digits with a decimal point: no sign, exponent, NaN or Infinity,
#: no digits of other scripts, no "_" (all of which Python's Decimal would otherwise accept).
_PLAIN_NUMBER = re.compile(r"[0-9]+(?:\.[0-9]*)?|\.[0-9]+")
#: The same with thousands separators, as amounts are often written ("1,234,567.89").
_GROUPED_NUMBER = re.compile(r"[0-9]{1,3}(?:,[0-9]{3})+(?:\.[0-9]*)?")
#: Longer text is no number a person means (10^12 with two decimals has 16 characters).
MAX_NUMBER_CHARS = 32
#: More options than this make neither a readable notice nor a meaningful draw.
MAX_RATE_OPTIONS = 100


def parse_decimal(
    value: object,
    field: str,
    label: str,
    *,
    below: Decimal,
    places: int = 2,
    grouped: bool = False,
) -> Decimal:
    """THE parse of every amount and rate: a Decimal, or its text as plain digits, that is not
    negative, has at most `places` decimals and is below `below`; returned quantized to `places`.
    Anything else — NaN, Infinity, -0, exponents, 10^30, arbitrary text — is a RuleError on
    `field`, never a decimal.InvalidOperation (quantize raises it past 28 digits). `grouped`
    admits thousands separators (amounts, "1,234,567.89"; never rates, which lists separate)."""
    if isinstance(value, Decimal):
        number = value
    elif isinstance(value, int | str) and not isinstance(value, bool):
        text = str(value).strip()
        if not (_PLAIN_NUMBER.fullmatch(text) or (grouped and _GROUPED_NUMBER.fullmatch(text))):
            raise RuleError(
                f"{label}不是有效的数字：{_shown(value)}",
                f"{label} is not a number: {_shown(value)}",
                field=field,
            )
        digits = text.replace(",", "")
        # Bounded before Decimal sees it: a plain number of any length is still a number a
        # person typed, and gets the message for its size or its decimals.
        if len(digits.split(".")[0].lstrip("0")) > len(f"{below:f}"):
            raise RuleError(
                f"{label}必须小于{below:,f}：{_shown(value)}",
                f"{label} must be below {below:,f}: {_shown(value)}",
                field=field,
            )
        if len(digits) > MAX_NUMBER_CHARS:
            raise RuleError(
                f"{label}最多保留{places}位小数：{_shown(value)}",
                f"{label} may have at most {places} decimals: {_shown(value)}",
                field=field,
            )
        number = Decimal(digits)
    else:
        raise RuleError(f"{label}不是有效的数字", f"{label} is not a number", field=field)
    if not number.is_finite() or number.is_signed():
        raise RuleError(
            f"{label}不是有效的数字：{_shown(value)}",
            f"{label} is not a number: {_shown(value)}",
            field=field,
        )
    # The magnitude first: quantize of a number beyond the context's 28 digits raises.
    if number >= below:
        raise RuleError(
            f"{label}必须小于{below:,f}：{_shown(value)}",
            f"{label} must be below {below:,f}: {_shown(value)}",
            field=field,
        )
    step = Decimal(1).scaleb(-places)
    if number != number.quantize(step, rounding=ROUND_DOWN):
        raise RuleError(
            f"{label}最多保留两位小数：{_shown(value)}"
            if places == 2
            else f"{label}最多保留{places}位小数：{_shown(value)}",
            f"{label} may have at most {places} decimals: {_shown(value)}",
            field=field,
        )
    return number.quantize(step)


def check_amount(value: object, field: str, label: str, *, allow_zero: bool = False) -> Decimal:
    """A sum of money in yuan: at most two decimals (fen), positive (or zero where allowed),
    below AMOUNT_LIMIT so that Numeric(14, 2) holds it."""
    amount = parse_decimal(value, field, label, below=AMOUNT_LIMIT, grouped=True)
    if amount == 0 and not allow_zero:
        raise RuleError(f"{label}必须大于零", f"{label} must be positive", field=field)
    return amount


def check_scope(
    kind: str, estimate: Decimal, thresholds: Mapping[str, Decimal], minimum: Decimal
) -> None:
    """DESIGN.md B.1: estimate ≥ the minimum and below the kind's statutory threshold."""
    if kind not in thresholds:
        raise RuleError(f"项目类型无效：{kind}", f"Invalid kind of contract: {kind}", field="kind")
    if estimate < minimum:
        raise RuleError(
            f"单项合同估算价{_yuan(estimate)}元低于{_yuan(minimum)}元，不属于本平台交易范围",
            f"The estimate {estimate} is below {minimum} yuan: out of the platform's scope",
            field="estimate",
        )
    limit = thresholds[kind]
    if estimate >= limit:
        raise RuleError(
            f"{KIND_LABELS.get(kind, kind)}单项合同估算价{_yuan(estimate)}元达到{_yuan(limit)}元，"
            "依《必须招标的工程项目规定》第五条必须招标，不属于本平台交易范围",
            f"The estimate {estimate} reaches the statutory tendering threshold of {limit} yuan "
            "(必须招标的工程项目规定 art. 5): it must be tendered, out of the platform's scope",
            field="estimate",
        )


def check_prices(estimate: Decimal, control: Decimal, part: Decimal, threshold: Decimal) -> None:
    """The control price (控制价) lies within the estimate, hence below the statutory threshold,
    and the non-competitive part (不可竞争费用) below the control price: the rate discounts the rest."""
    if control > estimate:
        raise RuleError(
            f"控制价{_yuan(control)}元不能高于单项合同估算价{_yuan(estimate)}元",
            f"The control price {control} cannot exceed the estimate {estimate}",
            field="control_price",
        )
    if control >= threshold:
        raise RuleError(
            f"控制价{_yuan(control)}元达到依法必须招标的{_yuan(threshold)}元",
            f"The control price {control} reaches the statutory tendering threshold {threshold}",
            field="control_price",
        )
    if part >= control:
        raise RuleError(
            f"不可竞争费用{_yuan(part)}元必须低于控制价{_yuan(control)}元",
            f"The non-competitive part {part} must be below the control price {control}",
            field="non_competitive_part",
        )


def parse_rate(raw: object, field: str = "rates", label: str = "下浮率") -> Decimal:
    """One discount-rate option in percent: 0 < r < 100 with at most two decimals."""
    r = parse_decimal(raw, field, label, below=Decimal("1e6"))
    if not (0 < r < HUNDRED):
        raise RuleError(
            f"{label}必须大于0且小于100：{_shown(raw)}",
            f"A rate must be above 0 and below 100: {_shown(raw)}",
            field=field,
        )
    return r


def check_rates(rates: Iterable[object]) -> list[str]:
    """The published discount-rate options, in percent: each 0 < r < 100 with at most two
    decimals, no duplicates, at most MAX_RATE_OPTIONS; returned as two-decimal strings ("3.00")
    in the given order."""
    items = list(rates)
    if len(items) > MAX_RATE_OPTIONS:
        raise RuleError(
            f"下浮率选项最多{MAX_RATE_OPTIONS}个",
            f"At most {MAX_RATE_OPTIONS} rate options",
            field="rates",
        )
    out: list[str] = []
    for raw in items:
        label = f"{parse_rate(raw)}"
        if label in out:
            raise RuleError(
                f"下浮率选项重复：{label}", f"The rate {label} is listed twice", field="rates"
            )
        out.append(label)
    if not out:
        raise RuleError("请至少给出一个下浮率选项", "Give at least one rate", field="rates")
    return out


def rate_range(rate_min: object, rate_max: object, step: object) -> list[str]:
    """The options from `rate_min` to `rate_max` (both included) by `step`, checked as a list is;
    the count is bounded before a single option is built (0.01 to 99.99 by 0.0001 would be
    a million)."""
    low = parse_rate(rate_min, "rate_min", "最小下浮率")
    high = parse_rate(rate_max, "rate_max", "最大下浮率")
    try:
        by = parse_decimal(step, "rate_step", "步长", below=HUNDRED)
    except RuleError:
        by = Decimal(0)
    if by == 0:
        raise RuleError(
            f"步长须为大于0、最多两位小数的数：{_shown(step)}",
            f"The step must be a number above 0 with at most two decimals: {_shown(step)}",
            field="rate_step",
        )
    if high < low:
        raise RuleError(
            "最大下浮率不能小于最小下浮率",
            "The maximum rate cannot be below the minimum",
            field="rate_max",
        )
    if (high - low) / by + 1 > MAX_RATE_OPTIONS:
        raise RuleError(
            f"下浮率选项最多{MAX_RATE_OPTIONS}个",
            f"At most {MAX_RATE_OPTIONS} rate options",
            field="rate_step",
        )
    return check_rates(draw_rules.rate_options(low, high, by))


def contract_price(control: Decimal, part: Decimal, rate_percent: Decimal | str) -> Decimal:
    """(control − part) × (1 − rate) + part, exact, rounded once ROUND_HALF_UP to the fen
    (DESIGN.md B.4: 1,234,567.89 at 8.50% → 1,129,629.62)."""
    rate = Decimal(rate_percent) / HUNDRED
    exact = (control - part) * (1 - rate) + part
    return exact.quantize(FEN, rounding=ROUND_HALF_UP)


def price_table(control: Decimal, part: Decimal, rates: Sequence[str]) -> list[tuple[str, Decimal]]:
    """The contract price each published option would give, printed in the trading notice."""
    return [(r, contract_price(control, part, r)) for r in rates]
