"""Notices by pool category (建筑工程, 市政公用工程…), for the notice list's and the feed's
`?category=`: a notice belongs to a category through its subject (a trading of a project of
that category). Notices know neither the categories nor the subjects, so the domains register
them in their `init_app` (app.wiring): the pool its categories, each subject's owner the
category of a subject of its type.

A notice keeps its subject's category (`Notice.category_code`), written with its subject
(notices.services): the list of a category is then a range of the (status, category_code,
published_at, id) index, where "subject in the category's subjects" walked the list's whole
order filtering by subject (issue 14: at 1,000,000 notices ?category=JL past the middle took
PostgreSQL 1.6–2.0 s, SQLite 0.9 s). A subject's category cannot change once a notice is about
it: a trading exists only once its project is filed, and a filed project's facts are fixed
(contracts.services.projects)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from flask import Flask

from app.wiring import registry
from notices.models import Notice

#: Registry: subject type → (subject id → its category's code, or None).
SUBJECT_CATEGORY = "notices.subject_category"
#: Registry: "all" → () → the categories, in their order.
CATEGORIES = "notices.categories"


@dataclass(frozen=True)
class Category:
    code: str
    name: str
    name_en: str = ""


def register_subject_category(
    app: Flask, subject_type: str, source: Callable[[str], str | None]
) -> None:
    registry(SUBJECT_CATEGORY, app)[subject_type] = source


def register_categories(app: Flask, source: Callable[[], list[Category]]) -> None:
    registry(CATEGORIES, app)["all"] = source


def categories() -> list[Category]:
    source = registry(CATEGORIES).get("all")
    return source() if source else []


def find(code: str | None, among: list[Category] | None = None) -> Category | None:
    """The category of `code`, or None (no code, or an unknown one); `among`: the categories,
    if the caller has read them (`categories`)."""
    if not code:
        return None
    return next((c for c in (categories() if among is None else among) if c.code == code), None)


def of_subject(subject_type: str | None, subject_id: str | None) -> str | None:
    """The category code of a notice about this subject: its owner's answer, None for a subject
    of no category (a pool call, a sanction…) or no subject."""
    source = registry(SUBJECT_CATEGORY).get(subject_type) if subject_id else None
    return source(subject_id) if source else None


def clause(code: str):
    """Notices of the category `code`: those whose subject is in it."""
    return Notice.category_code == code
