"""Times the pages of a province on one deployment ([Offices]): 100 offices (10 districts of 9
street/town platforms each) and 50,000 projects with their trading notices, through the Flask
test client: the home page, the project and notice lists filtered by office, a platform's page,
the API's projects filtered by office and its offices, and a street clerk's workbench — with the
median and 95th percentile in ms and the SQL statements each request issues.

Run from the repository root: ``.venv/bin/python bench/offices.py [--districts N]
[--platforms N] [--projects N] [--requests N]``. It runs on a fresh SQLite file, and also on a
fresh PostgreSQL database beside BENCH_DATABASE_URL's when that is set (dropped afterwards).
The data are inserted directly (offices, projects, notices, tradings); what is measured goes
through the pages. Pages another change has not built yet are listed with their status.
"""

from __future__ import annotations

import argparse
import logging
import os
import secrets
import statistics
import sys
import tempfile
import time
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from decimal import Decimal
from pathlib import Path

sys.path[0] = str(Path(__file__).resolve().parents[1])

from flask_migrate import upgrade  # noqa: E402
from sqlalchemy import create_engine, insert, make_url, select, text  # noqa: E402

from app import clock, create_app  # noqa: E402
from app.extensions import db  # noqa: E402
from app.offices.models import Office  # noqa: E402
from bench.timing import Statements, time_page  # noqa: E402
from config import TestingConfig, _normalise_db_url  # noqa: E402
from contracts.models import Project, Trading  # noqa: E402
from notices.models import Notice  # noqa: E402
from tests.factories import PASSWORD, Browser, make_user  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
MOMENT = datetime(2026, 6, 1, 9, 0, tzinfo=clock.TZ)
NOW = datetime(2026, 11, 27, 10, 0, tzinfo=clock.TZ)
RATES = ["3.00", "4.50", "6.00", "8.50"]
BATCH = 5_000


@dataclass
class Row:
    name: str
    times: list[float] = field(default_factory=list)  # ms
    statements: list[int] = field(default_factory=list)
    status: int = 200
    note: str = ""

    def cells(self) -> str:
        if self.status != 200:
            return f"{self.name:52}  answered {self.status} (not built yet?)"
        ordered = sorted(self.times)
        p95 = ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]
        return (
            f"{self.name:52}{len(self.times):>5}{statistics.median(self.times):>11.1f}"
            f"{p95:>10.1f}{statistics.median(self.statements):>7.0f}  {self.note}"
        )


# ---- data, inserted directly -------------------------------------------------------------------


def _offices(districts: int, platforms: int) -> list[tuple[int, str, int]]:
    """`districts` districts of `platforms` platforms each: [(platform id, code, district id)]."""
    now = clock.now()
    db.session.execute(
        insert(Office),
        [
            {
                "code": f"d{d:02d}",
                "name": f"第{d}区公共资源交易管理办公室",
                "kind": "district",
                "parent_id": None,
                "sort_order": d,
                "created_at": now,
            }
            for d in range(districts)
        ],
    )
    ids = dict(db.session.execute(select(Office.code, Office.id)).all())
    db.session.execute(
        insert(Office),
        [
            {
                "code": f"d{d:02d}-p{p}",
                "name": f"第{d}区第{p}街道",
                "kind": "street",
                "parent_id": ids[f"d{d:02d}"],
                "sort_order": p,
                "created_at": now,
            }
            for d in range(districts)
            for p in range(platforms)
        ],
    )
    db.session.commit()
    rows = db.session.execute(
        select(Office.id, Office.code, Office.parent_id)
        .where(Office.kind == "street")
        .order_by(Office.id)
    ).all()
    return [tuple(r) for r in rows]


def _projects(n: int, platforms: list[tuple[int, str, int]], names: dict[int, str]) -> None:
    """`n` filed projects spread over the platforms, each with its trading notice (published);
    three in four announced (a trading), a third of those drawn."""
    for start in range(0, n, BATCH):
        chunk = range(start, min(n, start + BATCH))
        projects, notices = [], []
        for i in chunk:
            office_id, _code, _district = platforms[i % len(platforms)]
            town = names[office_id]
            control = Decimal(200_000 + (i % 500) * 5_000)
            filed = MOMENT + timedelta(minutes=i)
            projects.append(
                {
                    "code": f"PRJ-2026-{i:05d}",
                    "name": f"{town}第{i}村道路硬化工程",
                    "owner_name": f"{town}第{i}村股份经济合作社",
                    "town": town,
                    "village": f"第{i}村",
                    "category_code": "JZ",
                    "kind": "construction",
                    "funding": "collective",
                    "estimate": control + 10_000,
                    "control_price": control,
                    "non_competitive_part": Decimal("0.00"),
                    "duration_days": 60,
                    "scope": "道路硬化",
                    "contact_person": "王五",
                    "contact_phone": "0574-87654321",
                    "documents": "",
                    "filing": "filed",
                    "sent_back_reasons": "",
                    "filed_at": filed,
                    "created_at": filed,
                    "office_id": office_id,
                }
            )
            notices.append(
                {
                    "type": "trading_notice",
                    "title": f"{town}第{i}村道路硬化工程交易公告",
                    "body": "**控制价**：862,300.00元",
                    "office_id": office_id,
                    "issuing_body": town,
                    "legal_basis": "交易公告不少于3个工作日",
                    "status": "published",
                    "min_working_days": 3,
                    "published_at": filed,
                    "publicity_ends_at": filed + timedelta(days=5),
                    "subject_type": "trading",
                    "subject_id": f"PRJ-2026-{i:05d}",
                    "created_at": filed,
                }
            )
        db.session.execute(insert(Project), projects)
        db.session.execute(insert(Notice), notices)
        db.session.commit()
    notice_of = dict(
        db.session.execute(
            select(Notice.subject_id, Notice.id).where(Notice.subject_type == "trading")
        ).all()
    )
    rows = db.session.execute(select(Project.id, Project.code, Project.control_price)).all()
    tradings = []
    for k, (pid, code, control) in enumerate(rows):
        if k % 4 == 0:
            continue  # filed, not announced
        drawn = k % 3 == 0
        tradings.append(
            {
                "project_id": pid,
                "round": 1,
                "code": code,
                "notice_id": notice_of[code],
                "responses_close_at": MOMENT + timedelta(days=7),
                "meeting_at": MOMENT + timedelta(days=7),
                "meeting_place": "区公共资源交易中心二楼",
                "rate_options": RATES,
                "award_draw_id": f"{code}-award",
                "rate_draw_id": f"{code}-rate",
                "failed_reason": "",
                "created_at": MOMENT,
                "outcome": "drawn" if drawn else None,
                "held_at": MOMENT + timedelta(days=7) if drawn else None,
                "winner_uscc": "91330205144025768D" if drawn else None,
                "discount_rate": Decimal("8.50") if drawn else None,
                "contract_price": (control * Decimal("0.915")).quantize(Decimal("0.01"))
                if drawn
                else None,
                "result_notice_id": notice_of[code] if drawn else None,
                "letter_issued_at": MOMENT + timedelta(days=7) if drawn else None,
            }
        )
    for start in range(0, len(tradings), BATCH):
        db.session.execute(insert(Trading), tradings[start : start + BATCH])
        db.session.commit()


