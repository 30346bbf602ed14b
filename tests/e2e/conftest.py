"""Browser tests: the real app served by Werkzeug in a background thread on a copy of the migrated
SQLite template, driven by Debian's chromium through Playwright.

Without chromium (or the playwright package) the browser tests are skipped with the reason —
unless SMALLWORKS_REQUIRE_E2E=1, where a missing browser is an error (CI sets it).
Never `playwright install`: the system chromium is used through `executable_path`.
"""

from __future__ import annotations

import os
import shutil
import threading
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import pytest
from flask import Flask
from werkzeug.serving import make_server

from app import create_app
from app.extensions import db, limiter
from config import TestingConfig

ROOT = Path(__file__).resolve().parents[2]
#: Gitignored; the journey leaves its screenshots here for people to look at.
SCREENSHOTS = ROOT / "screenshots"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


def _find_chromium() -> str | None:
    for candidate in ("/usr/bin/chromium", shutil.which("chromium")):
        if candidate and os.path.isfile(candidate) and os.access(candidate, os.X_OK):
            return candidate
    return None


@pytest.fixture(scope="session")
def chromium_path() -> str:
    path = _find_chromium()
    reason = None if path else "no chromium at /usr/bin/chromium or on PATH"
    if reason is None:
        try:
            import playwright.sync_api  # noqa: F401
        except ImportError:
            reason = "the playwright Python package is not installed"
    if reason:
        if os.environ.get("SMALLWORKS_REQUIRE_E2E") == "1":
            pytest.fail(f"SMALLWORKS_REQUIRE_E2E=1 but the browser tests cannot run: {reason}")
        pytest.skip(f"browser tests skipped: {reason} (SMALLWORKS_REQUIRE_E2E=1 makes this fail)")
    return path


@pytest.fixture(scope="session")
def browser(chromium_path):
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=chromium_path, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@dataclass(frozen=True)
class LiveServer:
    app: Flask
    url: str


@contextmanager
def served(sqlite_template, directory: Path, **config):
    """The app on 127.0.0.1 at a free port, with its own copy of the migrated database in
    `directory` (and `config` over TestingConfig)."""
    path = directory / "e2e.sqlite3"
    shutil.copyfile(sqlite_template, path)
    app = create_app(
        TestingConfig,
        SQLALCHEMY_DATABASE_URI=f"sqlite:///{path}",
        UPLOAD_FOLDER=str(directory / "uploads"),
        **config,
    )
    limiter.reset()
    server = make_server("127.0.0.1", 0, app, threaded=True)  # port 0: the OS picks a free one
    thread = threading.Thread(target=server.serve_forever, name="e2e-server", daemon=True)
    thread.start()
    try:
        yield LiveServer(app, f"http://127.0.0.1:{server.server_port}")
    finally:
        server.shutdown()
        thread.join(timeout=10)
        with app.app_context():
            db.engine.dispose()


@pytest.fixture
def live_server(sqlite_template, tmp_path):
    """The app on 127.0.0.1 at a free port, with its own copy of the migrated database."""
    with served(sqlite_template, tmp_path) as server:
        yield server


@pytest.fixture
def screenshots() -> Path:
    SCREENSHOTS.mkdir(exist_ok=True)
    return SCREENSHOTS
