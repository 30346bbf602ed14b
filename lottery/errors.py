"""Errors of the draws domain: refused commitments, draws and abandonments (nothing was changed)."""

from app.errors import DomainError, Forbidden, NotFound


class DrawError(DomainError):
    """A draw could not be committed, drawn or abandoned; nothing was changed."""


class DrawNotFound(NotFound):
    """No draw has this id."""


class DrawClosed(DrawError):
    """The draw was already drawn or abandoned: a draw is one-shot (LOTTERY.md, "Why this shape")."""


class DrawForbidden(Forbidden):
    """Only trading-office staff run or abandon a draw."""


class SeedUnavailable(DrawError):
    """The sealed seed cannot be opened (its key is not configured, or the ciphertext is not this
    draw's) or does not match its commitment: nothing is drawn or revealed (lottery.seeds)."""
