"""Times the trading's heavy steps on a real database: a trading notice announced with its SMS to
a category of 1,000 active members, the award meeting of 500 respondents (the draws, the result
notice and 500 SMS), and GET /api/v1/projects and the public /projects/ page over 2,000 projects,
with the SQL statements each issues (an N+1 shows as statements growing with the page's items).

Run from the repository root: ``.venv/bin/python bench/trading.py [--repeat N] [--members N]
[--respondents N] [--projects N] [--requests N]``. It runs on a fresh SQLite file, and also on a
fresh PostgreSQL database beside TEST_DATABASE_URL's when that is set (dropped afterwards).

Data are inserted directly (members, responses, the listed projects); what is measured goes
through the services and the pages.
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
import tracemalloc
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path

sys.path[0] = str(Path(__file__).resolve().parents[1])

from flask_migrate import upgrade  # noqa: E402
from sqlalchemy import create_engine, insert, make_url, select, text  # noqa: E402

from app import clock, create_app  # noqa: E402
from app.extensions import db  # noqa: E402
from bench.timing import Statements  # noqa: E402
from config import TestingConfig, _normalise_db_url  # noqa: E402
from contractors.models import (  # noqa: E402
    Contractor,
    PoolCall,
    PoolCallCategory,
    PoolCategory,
    PoolSelection,
)
from contracts import api as projects_api  # noqa: E402
from contracts import services  # noqa: E402
from contracts.models import Project, Trading, TradingResponse  # noqa: E402
from tests.factories import default_district, make_notice, make_user  # noqa: E402
from tests.trading_factories import screen_all  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
CATEGORY = "JZ"
ANNOUNCE_AT = datetime(2026, 11, 27, 10, 0, tzinfo=clock.TZ)  # a Friday
MEETING_AT = datetime(2026, 12, 3, 9, 30, tzinfo=clock.TZ)  # after 3 working days' publicity
PLACE = "区公共资源交易中心二楼"
RATES = ["3.00", "4.50", "6.00", "8.50"]


@dataclass
class Row:
    name: str
    times: list[float] = field(default_factory=list)  # ms
    statements: list[int] = field(default_factory=list)
    peak_kib: float | None = None
    note: str = ""

    def cells(self) -> str:
        best, median = min(self.times), statistics.median(self.times)
        peak = f"{self.peak_kib:,.0f}" if self.peak_kib is not None else "—"
        stmts = statistics.median(self.statements)
        return (
            f"{self.name:40}{len(self.times):>5}{best:>10.1f}{median:>11.1f}{peak:>11}"
            f"{stmts:>8.0f}  {self.note}"
        )


def measure(row: Row, counter: Statements, fn) -> object:
    before = counter.n
    started = time.perf_counter()
    result = fn()
    row.times.append((time.perf_counter() - started) * 1000)
    row.statements.append(counter.n - before)
    return result


def traced(fn) -> float:
    """Peak memory traced while ``fn()`` runs, in KiB (tracemalloc: a separate, slower run)."""
    tracemalloc.start()
    try:
        fn()
        return tracemalloc.get_traced_memory()[1] / 1024
    finally:
        tracemalloc.stop()


# ---- data, inserted directly -------------------------------------------------------------------


def _members(n: int) -> list[tuple[int, str]]:
    """`n` active members of CATEGORY: contractors, one pool call, its category, selections."""
    now = clock.now()
    db.session.execute(
        insert(Contractor),
        [
            {
                "uscc": f"B{i:017d}",
                "name": f"基准测试建设有限公司{i}",
                "legal_representative": "张三",
                "contact_person": "李四",
                "contact_mobile": f"+86139{i:08d}",
                "address": "宁波市江北区",
                "registered_at": now,
                "updated_at": now,
            }
            for i in range(n)
        ],
    )
    call = PoolCall(
        code="POOL-BENCH",
        title="基准测试名录库",
        office_id=default_district().id,  # the district whose pool it is (app.offices)
        valid_from=date(2026, 11, 1),
        valid_until=date(2028, 10, 31),
        created_at=now,
    )
    db.session.add(call)
    db.session.flush()
    category_id = db.session.scalar(select(PoolCategory.id).where(PoolCategory.code == CATEGORY))
    cc = PoolCallCategory(call_id=call.id, category_id=category_id, quota=n, outcome="drawn")
    db.session.add(cc)
    db.session.flush()
    people = db.session.execute(select(Contractor.id, Contractor.uscc).order_by(Contractor.id))
    people = [tuple(r) for r in people]
    db.session.execute(
        insert(PoolSelection),
        [
            {
                "call_category_id": cc.id,
                "contractor_id": cid,
                "status": "selected",
                "position": i + 1,
                "since": date(2026, 11, 1),
                "until": date(2028, 11, 1),
            }
            for i, (cid, _uscc) in enumerate(people)
        ],
    )
    db.session.commit()
    return people


def _project(code: str, i: int, filed_at: datetime, office_id: int) -> dict:
    control = Decimal(200_000 + (i % 500) * 5_000)
    return {
        "code": code,
        "office_id": office_id,
        "name": f"甬江街道第{i}村道路硬化工程",
        "owner_name": f"甬江街道第{i}村股份经济合作社",
        "town": "甬江街道",
        "village": f"第{i}村",
        "category_code": CATEGORY,
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
        "filed_at": filed_at,
        "created_at": filed_at,
    }


def _filed(codes: list[str]) -> None:
    db.session.execute(
        insert(Project),
        [_project(c, 9000 + i, clock.now(), default_district().id) for i, c in enumerate(codes)],
    )
    db.session.commit()


def _listed(n: int, people: list[tuple[int, str]], notice_id: int) -> None:
    """`n` filed projects, a quarter in each state: filed, announced, drawn, failed."""
    moment = datetime(2026, 1, 5, 9, 0, tzinfo=clock.TZ)
    db.session.execute(
        insert(Project),
        [_project(f"PRJ-2025-{i:04d}", i, moment, default_district().id) for i in range(n)],
    )
    ids = db.session.execute(
        select(Project.id, Project.code, Project.control_price).where(
            Project.code.like("PRJ-2025-%")
        )
    ).all()
    rows = []
    for k, (pid, code, control) in enumerate(ids):
        state = k % 4
        if state == 0:
            continue
        row = {
            "project_id": pid,
            "round": 1,
            "code": code,
            "notice_id": notice_id,
            "responses_close_at": moment,
            "meeting_at": moment,
            "meeting_place": PLACE,
            "rate_options": RATES,
            "award_draw_id": f"{code}-award",
            "rate_draw_id": f"{code}-rate",
            "failed_reason": "",
            "created_at": moment,
            "outcome": None,
            "held_at": None,
            "winner_uscc": None,
            "discount_rate": None,
            "contract_price": None,
            "result_notice_id": None,
            "letter_issued_at": None,
        }
        if state == 1:
            row["responses_close_at"] = row["meeting_at"] = datetime(2027, 1, 5, tzinfo=clock.TZ)
        elif state == 2:
            row.update(
                outcome="drawn",
                held_at=moment,
                winner_uscc=people[k % len(people)][1],
                discount_rate=Decimal("8.50"),
                contract_price=(control * Decimal("0.915")).quantize(Decimal("0.01")),
                result_notice_id=notice_id,
                letter_issued_at=moment,
            )
        else:
            row.update(
                outcome="failed",
                held_at=moment,
                failed_reason="响应企业2家，少于规定的3家",
                result_notice_id=notice_id,
            )
        rows.append(row)
    db.session.execute(insert(Trading), rows)
    db.session.commit()


def _responses(trading_ids: list[int], people: list[tuple[int, str]], n: int) -> None:
    db.session.execute(
        insert(TradingResponse),
        [
            {
                "trading_id": tid,
                "contractor_id": cid,
                "commitment_text": "本单位自愿参加……（统一表式）",
                "confirmed_at": datetime(2026, 11, 30, 9, 0, tzinfo=clock.TZ),
                "withdrawn_at": None,
            }
            for tid in trading_ids
            for cid, _uscc in people[:n]
        ],
    )
    db.session.commit()


# ---- one database --------------------------------------------------------------------------------


def run(url: str, args, tmp: Path) -> tuple[str, list[Row]]:
    app = create_app(TestingConfig, SQLALCHEMY_DATABASE_URI=url, UPLOAD_FOLDER=str(tmp / "up"))
    rows: list[Row] = []
    with app.app_context():
        upgrade(directory=str(ROOT / "migrations"))
        counter = Statements(db.engine)
        clock.set_now(datetime(2026, 11, 26, 9, 0, tzinfo=clock.TZ))
        staff = make_user("staff", username="bench-staff")
        shared_notice = make_notice(staff)
        people = _members(args.members)
        # Each step: one warm-up run (imports, caches), the timed runs, one traced run.
        runs = args.repeat + 2
        codes = [f"PRJ-2026-B{i:03d}" for i in range(runs)]
        _filed(codes)
        _listed(args.projects - runs, people, shared_notice.id)

        # (1) announce: the notice, both draws' commitments and one SMS per active member.
        clock.set_now(ANNOUNCE_AT)
        data = services.TradingInput(MEETING_AT, PLACE, RATES)
        row = Row(
            f"announce + SMS to {args.members:,} members",
            note=f"{args.members:,} SMS queued each",
        )
        reviewed = {
            code: services.fingerprint(
                db.session.scalar(select(Project).where(Project.code == code))
            )
            for code in codes
        }

        def announce(code: str):
            return services.announce(code, data, reviewed=reviewed[code], actor=staff)

        announce(codes[0])
        for code in codes[1:-1]:
            measure(row, counter, lambda code=code: announce(code))
        row.peak_kib = traced(lambda: announce(codes[-1]))
        rows.append(row)

        # (2) the award meeting: ranking of the respondents, rate pick, result notice, SMS each.
        tradings = db.session.scalars(
            select(Trading.id).where(Trading.code.in_(codes)).order_by(Trading.code)
        ).all()
        _responses(list(tradings), people, args.respondents)
        clock.set_now(MEETING_AT)
        row = Row(
            f"hold_meeting, {args.respondents:,} respondents",
            note=f"{args.respondents:,} SMS queued each",
        )
        entropy = ["37", "8812"]
        for code in codes:  # the meeting's first steps, not timed: credit checks, the entries
            screen_all(code, actor=staff)
            services.show_meeting_entropy(code, entropy, actor=staff)
        services.hold_meeting(codes[0], entropy, actor=staff)
        for code in codes[1:-1]:
            measure(
                row,
                counter,
                lambda code=code: services.hold_meeting(code, entropy, actor=staff),
            )
        row.peak_kib = traced(lambda: services.hold_meeting(codes[-1], entropy, actor=staff))
        rows.append(row)

        # (3) and (4): the API and the public page, a full first page and a page past the end.
        client = app.test_client()
        pages = [("GET /api/v1/projects", "/api/v1/projects", projects_api.PER_PAGE)]
        if "projects.index" in app.view_functions:
            from contracts.views import public  # the page is built by another change

            pages.append(("GET /projects/", "/projects/", public.PER_PAGE))
        for name, path, per_page in pages:
            assert client.get(path).status_code == 200  # warm-up: templates, caches
            row = Row(f"{name} ({args.projects:,} projects)")
            for _ in range(args.requests):
                response = measure(row, counter, lambda path=path: client.get(path))
                assert response.status_code == 200, response.status_code
            row.peak_kib = traced(lambda path=path: client.get(path))
            items = min(per_page, args.projects)
            empty = Row("")
            measure(empty, counter, lambda path=path: client.get(path + "?page=9999"))
            extra = statistics.median(row.statements) - empty.statements[0]
            # More statements than half the page's items beyond an empty page: one per item.
            shape = "constant"
            if items and extra >= items / 2:
                shape = f"N+1: +{extra / items:.1f} per item"
            row.note = f"{items} items/page, {empty.statements[0]} on an empty page: {shape}"
            rows.append(row)
        dialect = db.engine.dialect.name
        db.session.remove()
        db.engine.dispose()
    clock.reset()
    return dialect, rows


def _postgres(base_url: str):
    """A fresh database beside `base_url`'s: (its url, a function that drops it)."""
    admin_url = make_url(_normalise_db_url(base_url))
    name = f"smallworks_bench_{os.getpid()}_{secrets.token_hex(3)}"
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
    parser.add_argument("--repeat", type=int, default=3, help="timed runs of each step")
    parser.add_argument("--members", type=int, default=1_000)
    parser.add_argument("--respondents", type=int, default=500)
    parser.add_argument("--projects", type=int, default=2_000)
    parser.add_argument("--requests", type=int, default=20, help="timed requests of each page")
    args = parser.parse_args()
    if args.respondents > args.members:
        parser.error("--respondents cannot exceed --members")
    logging.getLogger("smallworks.sms").setLevel(logging.ERROR)
    logging.disable(logging.INFO)  # the migrations' progress lines

    tmp = Path(tempfile.mkdtemp(prefix="trading-bench-"))
    targets = [("SQLite (temp file)", f"sqlite:///{tmp / 'bench.sqlite3'}", None)]
    if os.environ.get("TEST_DATABASE_URL"):
        url, drop = _postgres(os.environ["TEST_DATABASE_URL"])
        targets.append(("PostgreSQL", url, drop))
    print(
        f"{args.members:,} active members, {args.respondents:,} respondents, "
        f"{args.projects:,} projects; Python {sys.version.split()[0]}"
    )
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
