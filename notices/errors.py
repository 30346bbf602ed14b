"""Errors of the notices domain."""

from app.errors import DomainError, Forbidden, NotFound


class NoticeError(DomainError):
    """A notice could not be drafted, changed or published; nothing was changed."""


class NoticeNotFound(NotFound):
    """No such notice (or not visible to this reader)."""


class UnconfirmedPublicity(NoticeError):
    """The publicity would run into a year whose holiday arrangement nobody confirmed."""

    def __init__(self, message: str, message_en: str, *, year: int):
        super().__init__(message, message_en, field="min_working_days")
        self.year = year


class NoticeForbidden(NoticeError, Forbidden):
    """The actor may not write or publish this office's notices (views answer 403)."""
