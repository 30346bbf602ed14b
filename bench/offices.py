"""Times the public pages and API by office over 100 offices (10 districts of 9 platforms each)
and 50,000 filed projects (a quarter drawn, with their letters) and 5,000 notices, with the SQL
statements each issues: an N+1 shows as statements growing with the offices or the items.

Run from the repository root: ``.venv/bin/python bench/offices.py [--projects N] [--districts N]
[--platforms N] [--requests N]``. It runs on a fresh SQLite file, and also on a fresh PostgreSQL
database beside TEST_DATABASE_URL's when that is set (dropped afterwards). Data are inserted
directly; what is measured goes through the pages and the API.
"""

from __future__ import annotations

import argparse
import importlib.util
import logging
import os
import sys
import tempfile
from datetime import datetime, timedelta
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path[0] = str(ROOT)

from flask_migrate import upgrade  # noqa: E402
from sqlalchemy import insert, select  # noqa: E402

from app import clock, create_app  # noqa: E402
from app.extensions import db  # noqa: E402
from app.offices.models import Office  # noqa: E402
from config import TestingConfig  # noqa: E402
from contracts.models import Project, Trading  # noqa: E402
from notices.models import Notice  # noqa: E402
from tests.factories import make_notice, make_user  # noqa: E402

# The trading bench's measuring tools and project rows (bench/ is not a package).
_spec = importlib.util.spec_from_file_location("trading_bench", ROOT / "bench" / "trading.py")
tb = importlib.util.module_from_spec(_spec)
sys.modules["trading_bench"] = tb
_spec.loader.exec_module(tb)

MOMENT = datetime(2026, 1, 5, 9, 0, tzinfo=clock.TZ)


def _offices(districts: int, platforms: int) -> tuple[list[int], list[str], list[str]]:
    """The offices, inserted directly: (every id, the districts' codes, the platforms' codes)."""
    now = clock.now()
    db.session.execute(
        insert(Office),
        [
            {"code": f"d{d:02d}", "name": f"第{d}区公管办", "kind": "district", "created_at": now}
            for d in range(districts)
        ],
    )
    parents = dict(db.session.execute(select(Office.code, Office.id)).all())
    db.session.execute(
        insert(Office),
        [
            {
                "code": f"d{d:02d}-p{p}",
                "name": f"第{d}区第{p}街道",
                "kind": "street",
                "parent_id": parents[f"d{d:02d}"],
                "created_at": now,
            }
            for d in range(districts)
            for p in range(platforms)
        ],
    )
    db.session.commit()
    ids = list(db.session.scalars(select(Office.id)))
    return (
        ids,
        sorted(c for c in parents if c.startswith("d")),
        [f"d00-p{p}" for p in range(platforms)],
    )


def _projects(n: int, office_ids: list[int], notice_id: int) -> None:
    """`n` filed projects spread over the offices; every fourth drawn with its letter 1 to 7
    working days after its notice."""
    for start in range(0, n, 5_000):
        rows = []
        for i in range(start, min(n, start + 5_000)):
            row = tb._project(f"PRJ-2025-{i:05d}", i, MOMENT + timedelta(minutes=i))
            row["office_id"] = office_ids[i % len(office_ids)]
            rows.append(row)
        db.session.execute(insert(Project), rows)
    db.session.commit()
    drawn = db.session.execute(
        select(Project.id, Project.code, Project.control_price).where(Project.id % 4 == 0)
    ).all()
    rows = [
        {
            "project_id": pid,
            "round": 1,
            "code": code,
            "notice_id": notice_id,
            "responses_close_at": MOMENT,
            "meeting_at": MOMENT,
            "meeting_place": tb.PLACE,
            "rate_options": tb.RATES,
            "award_draw_id": f"{code}-award",
            "rate_draw_id": f"{code}-rate",
            "failed_reason": "",
            "created_at": MOMENT,
            "outcome": "drawn",
            "held_at": MOMENT,
            "winner_uscc": "91330205144081364U",
            "discount_rate": Decimal("8.50"),
            "contract_price": (control * Decimal("0.915")).quantize(Decimal("0.01")),
            "result_notice_id": notice_id,
            "letter_issued_at": MOMENT + timedelta(days=k % 9),
        }
        for k, (pid, code, control) in enumerate(drawn)
    ]
    for start in range(0, len(rows), 5_000):
        db.session.execute(insert(Trading), rows[start : start + 5_000])
    db.session.commit()


