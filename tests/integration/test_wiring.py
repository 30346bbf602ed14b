"""Explicit wiring: every registry is empty after importing every module and filled by create_app
(the domains' init_app), per app, without duplicates when several apps are built."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from flask import Flask

from app import create_app
from app.scheduler import ticks
from app.wiring import registry
from config import TestingConfig

ROOT = Path(__file__).resolve().parents[2]

#: Every registry a domain fills in its init_app, and what it holds once the app is wired.
WIRED = {
    "lottery.candidate_sources": ["pool_category", "trading", "trading_project"],
    "lottery.minutes_sections": ["trading", "trading_project"],
    "lottery.owned_subjects": ["pool_category", "trading", "trading_project"],
    "lottery.subject_pages": ["pool_category", "trading", "trading_project"],
    "sms.directory": ["directory"],
    "subscriptions.audience": ["company_of", "reachable"],
    "notices.related_links": ["pool_call", "trading"],
    "notices.subject_category": ["trading"],
    "notices.categories": ["all"],
    "app.code_links": ["draws"],
    "contractors.record_sections": ["evaluations"],
    "contractors.suspension_sources": ["sanctions"],
    "app.time_edges": ["notices", "pool", "trading"],
    "app.metrics": ["draws", "sms"],
    "app.history.kinds": ["complaint", "contractor", "draw", "notice", "project", "sanction"],
    "app.deadline_sources": [
        "complaint.accept",
        "complaint.decide",
        "objection.answer",
        "pool_objection.answer",
        "sanctions",
    ],
}
#: Registries nobody fills yet.
NOT_YET: list[str] = []

# Run in a fresh interpreter: this process has built apps already (and blinker signals are
# process-wide), so "before create_app" is only honest in one that has not.
SCRIPT = """
import importlib, json, pkgutil, sys
from flask import Flask

for package in ("app", "notices", "lottery", "contractors", "contracts"):
    module = importlib.import_module(package)
    for found in pkgutil.walk_packages(module.__path__, package + "."):
        importlib.import_module(found.name)

from app.calendar.services import calendar_changed
from app.wiring import registry

names = json.loads(sys.argv[1])
bare = Flask("bare")
with bare.app_context():
    before = {name: sorted(registry(name)) for name in names}
receivers_before = len(calendar_changed.receivers)

from app import create_app
from config import TestingConfig

apps = [create_app(TestingConfig, SQLALCHEMY_DATABASE_URI="sqlite://", UPLOAD_FOLDER=sys.argv[2])
        for _ in range(2)]
after = [{name: sorted(registry(name, a)) for name in names} for a in apps]
print(json.dumps({
    "before": before,
    "receivers_before": receivers_before,
    "after": after,
    "receivers_after": len(calendar_changed.receivers),
}))
"""


def test_every_registry_is_empty_after_imports_and_filled_by_create_app(tmp_path):
    names = sorted([*WIRED, *NOT_YET])
    out = subprocess.run(
        [sys.executable, "-c", SCRIPT, json.dumps(names), str(tmp_path / "uploads")],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
    )
    seen = json.loads(out.stdout.strip().splitlines()[-1])
    # Importing every module registers nothing.
    assert seen["before"] == {name: [] for name in names}
    assert seen["receivers_before"] == 0
    # Each app is wired completely, and building a second neither fails nor duplicates.
    expected = {**WIRED, **{name: [] for name in NOT_YET}}
    assert seen["after"] == [expected, expected]
    assert seen["receivers_after"] == 1  # notices lengthen running publicity on a calendar change


def test_each_app_has_its_own_registries(app, tmp_path):
    """A registration in one app (a test's stand-in source) is not seen by another."""
    from lottery import services as draws

    other = create_app(
        TestingConfig, SQLALCHEMY_DATABASE_URI="sqlite://", UPLOAD_FOLDER=str(tmp_path)
    )
    draws.register_candidate_source(other, "test_only", lambda code: None)
    assert "test_only" in registry("lottery.candidate_sources", other)
    assert "test_only" not in registry("lottery.candidate_sources", app)
    assert sorted(registry("lottery.candidate_sources", app)) == WIRED["lottery.candidate_sources"]
    bare = Flask("bare")
    assert registry("lottery.candidate_sources", bare) == {}


def test_create_app_wires_the_domains_blueprints_cli_groups_and_ticks(app):
    # The app's own pages first, then the domains in the order of the import rules.
    assert list(app.blueprints) == [
        *("public", "auth", "accounts", "calendar", "offices", "offices_api", "history"),
        "history_api",
        *("notices", "notices_staff", "notices_api", "sms", "sms_staff", "guides", "guides_staff"),
        "subscriptions",
        *("draws", "draws_staff", "draws_api"),
        *("pool_api", "pool_staff", "pool", "contractor"),
        *("sanctions", "sanctions_staff", "sanctions_account", "sanctions_api"),
        *("projects_api", "ocds_api", "stats_api", "stats", "projects", "project_documents"),
        *("projects_owner", "projects_staff"),
        *("projects_account", "evaluations", "objections"),
        *("complaints_api", "complaints_account", "complaints_staff"),
        "supervision",  # the oversight pages read what the domains registered
        "ops",  # health, readiness and metrics (app.observability), after the domains
    ]
    assert "draws" in app.cli.commands
    assert {t.id for t in ticks(app)} >= {
        "sms-send",
        "subscriptions-fanout",
        "uploads-sweep",
        "form-claims-prune",
    }
