"""Times the public statistics (/stats/, /api/v1/stats) at a realistic volume, on demand.

The data are bench/scale.py's: ``--notices`` published notices over a year (2025-06 to 2026-06),
with per 10,000 of them 1,000 tradings and their 2,000 draws, spread over ``--districts``
districts of 3 platforms each. 500,000 notices (the default) are 50,000 tradings — a province's
year, the platform's target. Timed: the page and the API for a year, every office and one
district, with the page cache off (this measures the statements), the statements each request
sends, and on PostgreSQL the plan of the fairness statement.

Run from the repository root: ``.venv/bin/python bench/stats.py [--notices N] [--only
sqlite|postgresql] [--requests N]``. PostgreSQL runs on a fresh database beside
BENCH_DATABASE_URL's (default postgresql://postgres@127.0.0.1:5432/test), dropped afterwards.
"""

from __future__ import annotations

import argparse
import logging
import os
import statistics
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

sys.path[0] = str(Path(__file__).resolve().parents[1])

from flask_migrate import upgrade  # noqa: E402
from sqlalchemy import event, func, select  # noqa: E402

from app import clock, create_app  # noqa: E402
from app.extensions import db  # noqa: E402
from app.offices.models import Office  # noqa: E402
from bench.scale import (  # noqa: E402
    DEFAULT_PG,
    DISTRICTS,
    NOW,
    ROOT,
    START,
    Plan,
    _postgres,
    _reachable,
    build,
    cache_off,
)
from bench.timing import Statements, time_page  # noqa: E402
from config import TestingConfig  # noqa: E402
from contracts.models import Trading  # noqa: E402
from contracts.queries import stats  # noqa: E402


@dataclass
class Row:
    path: str
    times: list = field(default_factory=list)
    statements: list = field(default_factory=list)
    status: int = 0
    note: str = ""


def _explain(year: int) -> list[str]:
    """PostgreSQL's plan (with timings) of the fairness statement for every office: run on the
    same cursor with the same parameters, just before the statement itself."""
    plans: list[str] = []

    def explain(conn, cursor, statement, parameters, context, executemany):
        if "json_array_elements_text" in statement and not plans:
            cursor.execute("EXPLAIN (ANALYZE, BUFFERS) " + statement, parameters)
            plans.extend(r[0] for r in cursor.fetchall())

    event.listen(db.engine, "before_cursor_execute", explain)
    try:
        stats.draw_entries(year, None)
    finally:
        event.remove(db.engine, "before_cursor_execute", explain)
    return plans


def run(url: str, notices: int, args, tmp: Path) -> None:
    overrides, note = cache_off()
    app = create_app(
        TestingConfig, SQLALCHEMY_DATABASE_URI=url, UPLOAD_FOLDER=str(tmp / "up"), **overrides
    )
    with app.app_context():
        upgrade(directory=str(ROOT / "migrations"))
        clock.set_now(START)
        started = time.perf_counter()
        build(Plan(notices, args.districts))
        built = time.perf_counter() - started
        clock.set_now(NOW)
        drawn = db.session.scalar(
            select(func.count()).select_from(Trading).where(Trading.outcome == "drawn")
        )
        district = db.session.scalar(
            select(Office.code).where(Office.kind == "district").order_by(Office.id)
        )
        print(f"  built {notices:,} notices in {built:.0f} s: {drawn:,} drawn tradings; {note}")
        counter = Statements(db.engine)
        client = app.test_client()
        for path in (
            "/stats/?year=2025",
            "/api/v1/stats?year=2025",
            f"/stats/?year=2025&office={district}",
            f"/api/v1/stats?year=2026&office={district}",
        ):
            row = Row(path)
            time_page(client, path, row, counter, requests=args.requests, budget=args.budget)
            median = statistics.median(row.times) if row.times else float("nan")
            print(
                f"  {path:45} {row.status}  median {median:8.1f} ms over {len(row.times)}"
                f"  statements {max(row.statements, default=0)}  {row.note}"
            )
        if db.engine.dialect.name == "postgresql" and args.explain:
            for line in _explain(2025):
                print("    " + line)
        db.session.remove()
        db.engine.dispose()
    clock.reset()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--notices", type=int, default=500_000)
    parser.add_argument("--districts", type=int, default=DISTRICTS)
    parser.add_argument("--requests", type=int, default=5)
    parser.add_argument("--budget", type=float, default=30.0)
    parser.add_argument("--only", choices=("sqlite", "postgresql"))
    parser.add_argument("--explain", action="store_true", help="print PostgreSQL's plan")
    args = parser.parse_args()
    logging.disable(logging.INFO)
    tmp = Path(tempfile.mkdtemp(prefix="stats-bench-"))
    if args.only in (None, "sqlite"):
        print("SQLite (temp file)")
        path = tmp / "stats.sqlite3"
        try:
            run(f"sqlite:///{path}", args.notices, args, tmp)
        finally:
            path.unlink(missing_ok=True)
    if args.only in (None, "postgresql"):
        base = os.environ.get("BENCH_DATABASE_URL", DEFAULT_PG)
        why = _reachable(base)
        if why is not None:
            print(f"PostgreSQL unreachable, skipped: {why}")
            return 0
        url, drop = _postgres(base, args.notices)
        print("PostgreSQL")
        try:
            run(url, args.notices, args, tmp)
        finally:
            drop()
    return 0


if __name__ == "__main__":
    sys.exit(main())
