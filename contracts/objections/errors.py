"""Refusals of objections to a trading."""

from __future__ import annotations

from app.errors import NotFound
from contracts.errors import TradingError, TradingForbidden


class ObjectionError(TradingError):
    """An objection or its answer was refused; nothing was changed."""


class ObjectionForbidden(TradingForbidden):
    """The actor may not file or answer this objection."""


class ObjectionNotFound(NotFound):
    """No such objection."""
