"""Errors of the accounts domain."""

from app.errors import DomainError


class AccountError(DomainError):
    """An account could not be created or changed."""


class LoginRefused(DomainError):
    """Wrong credentials, an inactive account or a lockout. The message never says which part was wrong."""
