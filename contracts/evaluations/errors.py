"""Refusals of performance evaluation: nothing was changed."""

from __future__ import annotations

from contracts.errors import TradingError, TradingForbidden


class EvaluationError(TradingError):
    """An evaluation was refused (incomplete, a second one, no contract yet…)."""


class EvaluationForbidden(TradingForbidden):
    """Only the project's owner or staff evaluate its contractor."""
