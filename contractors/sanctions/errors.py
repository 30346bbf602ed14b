"""Refusals of misconduct cases and sanctions (Chinese message, English translation)."""

from __future__ import annotations

from contractors.errors import PoolError, PoolForbidden, PoolNotFound


class SanctionError(PoolError):
    """A case or sanction action was refused; nothing was changed."""


class SanctionForbidden(PoolForbidden):
    """The actor may not take this step (supervisors read only; a company acts on its own)."""


class SanctionNotFound(PoolNotFound):
    """No such case, sanction or correction request."""
