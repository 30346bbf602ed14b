"""Errors of the offices."""

from app.errors import DomainError


class OfficeError(DomainError):
    """An office could not be created or changed as asked."""
