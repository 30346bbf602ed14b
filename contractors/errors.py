"""Errors of the pool domain: refused registrations, calls, applications, reviews and steps."""

from __future__ import annotations

from datetime import date

from app.errors import DomainError, Forbidden, NotFound


class PoolError(DomainError):
    """A pool action was refused; nothing was changed."""


class RegistrationError(PoolError):
    """A contractor's registration or profile change was refused (bad code, mobile, duplicate…)."""


class TooEarly(PoolError):
    """A step was taken before the publicity it waits for ended; `earliest` is its first day."""

    def __init__(self, message: str, message_en: str, *, earliest: date | None = None):
        super().__init__(message, message_en)
        self.earliest = earliest


class WindowClosed(PoolError):
    """An application, change or withdrawal outside the call's application window."""


class PoolForbidden(Forbidden):
    """The actor's role may not take this step."""


class NotAReviewer(PoolForbidden):
    """Only the review panel (trading-office staff and department reviewers) records decisions."""


class NotYours(PoolForbidden):
    """A contractor account touched another company's data."""


class PoolNotFound(NotFound):
    """No such call, application, category or contractor."""
