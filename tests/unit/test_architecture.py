"""The layout's import rules (DESIGN.md, Architecture): pure modules stay pure, app/ stays below the domains."""

from __future__ import annotations

import ast
import importlib
import pkgutil
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
DOMAINS = ("notices", "lottery", "contractors", "contracts")
#: Every `rules.py` at any depth (notices/sms/rules.py, app/calendar/rules.py…) and every module of
#: a `rules/` package (a rules module split along its concerns) is pure.
RULES = sorted(
    str(p.relative_to(ROOT))
    for package in ("app", *DOMAINS)
    for p in (ROOT / package).rglob("*.py")
    if p.name == "rules.py" or "rules" in p.relative_to(ROOT).parts[:-1]
)
PURE = [
    "app/workdays.py",
    "app/clock.py",
    "app/refusal.py",
    "app/money.py",
    "app/charts.py",
    "app/auth/roles.py",
    "lottery/engine.py",
    "contractors/identity.py",
    *(str(p.relative_to(ROOT)) for p in sorted((ROOT / "contracts/ocds/mapping").glob("*.py"))),
    *RULES,
]


def _imports(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(a.name for a in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module)
    return names


def test_the_rules_modules_are_found_at_every_depth():
    assert {"notices/sms/rules.py", "app/calendar/rules.py", "app/auth/rules.py"} <= set(RULES)


@pytest.mark.parametrize("module", PURE)
def test_a_pure_module_imports_neither_flask_nor_sqlalchemy(module):
    for name in _imports(ROOT / module):
        top = name.split(".")[0]
        assert top not in {
            "flask",
            "flask_sqlalchemy",
            "sqlalchemy",
            "flask_login",
            "flask_babel",
        }, f"{module} imports {name}"


def test_a_split_rules_package_is_checked_module_by_module():
    assert {
        "contractors/rules/call.py",
        "contracts/rules/states.py",
        "contracts/complaints/rules/states.py",
        "lottery/rules/entropy.py",
    } <= set(RULES)


@pytest.mark.parametrize(
    "package",
    ["contractors.rules", "contracts.rules", "contracts.complaints.rules", "lottery.rules"],
)
def test_a_split_rules_package_offers_every_rule_of_its_modules(package):
    # Callers import a domain's rules from the package alone (`from contracts import rules`):
    # a name a module defines but the package does not re-export would be reached by a path.
    root = importlib.import_module(package)
    for info in pkgutil.iter_modules(root.__path__):
        module = importlib.import_module(f"{package}.{info.name}")
        tree = ast.parse(Path(module.__file__).read_text(encoding="utf-8"))
        for node in tree.body:
            if isinstance(node, ast.FunctionDef | ast.ClassDef):
                names = [node.name]
            elif isinstance(node, ast.Assign):
                names = [t.id for t in node.targets if isinstance(t, ast.Name)]
            elif isinstance(node, ast.AnnAssign) and isinstance(node.target, ast.Name):
                names = [node.target.id]
            else:
                continue
            if isinstance(getattr(node, "value", None), ast.Name):
                continue  # a module's own shorthand (`S = ProjectState`), not a rule
            for name in names:
                if not name.startswith("_"):
                    assert name in root.__all__, f"{package}.{info.name}.{name} is not re-exported"


def test_the_verifier_needs_the_standard_library_alone():
    for name in _imports(ROOT / "lottery" / "verify.py"):
        assert name.split(".")[0] in sys.stdlib_module_names, f"lottery/verify.py imports {name}"


# app/ registers the domains' blueprints and models (__init__), the public home (public, home)
# and search read the notices (DESIGN.md puts them in app/), and the demo walks every domain.
APP_MAY_NAME_DOMAINS = {"app/__init__.py", "app/demo.py", "app/home.py", "app/public.py"}


def test_app_does_not_import_the_domains_except_to_register_them():
    for path in (ROOT / "app").rglob("*.py"):
        rel = str(path.relative_to(ROOT))
        if rel in APP_MAY_NAME_DOMAINS:
            continue
        for name in _imports(path):
            assert name.split(".")[0] not in DOMAINS, f"{rel} imports {name}"


@pytest.mark.parametrize("package", ["app", "notices", "lottery", "contractors", "contracts"])
def test_every_module_opens_with_a_docstring(package):
    for path in (ROOT / package).rglob("*.py"):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        assert ast.get_docstring(tree), f"{path.relative_to(ROOT)} has no module docstring"


# DESIGN.md, Architecture: who may import whom among the domains.
MAY_NOT_IMPORT = {
    "lottery": {"notices", "contractors", "contracts"},
    "notices": {"lottery", "contractors", "contracts"},
    "contractors": {"contracts"},
}


@pytest.mark.parametrize("package", sorted(MAY_NOT_IMPORT))
def test_a_domain_imports_only_the_domains_below_it(package):
    for path in (ROOT / package).rglob("*.py"):
        for name in _imports(path):  # function-level imports count too
            assert name.split(".")[0] not in MAY_NOT_IMPORT[package], (
                f"{path.relative_to(ROOT)} imports {name}"
            )
