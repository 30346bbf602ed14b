"""What every trading rule shares: the refusals, and how amounts and typed input are quoted."""

from __future__ import annotations

from decimal import Decimal

from app import money
from app.refusal import Refusal


class RuleError(Refusal, ValueError):
    """An input breaks a rule. `message` is Chinese, `message_en` English; `field` names the input."""


class TooEarlyError(RuleError):
    """A step refused only because its time has not come."""


class ClosedError(RuleError):
    """A step refused because its period is over."""


FEN = Decimal("0.01")
HUNDRED = Decimal("100")


def _yuan(amount: Decimal) -> str:
    """An amount in a refusal, as pages print it (app.money: "260,000.00")."""
    return money.yuan(amount)


def _shown(value: object) -> str:
    """Typed input quoted in a message: cut short, invisible characters escaped."""
    text = str(value)
    text = text if len(text) <= 20 else text[:20] + "…"
    return text if text.isprintable() else repr(text)
