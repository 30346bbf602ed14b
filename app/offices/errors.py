"""Errors of the offices."""

from app.errors import DomainError, Forbidden


class OfficeError(DomainError):
    """An office could not be created or changed as asked."""


class OfficeForbidden(OfficeError, Forbidden):
    """The account may not create that office."""
