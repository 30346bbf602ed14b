"""Errors of policies and guides."""

from app.errors import DomainError, Forbidden, NotFound


class GuideError(DomainError):
    """A document could not be written, changed, published or withdrawn; nothing was changed."""


class GuideNotFound(NotFound):
    """No such document (or not visible to this reader)."""


class GuideForbidden(GuideError, Forbidden):
    """The actor may not write this office's documents (views answer 403)."""
