"""Subscription domain errors."""

from __future__ import annotations

from app.errors import DomainError


class SubscriptionError(DomainError):
    """A subscription step was refused; nothing was changed."""


class NoMobile(SubscriptionError):
    """The account has no mobile number on record to text."""