# ---- one database ------------------------------------------------------------------------------


def run(url: str, args, tmp: Path) -> tuple[str, list[Row], float]:
    app = create_app(TestingConfig, SQLALCHEMY_DATABASE_URI=url, UPLOAD_FOLDER=str(tmp / "up"))
    rows: list[Row] = []
    with app.app_context():
        upgrade(directory=str(ROOT / "migrations"))
        clock.set_now(MOMENT)
        started = time.perf_counter()
        platforms = _offices(args.districts, args.platforms)
        names = dict(db.session.execute(select(Office.id, Office.name)).all())
        _projects(args.projects, platforms, names)
        loaded = time.perf_counter() - started
        clock.set_now(NOW)
        district_code = "d00"
        platform_id, platform_code, _d = platforms[0]
        clerk = make_user("staff", "bench-clerk", office=db.session.get(Office, platform_id))
        db.session.commit()
        counter = Statements(db.engine)
        anonymous = app.test_client()
        browser = Browser(app)
        assert browser.login(clerk.username, PASSWORD).status_code == 302
        pages = [
            ("GET / (home)", anonymous, "/"),
            (
                f"GET /projects/?office={platform_code}",
                anonymous,
                f"/projects/?office={platform_code}",
            ),
            (
                f"GET /projects/?office={district_code} (a district)",
                anonymous,
                f"/projects/?office={district_code}",
            ),
            (
                f"GET /notices/?office={platform_code}",
                anonymous,
                f"/notices/?office={platform_code}",
            ),
            (f"GET /offices/{platform_code}", anonymous, f"/offices/{platform_code}"),
            (
                f"GET /api/v1/projects?office={platform_code}",
                anonymous,
                f"/api/v1/projects?office={platform_code}",
            ),
            ("GET /api/v1/offices", anonymous, "/api/v1/offices"),
            ("GET /dashboard (a street clerk)", browser, "/dashboard"),
            ("GET /staff/projects/ (a street clerk)", browser, "/staff/projects/"),
        ]
        for name, client, path in pages:
            row = Row(name)
            time_page(client, path, row, counter, requests=args.requests, budget=args.budget)
            rows.append(row)
        dialect = db.engine.dialect.name
        db.session.remove()
        db.engine.dispose()
    clock.reset()
    return dialect, rows, loaded


def _postgres(base_url: str):
    """A fresh database beside `base_url`'s: (its url, a function that drops it)."""
    admin_url = make_url(_normalise_db_url(base_url))
    name = f"smallworks_bench_offices_{os.getpid()}_{secrets.token_hex(3)}"
    admin = create_engine(admin_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))

    def drop() -> None:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()

    return admin_url.set(database=name).render_as_string(hide_password=False), drop


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--districts", type=int, default=10)
    parser.add_argument("--platforms", type=int, default=9, help="platforms of each district")
    parser.add_argument("--projects", type=int, default=50_000)
    parser.add_argument("--requests", type=int, default=20, help="timed requests of each page")
    parser.add_argument(
        "--budget", type=float, default=30.0, help="seconds of timed requests per page at most"
    )
    args = parser.parse_args()
    logging.disable(logging.INFO)  # the migrations' progress lines
    tmp = Path(tempfile.mkdtemp(prefix="offices-bench-"))
    targets = [("SQLite (temp file)", f"sqlite:///{tmp / 'bench.sqlite3'}", None)]
    if os.environ.get("BENCH_DATABASE_URL"):
        url, drop = _postgres(os.environ["BENCH_DATABASE_URL"])
        targets.append(("PostgreSQL", url, drop))
    offices = args.districts * (args.platforms + 1)
    print(
        f"{offices} offices ({args.districts} districts × {args.platforms} platforms), "
        f"{args.projects:,} projects with their trading notices; Python {sys.version.split()[0]}"
    )
    for label, url, drop in targets:
        try:
            dialect, rows, loaded = run(url, args, tmp / label.split()[0].lower())
        finally:
            if drop is not None:
                drop()
        print(f"\n{label} ({dialect}), data inserted in {loaded:.1f} s")
        print(f"{'':52}{'runs':>5}{'median ms':>11}{'p95 ms':>10}{'SQL':>7}")
        for row in rows:
            print(row.cells())
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
