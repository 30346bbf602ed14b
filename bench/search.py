"""Times the site search (app.search) at two or more sizes of index: the median latency of
queries of 1, 2, 3 and 6 Chinese characters and of Latin, newest first and by relevance, on
SQLite and on PostgreSQL.

The index is filled directly (one row per notice-like object, the grams computed by
app.search.rules as the services do), in batches, in one transaction: titles and texts are those
of bench/scale.py (villages, works, their scopes). What is measured is the query the search page
runs (app.search.queries.search), first page of 20.

Run from the repository root: ``.venv/bin/python bench/search.py [--sizes 10000,1000000]
[--requests N] [--only sqlite|postgresql]``. SQLite on a fresh temp file, PostgreSQL on a fresh
database beside BENCH_DATABASE_URL's (default postgresql://postgres@127.0.0.1:5432/test),
dropped afterwards.
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

from app import create_app  # noqa: E402
from app.extensions import db  # noqa: E402
from app.keyset import Cursor  # noqa: E402
from app.search import queries, rules  # noqa: E402
from app.search.models import SearchEntry  # noqa: E402
from bench.scale import (  # noqa: E402
    DEFAULT_PG,
    PLATFORMS,
    START,
    VILLAGES,
    WORKS,
    _postgres,
    _reachable,
)
from config import TestingConfig  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
BATCH = 5_000
#: (label, query): one, two, three and six characters — common and rare — and Latin.
QUERIES = [
    ("1 char, common", "路"),
    ("1 char, rare", "鞍"),
    ("2 chars, common", "修缮"),
    ("2 chars, rare", "鞍山"),
    ("3 chars", "清淤整"),
    ("6 chars", "文化礼堂修缮"),
    ("6 chars, rare", "鞍山村文化礼"),
    ("Latin", "PRJ 2025"),
    ("no match", "不存在的词语"),
]


def rows(size: int):
    for i in range(size):
        town = PLATFORMS[i % len(PLATFORMS)][1]
        village = VILLAGES[(i // 7) % len(VILLAGES)]
        work, category, scope = WORKS[i % len(WORKS)]
        title = f"{town}{village}村{work}交易公告"
        text = f"项目编号 PRJ-2025-{i:07d}。{scope}。控制价 {100000 + i * 37 % 3000000} 元。"
        g = rules.grams(title, text)
        yield {
            "kind": "notice",
            "key": str(i + 1),
            "title": title,
            "text": text,
            "published_at": START + timedelta(seconds=i * 31),
            "type": "trading_notice",
            "category": category,
            "stage": "execution",
            "unigrams": g.unigrams,
            "bigrams": g.bigrams,
        }


def build(size: int) -> None:
    batch = []
    for row in rows(size):
        batch.append(row)
        if len(batch) == BATCH:
            db.session.execute(SearchEntry.__table__.insert(), batch)
            batch = []
    if batch:
        db.session.execute(SearchEntry.__table__.insert(), batch)
    db.session.commit()
    if db.engine.dialect.name == "postgresql":
        db.session.execute(db.text("ANALYZE search_entries"))
        db.session.commit()


def measure(requests: int) -> dict[tuple[str, str], tuple[float, int]]:
    out = {}
    for label, q in QUERIES:
        query = rules.parse_query(q)
        for sort in (rules.Sort.DATE, rules.Sort.RELEVANCE):
            times, found = [], 0
            for _ in range(requests + 1):  # the first is a warm-up
                t0 = time.perf_counter()
                page = queries.search(query, queries.Filters(), sort, Cursor())
                times.append((time.perf_counter() - t0) * 1000)
                found = len(page.items)
                db.session.rollback()
            out[(label, sort.value)] = (statistics.median(times[1:]), found)
    return out


def run_one(url: str, size: int, requests: int, tmp: Path):
    app = create_app(TestingConfig, SQLALCHEMY_DATABASE_URI=url, UPLOAD_FOLDER=str(tmp / "up"))
    with app.app_context():
        upgrade(directory=str(ROOT / "migrations"))
        t0 = time.perf_counter()
        build(size)
        built = time.perf_counter() - t0
        result = measure(requests)
        db.session.remove()
        db.engine.dispose()
    return built, result


def report(label: str, sizes: list[int], results: dict) -> None:
    print(f"\n{label}")
    for s in sizes:
        print(f"  {s:>9,} entries built in {results[s][0]:.1f} s")
    head = "".join(f"{f'ms @{s:,}':>14}" for s in sizes)
    print(f"{'query':34}{'sort':>10}{head}  (rows on page 1)")
    for name, q in QUERIES:
        for sort in ("date", "relevance"):
            cells = "".join(f"{results[s][1][(name, sort)][0]:>14.1f}" for s in sizes)
            found = results[sizes[-1]][1][(name, sort)][1]
            print(f"{name + ' ' + repr(q):34}{sort:>10}{cells}  ({found})")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", default="10000,1000000")
    parser.add_argument("--requests", type=int, default=7)
    parser.add_argument("--only", choices=("sqlite", "postgresql"))
    args = parser.parse_args()
    sizes = [int(s) for s in args.sizes.split(",")]
    with tempfile.TemporaryDirectory() as tmp_name:
        tmp = Path(tmp_name)
        if args.only != "postgresql":
            results = {}
            for size in sizes:
                path = tmp / f"search-{size}.sqlite3"
                results[size] = run_one(f"sqlite:///{path}", size, args.requests, tmp)
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
                url, drop = _postgres(base, size)
                try:
                    results[size] = run_one(url, size, args.requests, tmp)
                finally:
                    drop()
            report("PostgreSQL (GIN over tsvector unigrams and bigrams)", sizes, results)
    return 0


if __name__ == "__main__":
    sys.exit(main())