def _notices(per_office: int, office_ids: list[int], like: Notice) -> None:
    base = {
        c.key: getattr(like, c.key)
        for c in Notice.__table__.columns
        if c.key not in ("id", "office_id", "title", "published_at")
    }
    db.session.execute(
        insert(Notice),
        [
            {
                **base,
                "office_id": office_id,
                "title": f"公告{office_id}-{k}",
                "published_at": MOMENT + timedelta(minutes=k),
            }
            for office_id in office_ids
            for k in range(per_office)
        ],
    )
    db.session.commit()


def run(url: str, args, tmp: Path) -> tuple[str, list]:
    app = create_app(TestingConfig, SQLALCHEMY_DATABASE_URI=url, UPLOAD_FOLDER=str(tmp / "up"))
    rows = []
    with app.app_context():
        upgrade(directory=str(ROOT / "migrations"))
        counter = tb.Statements(db.engine)
        clock.set_now(datetime(2026, 11, 26, 9, 0, tzinfo=clock.TZ))
        office_ids, districts, platforms = _offices(args.districts, args.platforms)
        notice = make_notice(make_user("staff", username="bench-staff"))
        _projects(args.projects, office_ids, notice.id)
        _notices(args.notices // len(office_ids), office_ids, notice)
        client = app.test_client()
        district, platform = districts[0], platforms[0]
        pages = [
            ("GET / (a card per office)", "/"),
            ("GET /offices/", "/offices/"),
            (f"GET /offices/<district> ({args.platforms} platforms)", f"/offices/{district}"),
            ("GET /offices/<platform>", f"/offices/{platform}"),
            ("GET /projects/?office=<district>", f"/projects/?office={district}"),
            ("GET /notices/?office=<district>", f"/notices/?office={district}"),
            ("GET /draws/?office=<platform>", f"/draws/?office={platform}"),
            ("GET /api/v1/projects?office=<district>", f"/api/v1/projects?office={district}"),
            ("GET /api/v1/notices?office=<platform>", f"/api/v1/notices?office={platform}"),
            ("GET /api/v1/offices", "/api/v1/offices"),
        ]
        for name, path in pages:
            row = tb.Row(name)
            for _ in range(args.requests + 1):
                response = tb.measure(row, counter, lambda p=path: client.get(p))
                assert response.status_code == 200, (path, response.status_code)
            row.times.pop(0)  # the warm-up (templates compiled, caches filled)
            row.statements.pop(0)
            rows.append(row)
        dialect = db.engine.dialect.name
        db.session.remove()
        db.engine.dispose()
    clock.reset()
    return dialect, rows


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--districts", type=int, default=10)
    parser.add_argument("--platforms", type=int, default=9, help="platforms of each district")
    parser.add_argument("--projects", type=int, default=50_000)
    parser.add_argument("--notices", type=int, default=5_000)
    parser.add_argument("--requests", type=int, default=5, help="timed requests of each page")
    args = parser.parse_args()
    logging.disable(logging.INFO)  # the migrations' progress lines

    tmp = Path(tempfile.mkdtemp(prefix="offices-bench-"))
    targets = [("SQLite (temp file)", f"sqlite:///{tmp / 'bench.sqlite3'}", None)]
    if os.environ.get("TEST_DATABASE_URL"):
        url, drop = tb._postgres(os.environ["TEST_DATABASE_URL"])
        targets.append(("PostgreSQL", url, drop))
    offices = args.districts * (1 + args.platforms)
    print(f"{offices} offices, {args.projects:,} projects, {args.notices:,} notices")
    for label, url, drop in targets:
        try:
            dialect, rows = run(url, args, tmp / label.split()[0].lower())
        finally:
            if drop is not None:
                drop()
        print(f"\n{label} ({dialect})")
        print(f"{'':40}{'runs':>5}{'best ms':>10}{'median ms':>11}{'peak KiB':>11}{'SQL':>8}")
        for row in rows:
            print(row.cells())
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
