"""SMS domain errors."""

from __future__ import annotations

from app.errors import DomainError, Forbidden, NotFound


class SmsError(DomainError):
    """An SMS action was refused; nothing was queued or changed."""


class SmsTemplateError(SmsError):
    """A template or one of its variables breaks the rules: the event that wanted it is refused."""


class SmsNotFound(SmsError, NotFound):
    """No such message or notice."""


class SmsForbidden(SmsError, Forbidden):
    """The actor may not act on another office's messages (views answer 403)."""
