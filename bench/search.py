"""Times the site search (app.search) at two sizes of index — by default 100,000 and 1,000,000
entries — on SQLite and on PostgreSQL: the median latency of each query shape (one to six
Chinese characters, common and rare, a word found nowhere, Latin, a filtered query), newest
first and by relevance, and the ratio of the larger size to the smaller.

The index is filled directly (one row per notice-like object, the grams computed by
app.search.rules as the services do): titles and texts are those of bench/scale.py (villages,
works, their scopes). To build a million entries in minutes rather than half an hour, the bench
database is filled in bulk: on SQLite with the journal and fsync off and the FTS5 table rebuilt
once after the rows (its insert trigger dropped meanwhile, then restored as the migration made
it); on PostgreSQL with the GIN indexes made after the rows. What is measured is the query the
search page runs (app.search.queries.search), its first page of 20.

Each shape is timed `--requests` times (after a warm-up) in each of two passes; the table gives
both passes' medians — the gap between them is the noise of a machine shared with other work.

Run from the repository root: ``.venv/bin/python bench/search.py [--sizes 100000,1000000]
[--requests 25] [--only sqlite|postgresql] [--keep]``. SQLite on a temp file, PostgreSQL on a
database beside BENCH_DATABASE_URL's (default postgresql://postgres@127.0.0.1:5432/test), both
dropped afterwards — unless `--keep`, which keeps them (``smallworks_search_bench_<size>``, in
the temp directory / on the server) and reuses them on the next run instead of building again.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from datetime import timedelta
from pathlib import Path

sys.path[0] = str(Path(__file__).resolve().parents[1])

from flask_migrate import upgrade  # noqa: E402
from sqlalchemy import create_engine, func, select, text  # noqa: E402
from sqlalchemy.engine import make_url  # noqa: E402

from app import create_app  # noqa: E402
from app.extensions import db  # noqa: E402
from app.keyset import Cursor  # noqa: E402
from app.search import queries, rules  # noqa: E402
from app.search.models import SearchEntry  # noqa: E402
from bench.scale import DEFAULT_PG, PLATFORMS, START, VILLAGES, WORKS, _reachable  # noqa: E402
from config import TestingConfig, _normalise_db_url  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
BATCH = 5_000
NAME = "smallworks_search_bench_{size}"
DAY = timedelta(days=1)
FLOOR = "SELECT 1 (the floor)"
#: (label, query, filters): the shapes of issue 17 — one to six characters, common and rare, a
#: word found nowhere, Latin, and a filtered query.
QUERIES = [
    ("1 char, common", "路", {}),
    ("1 char, rare", "鞍", {}),
    ("2 chars, common", "修缮", {}),
    ("2 chars, rare", "鞍山", {}),
    ("3 chars", "清淤整", {}),
    ("4 chars", "文化礼堂", {}),
    ("6 chars, common", "文化礼堂修缮", {}),
    ("6 chars, rare", "鞍山村文化礼", {}),
    ("rare word (one entry)", "0012345", {}),
    ("Latin, 2 words", "PRJ 2025", {}),
    ("no match", "不存在的词语", {}),
    ("filtered: 修缮, JZ, a date", "修缮", {"category": "JZ", "since": START.date() + DAY * 10}),
]


def rows(size: int):
    for i in range(size):
        town = PLATFORMS[i % len(PLATFORMS)][1]
        village = VILLAGES[(i // 7) % len(VILLAGES)]
        work, category, scope = WORKS[i % len(WORKS)]
        title = f"{town}{village}村{work}交易公告"
        text_ = f"项目编号 PRJ-2025-{i:07d}。{scope}。控制价 {100000 + i * 37 % 3000000} 元。"
        g = rules.grams(title, text_)
        yield {
            "kind": "notice",
            "key": str(i + 1),
            "title": title,
            "text": text_,
            "published_at": START + timedelta(seconds=i * 31),
            "type": "trading_notice",
            "category": category,
            "stage": "execution",
            "unigrams": g.unigrams,
            "bigrams": g.bigrams,
        }


def _insert(size: int) -> None:
    batch = []
    for row in rows(size):
        batch.append(row)
        if len(batch) == BATCH:
            db.session.execute(SearchEntry.__table__.insert(), batch)
            batch = []
    if batch:
        db.session.execute(SearchEntry.__table__.insert(), batch)


def build(size: int) -> None:
    """Fill the index in bulk (see the module's docstring): the same rows and the same indexes
    as the services would leave, written the fast way."""
    if db.engine.dialect.name == "postgresql":
        gin = [i for i in SearchEntry.__table__.indexes if i.dialect_options["postgresql"]["using"]]
        for index in gin:
            db.session.execute(text(f"DROP INDEX {index.name}"))
        _insert(size)
        db.session.execute(text("SET maintenance_work_mem = '512MB'"))
        for index in gin:
            index.create(db.session.connection())
        db.session.commit()
        db.session.execute(text("ANALYZE search_entries"))
        db.session.commit()
        return
    db.session.execute(text("PRAGMA journal_mode = OFF"))
    db.session.execute(text("PRAGMA synchronous = OFF"))
    trigger = db.session.scalar(
        text("SELECT sql FROM sqlite_master WHERE name = 'search_entries_ai'")
    )
    db.session.execute(text("DROP TRIGGER search_entries_ai"))
    _insert(size)
    db.session.execute(text("INSERT INTO search_fts(search_fts) VALUES ('rebuild')"))
    db.session.execute(text(trigger))
    db.session.commit()
    db.session.execute(text("ANALYZE"))
    db.session.commit()


def measure(requests: int) -> dict[str, tuple[float, int]]:
    """(label, sort) → (median ms, rows on page 1)."""
    out = {}
    # The floor: a round trip that does nothing (how loaded the machine is, as this pass ran).
    times = []
    for _ in range(requests):
        t0 = time.perf_counter()
        db.session.execute(text("SELECT 1"))
        times.append((time.perf_counter() - t0) * 1000)
        db.session.rollback()
    out[(FLOOR, "—")] = (statistics.median(times), 1)
    for label, q, filters in QUERIES:
        query = rules.parse_query(q)
        for sort in (rules.Sort.DATE, rules.Sort.RELEVANCE):
            times, found = [], 0
            for _ in range(requests + 1):  # the first is a warm-up
                t0 = time.perf_counter()
                page = queries.search(query, queries.Filters(**filters), sort, Cursor())
                times.append((time.perf_counter() - t0) * 1000)
                found = len(page.items)
                db.session.rollback()
            out[(label, sort.value)] = (statistics.median(times[1:]), found)
    return out


def run_one(url: str, size: int, requests: int, tmp: Path):
    """(seconds to build, or None when reused; pass 1; pass 2)."""
    app = create_app(TestingConfig, SQLALCHEMY_DATABASE_URI=url, UPLOAD_FOLDER=str(tmp / "up"))
    with app.app_context():
        upgrade(directory=str(ROOT / "migrations"))
        built = None
        have = db.session.scalar(select(func.count()).select_from(SearchEntry))
        if have != size:
            db.session.execute(SearchEntry.__table__.delete())
            db.session.commit()
            t0 = time.perf_counter()
            build(size)
            built = time.perf_counter() - t0
        passes = (measure(requests), measure(requests))
        db.session.remove()
        db.engine.dispose()
    return built, *passes


def _postgres(base_url: str, size: int, keep: bool):
    """A database beside `base_url`'s (kept, and reused, with `keep`): (its url, drop)."""
    admin_url = make_url(_normalise_db_url(base_url))
    name = NAME.format(size=size) + ("" if keep else f"_{os.getpid()}")
    admin = create_engine(admin_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        exists = conn.scalar(text("SELECT 1 FROM pg_database WHERE datname = :n"), {"n": name})
        if not exists:
            conn.execute(text(f'CREATE DATABASE "{name}"'))

    def drop() -> None:
        if not keep:
            with admin.connect() as conn:
                conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()

    return admin_url.set(database=name).render_as_string(hide_password=False), drop


def report(label: str, sizes: list[int], results: dict) -> None:
    print(f"\n{label}")
    for s in sizes:
        built = results[s][0]
        how = f"built in {built:.0f} s" if built is not None else "reused"
        print(f"  {s:>9,} entries {how}")
    small, large = sizes[0], sizes[-1]
    head = "".join(f"{f'ms @{s:,}':>16}" for s in sizes)
    print(f"{'query':30}{'sort':>10}{head}{'ratio':>7}{'noise':>7}  rows")
    print(f"{'':40}" + "".join(f"{'pass 1 / 2':>16}" for _ in sizes))
    for name, _q, _ in [(FLOOR, "", {}), *QUERIES]:
        for sort in ("—",) if name == FLOOR else ("date", "relevance"):
            cells, noise = "", 0.0
            for s in sizes:
                a, b = results[s][1][(name, sort)][0], results[s][2][(name, sort)][0]
                cells += f"{f'{a:.1f} / {b:.1f}':>16}"
                noise = max(noise, abs(a - b) / max(min(a, b), 0.05))
            med = {
                s: min(results[s][1][(name, sort)][0], results[s][2][(name, sort)][0])
                for s in sizes
            }
            ratio = med[large] / max(med[small], 0.05)
            found = results[large][1][(name, sort)][1]
            print(f"{name:30}{sort:>10}{cells}{ratio:>6.1f}×{noise:>6.0%}  {found}")
    print("  ratio: the better pass at the larger size over the better pass at the smaller;")
    print("  noise: the largest gap between a shape's two passes, over the smaller of them.")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", default="100000,1000000")
    parser.add_argument("--requests", type=int, default=25)
    parser.add_argument("--only", choices=("sqlite", "postgresql"))
    parser.add_argument("--keep", action="store_true", help="keep (and reuse) the databases")
    args = parser.parse_args()
    sizes = [int(s) for s in args.sizes.split(",")]
    with tempfile.TemporaryDirectory() as tmp_name:
        tmp = Path(tmp_name)
        if args.only != "postgresql":
            results = {}
            for size in sizes:
                where = Path(tempfile.gettempdir()) if args.keep else tmp
                path = where / f"{NAME.format(size=size)}.sqlite3"
                results[size] = run_one(f"sqlite:///{path}", size, args.requests, tmp)
                if not args.keep:
                    path.unlink()
            report("SQLite (FTS5 over unigrams and bigrams)", sizes, results)
        if args.only != "sqlite":
            base = os.environ.get("BENCH_DATABASE_URL", DEFAULT_PG)
            why = _reachable(base)
            if why:
                print(f"\nPostgreSQL skipped: {why}")
                return 0
            results = {}
            for size in sizes:
                url, drop = _postgres(base, size, args.keep)
                try:
                    results[size] = run_one(url, size, args.requests, tmp)
                finally:
                    drop()
            report("PostgreSQL (GIN over tsvector unigrams and bigrams)", sizes, results)
    return 0


if __name__ == "__main__":
    sys.exit(main())
