"""Errors of the working-day calendar."""

from app.errors import DomainError


class CalendarError(DomainError):
    """An arrangement could not be confirmed."""
