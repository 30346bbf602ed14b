"""Errors of the trading domain: refused projects, notices, responses, meetings and contracts."""

from __future__ import annotations

from app.errors import DomainError, Forbidden, NotFound


class TradingError(DomainError):
    """A trading action was refused; nothing was changed."""


class OutOfScope(TradingError):
    """The project is not a small work of this platform (estimate out of the statutory range)."""


class TooEarly(TradingError):
    """A step was taken before the publicity it waits for ended (e.g. the award meeting)."""


class ResponsesClosed(TradingError):
    """A response or withdrawal after the response deadline, or before the notice."""


class TradingForbidden(Forbidden):
    """The actor may not take this step (role, or not an active member of the category)."""


class ProjectNotFound(NotFound):
    """No such project."""
