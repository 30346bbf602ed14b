"""The due moment a publishing service records on its notice (`publish_due_at`), from its event
and the limit in force (notices.timeliness.rules, overridden by NOTICE_PUBLISH_LIMITS)."""

from __future__ import annotations

from datetime import datetime

from flask import current_app

from app import clock
from app.calendar.services import current_calendar
from app.workdays import UnconfirmedYear
from notices.timeliness import rules


def limits() -> dict[str, rules.Limit]:
    """The limits in force in this app (checked at start-up by `check`)."""
    return rules.limits(current_app.config.get("NOTICE_PUBLISH_LIMITS"))


def check(app) -> None:
    """Refuse to start with an unusable NOTICE_PUBLISH_LIMITS, naming the type and the fault."""
    from config import ConfigError

    try:
        rules.limits(app.config.get("NOTICE_PUBLISH_LIMITS"))
    except ValueError as e:
        raise ConfigError(str(e)) from None


def publish_due(type_code: str, event_at: datetime | None) -> datetime | None:
    """When a `type_code` notice of an event at `event_at` must be published by: None for a type
    without a limit, an unknown event, or a count that reaches a year nobody confirmed (never
    guessed; the notice is then not counted on the timeliness page)."""
    limit = limits().get(type_code)
    if limit is None or event_at is None:
        return None
    try:
        return rules.due_at(limit, clock.local(event_at).date(), current_calendar())
    except UnconfirmedYear:
        return None
