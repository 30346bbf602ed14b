"""Refusals of the credit screen: a check refused, or a freeze before every respondent is checked."""

from __future__ import annotations

from contracts.errors import TradingError


class ScreeningError(TradingError):
    """A credit check was refused, or the freeze waits for the screen; nothing was changed."""
