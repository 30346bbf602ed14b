"""Blank copies of the forms the platform itself generates (统一表式): each domain registers its
forms at start-up (`register_blank_form` in its init_app), the 统一表式 section lists them, and
each is built once and kept by app.built — no staff upload, and always the layout in use."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from types import ModuleType

from flask import Flask, Response, current_app

from app.built import serve_built
from app.pdf import Fonts, cjk_fonts
from app.wiring import registry

_REGISTRY = "blank_forms"


@dataclass(frozen=True)
class BlankForm:
    #: Its address: /guides/forms/<slug>.pdf (letters, digits and dashes).
    slug: str
    title: str  # Chinese: the form's own title (msgid for the English catalog)
    title_en: str
    #: What it is for, one sentence (Chinese, English).
    purpose: tuple[str, str]
    #: Lays out the blank form with the given fonts and issuing office's name: the same code
    #: that prints the filled one.
    build: Callable[[Fonts, str], bytes]
    #: The modules whose code lays it out: a changed layout is a new file (app.built).
    sources: Sequence[ModuleType] = ()


def register_blank_form(app: Flask, form: BlankForm) -> None:
    registry(_REGISTRY, app)[form.slug] = form


def blank_forms() -> list[BlankForm]:
    """The registered forms, in the order the domains registered them (the procedure's)."""
    return list(registry(_REGISTRY).values())


def find(slug: str) -> BlankForm | None:
    return registry(_REGISTRY).get(slug)


def serve(form: BlankForm) -> Response:
    """The blank form as a PDF download, built the first time it is asked for."""
    return serve_built(
        "blank-form",
        # The office's name is printed on it: another name, another file.
        {"slug": form.slug, "office": current_app.config.get("OFFICE_NAME")},
        lambda: form.build(cjk_fonts(current_app.config), current_app.config["OFFICE_NAME"]),
        download_name=f"{form.title}（空白表式）.pdf",
        # A new layout is a new file at the same address: clients ask again each time (ETag).
        final=False,
        sources=form.sources,
    )
