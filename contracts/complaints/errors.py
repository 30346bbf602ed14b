"""Refusals of the complaint use cases (messages in Chinese and English; nothing was changed)."""

from __future__ import annotations

from app.errors import DomainError, Forbidden, NotFound


class ComplaintError(DomainError):
    """A complaint step was refused; nothing was changed."""


class ComplaintForbidden(Forbidden):
    """The actor may not take this step (a supervisor reads only; a contractor files its own)."""


class ComplaintNotFound(NotFound):
    """No such complaint (or trading to complain about)."""
