"""Pure rules of notice subscriptions (我的订阅): their states, what a choice may hold, which
notices match one, and the short SMS title."""

from __future__ import annotations

import enum
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from app.refusal import Refusal

#: A notice is texted to subscribers for this long after its publication: after a longer
#: downtime the job catches up within it, never with stale news.
FANOUT_WINDOW_HOURS = 48
#: The most codes one choice may name (the lists are far shorter: a forged form is refused).
MAX_CODES = 40
#: Characters of a notice's title the SMS carries: with the fixed words and the signature the
#: text stays within 2 parts (134 UCS-2 units), whatever the title.
TITLE_CHARS = 36


class SubscriptionState(enum.StrEnum):
    """NONE: never subscribed. ACTIVE: texted about matching notices. STOPPED: stopped by its
    holder (one button); subscribing again makes it ACTIVE from that moment on."""

    NONE = "none"
    ACTIVE = "active"
    STOPPED = "stopped"


@dataclass(frozen=True)
class SubscriptionFacts:
    exists: bool
    stopped_at: datetime | None


def state_of(facts: SubscriptionFacts) -> SubscriptionState:
    if not facts.exists:
        return SubscriptionState.NONE
    return SubscriptionState.STOPPED if facts.stopped_at else SubscriptionState.ACTIVE


class SubscriptionRefused(Refusal, ValueError):
    """A choice or a step the rules refuse; nothing is changed."""


def require_active(state: SubscriptionState) -> None:
    """Stopping needs a running subscription."""
    if state is not SubscriptionState.ACTIVE:
        raise SubscriptionRefused("您目前没有订阅，无需退订", "You have no subscription to stop")


@dataclass(frozen=True)
class Choice:
    """What to be told of: pool categories and notice types; an empty tuple with `all_…` set
    means every one (new categories included)."""

    all_categories: bool
    categories: tuple[str, ...]
    all_types: bool
    types: tuple[str, ...]


def check_choice(choice: Choice, known_categories: Iterable[str], known_types: Iterable[str]):
    """The choice with its codes sorted and deduplicated, or SubscriptionRefused: at least one
    category (or all) and one type (or all), and only codes that exist."""
    categories = _codes(choice.categories, set(known_categories), "类别", "category", "categories")
    types = _codes(choice.types, set(known_types), "公告类型", "notice type", "types")
    if not choice.all_categories and not categories:
        raise SubscriptionRefused(
            "请至少选择一个类别，或选择全部类别", "Choose a category, or all", field="categories"
        )
    if not choice.all_types and not types:
        raise SubscriptionRefused(
            "请至少选择一种公告类型，或选择全部类型", "Choose a notice type, or all", field="types"
        )
    return Choice(
        choice.all_categories,
        () if choice.all_categories else categories,
        choice.all_types,
        () if choice.all_types else types,
    )


def _codes(codes: Iterable[str], known: set[str], zh: str, en: str, field: str):
    codes = tuple(codes)
    if len(codes) > MAX_CODES:
        raise SubscriptionRefused(f"所选{zh}过多", f"Too many {en} choices", field=field)
    unknown = [c for c in codes if c not in known]
    if unknown:
        shown = str(unknown[0])[:20]
        raise SubscriptionRefused(f"没有这个{zh}：{shown}", f"No such {en}: {shown}", field=field)
    return tuple(sorted(set(codes)))


def matches(choice: Choice, notice_type: str, notice_categories: Iterable[str]) -> bool:
    """Whether a notice of this type in these categories is one the choice asks for. (The job
    applies the same rule in SQL, for every subscriber at once.)"""
    if not choice.all_types and notice_type not in choice.types:
        return False
    return choice.all_categories or bool(set(choice.categories) & set(notice_categories))


def sms_title(title: str, limit: int = TITLE_CHARS) -> str:
    """The title as the SMS gives it: one line, at most `limit` characters, cut with "…"."""
    one_line = " ".join(title.split())
    return one_line if len(one_line) <= limit else one_line[: limit - 1] + "…"
