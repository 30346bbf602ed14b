"""The base of all domain errors: a message for people, in Chinese with an English translation."""

from __future__ import annotations

from collections.abc import Callable
from contextlib import contextmanager

from app import i18n
from app.auth.roles import OFFICE_ROLES
from app.refusal import Refusal


class DomainError(Refusal):
    """A refused action. `message` is shown to the user; nothing was changed.

    Subclasses live in each domain's `errors.py`. `field` names the form field the error belongs
    to, if any, so a view can put it back on the form (`app.forms.error_onto`).
    """

    def localized(self) -> str:
        """The message in the request's language (Chinese outside a request)."""
        return i18n.localized(self)


class NotFound(DomainError):
    """The thing asked for does not exist (views answer 404)."""


class Forbidden(DomainError):
    """The actor may not do this (views answer 403)."""


@contextmanager
def refused_as(error: Callable[..., DomainError], **overrides):
    """A pure rule's refusal raised inside becomes `error`, with the same messages and field
    (`overrides` replace keywords, e.g. `field="uscc"`); a DomainError passes unchanged."""
    try:
        yield
    except DomainError:
        raise
    except Refusal as e:
        raise error(e.message, e.message_en, **({"field": e.field} | overrides)) from None


def checked(error: Callable[..., DomainError], rule: Callable, *args, **kwargs):
    """Run a pure rule; its refusal becomes `error` with the same messages and field."""
    with refused_as(error):
        return rule(*args, **kwargs)


def role_of(actor) -> str | None:
    """The role of an actor (a user, or None for the system)."""
    return getattr(actor, "role", None)


def require_office(actor, error: Callable[..., DomainError], zh: str, en: str) -> None:
    """Only the trading office (staff, admin) may do this: otherwise `error` saying who may,
    e.g. `require_office(actor, TradingForbidden, "发布交易公告", "publish a trading notice")`.
    Supervisors read the office's records but change nothing (app/auth/roles.py)."""
    if role_of(actor) not in OFFICE_ROLES:
        raise error(f"只有区公管办工作人员可以{zh}", f"Only trading-office staff may {en}")
