"""Per-application registries: what the domains tell each other at start-up, in their `init_app`.

A registry lives on the app (`app.extensions["smallworks"]`), so importing a module fills nothing
and each app `create_app` builds is wired completely and alone — the tests build one per test.
Registering the same name again replaces it: a second registration never fails or duplicates.
"""

from __future__ import annotations

from flask import Flask, current_app


def registry(name: str, app: Flask | None = None) -> dict:
    """The registry `name` of `app` (the current app by default), empty until a domain fills it."""
    return (app or current_app).extensions.setdefault("smallworks", {}).setdefault(name, {})
