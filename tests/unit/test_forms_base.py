"""Every form of the platform derives from the house forms (`app.forms`), so that no form can
skip their rules: control characters, integer bounds, WTForms' messages in the user's language."""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
PACKAGES = ("app", "notices", "lottery", "contractors", "contracts")
#: The library bases only app/forms.py may build on.
LIBRARY_BASES = {("flask_wtf", "FlaskForm"), ("flask_wtf.form", "FlaskForm"), ("wtforms", "Form")}


def test_no_module_but_app_forms_builds_a_form_on_the_library_bases():
    offenders = []
    for package in PACKAGES:
        for path in (ROOT / package).rglob("*.py"):
            rel = str(path.relative_to(ROOT))
            if rel == "app/forms.py":
                continue
            tree = ast.parse(path.read_text(encoding="utf-8"))
            for node in ast.walk(tree):
                if isinstance(node, ast.ImportFrom) and node.module:
                    for alias in node.names:
                        if (node.module, alias.name) in LIBRARY_BASES:
                            offenders.append(f"{rel}: from {node.module} import {alias.name}")
                elif (
                    isinstance(node, ast.Attribute)
                    and node.attr in ("FlaskForm", "Form")
                    and isinstance(node.value, ast.Name)
                    and node.value.id in ("flask_wtf", "wtforms")
                ):
                    offenders.append(f"{rel}: {node.value.id}.{node.attr}")
    assert offenders == [], "derive from app.forms.FlaskForm / app.forms.Form: " + "; ".join(
        offenders
    )
