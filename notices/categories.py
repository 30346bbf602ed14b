"""Notices by pool category (建筑工程, 市政公用工程…), for the notice list's and the feed's
`?category=`: a notice belongs to a category through its subject (a trading of a project of
that category). Notices know neither the categories nor the subjects, so the domains register
them in their `init_app` (app.wiring): the pool its categories, each subject's owner a source of
the subject ids of a category."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from flask import Flask
from sqlalchemy import Select, and_, false, or_

from app.wiring import registry
from notices.models import Notice

#: Registry: subject type → (category code → a select of that subject type's ids in it).
CATEGORY_SUBJECTS = "notices.category_subjects"
#: Registry: "all" → () → the categories, in their order.
CATEGORIES = "notices.categories"


@dataclass(frozen=True)
class Category:
    code: str
    name: str
    name_en: str = ""


def register_category_subjects(
    app: Flask, subject_type: str, source: Callable[[str], Select]
) -> None:
    registry(CATEGORY_SUBJECTS, app)[subject_type] = source


def register_categories(app: Flask, source: Callable[[], list[Category]]) -> None:
    registry(CATEGORIES, app)["all"] = source


def categories() -> list[Category]:
    source = registry(CATEGORIES).get("all")
    return source() if source else []


def find(code: str | None) -> Category | None:
    """The category of `code`, or None (no code, or an unknown one)."""
    return next((c for c in categories() if c.code == code), None) if code else None


def clause(code: str):
    """Notices of the category `code`: those whose subject is in it."""
    sources = registry(CATEGORY_SUBJECTS)
    return or_(
        false(),
        *(
            and_(Notice.subject_type == subject_type, Notice.subject_id.in_(source(code)))
            for subject_type, source in sources.items()
        ),
    )
