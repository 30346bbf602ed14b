"""The base of all domain errors: a message for people, in Chinese with an English translation."""

from __future__ import annotations

from flask_babel import get_locale


class DomainError(Exception):
    """A refused action. `message` is shown to the user; nothing was changed.

    Subclasses live in each domain's `errors.py`. `field` names the form field the error belongs
    to, if any, so a view can put it back on the form.
    """

    def __init__(self, message: str, message_en: str | None = None, *, field: str | None = None):
        super().__init__(message)
        self.message = message
        self.message_en = message_en or message
        self.field = field

    def localized(self) -> str:
        """The message in the request's language (Chinese outside a request)."""
        try:
            locale = get_locale()
        except RuntimeError:
            locale = None
        if locale is not None and locale.language == "en":
            return self.message_en
        return self.message

    def __str__(self) -> str:
        return self.message


class NotFound(DomainError):
    """The thing asked for does not exist (views answer 404)."""


class Forbidden(DomainError):
    """The actor may not do this (views answer 403)."""
