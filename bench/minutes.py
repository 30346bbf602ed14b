"""Eight concurrent draw-minutes requests, rebuilt on each request (before) or built once (after),
and what they do to `/healthz` meanwhile (issue 10, finding 21).

Run from the repository root: ``.venv/bin/python bench/minutes.py [--rounds N] [--concurrent N]``.
A threaded server in this process on a fresh SQLite database serves one drawn draw; each round
fires the minutes requests at once while a probe asks `/healthz` every 10 ms.
"""

from __future__ import annotations

import argparse
import io
import logging
import statistics
import sys
import tempfile
import threading
import time
import urllib.request
from pathlib import Path

sys.path[0] = str(Path(__file__).resolve().parents[1])

from flask import send_file  # noqa: E402
from flask_migrate import upgrade  # noqa: E402
from werkzeug.serving import make_server  # noqa: E402

import lottery.views  # noqa: E402
from app import create_app  # noqa: E402
from app.extensions import db  # noqa: E402
from config import TestingConfig  # noqa: E402
from lottery import demo, services  # noqa: E402


def _draw(app) -> str:
    from app.auth.services import NewUser, create_user

    with app.app_context():
        upgrade(directory=str(Path(__file__).resolve().parents[1] / "migrations"))
        from app.offices.services import NewOffice, create_office

        office = create_office(NewOffice("bench", "测试区", "district"), actor="bench")
        staff = create_user(
            NewUser("bench", "测试", "staff", "bench-password-123", "", office.id), actor="bench"
        )
        d = services.commit_ranking(
            "BENCH-2026-0001-award",
            "某工程 承接单位摇号",
            services.Subject("project", "BENCH-2026-0001"),
            candidates=sorted(demo.AWARD_COMPANIES),
            candidate_labels=demo.AWARD_COMPANIES,
            actor=staff,
        )
        services.show_pending_entropy(d.draw_id, ["37", "8812"], actor=staff)
        draw_id = d.draw_id
        services.draw(draw_id, ["37", "8812"], actor=staff)
        db.session.remove()
        return draw_id


def rebuilt_each_time(kind, identity, build, *, download_name, mimetype="application/pdf", **_):
    """The minutes as served before: built on every request, nothing kept."""
    return send_file(io.BytesIO(build()), mimetype=mimetype, download_name=download_name)


def _get(url: str) -> float:
    start = time.perf_counter()
    with urllib.request.urlopen(url, timeout=60) as r:
        r.read()
    return (time.perf_counter() - start) * 1000


def _round(base: str, path: str, concurrent: int) -> tuple[float, list[float]]:
    """Wall time of `concurrent` simultaneous requests, and /healthz latencies meanwhile."""
    probes: list[float] = []
    done = threading.Event()

    def probe() -> None:
        while not done.is_set():
            probes.append(_get(base + "/healthz"))
            time.sleep(0.01)

    barrier = threading.Barrier(concurrent + 1)

    def fetch() -> None:
        barrier.wait()
        _get(base + path)

    workers = [threading.Thread(target=fetch) for _ in range(concurrent)]
    for w in workers:
        w.start()
    prober = threading.Thread(target=probe)
    barrier.wait()
    start = time.perf_counter()
    prober.start()
    for w in workers:
        w.join()
    wall = (time.perf_counter() - start) * 1000
    done.set()
    prober.join()
    return wall, probes


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--concurrent", type=int, default=8)
    args = parser.parse_args()

    with tempfile.TemporaryDirectory() as tmp:
        flask_app = create_app(
            TestingConfig,
            SQLALCHEMY_DATABASE_URI=f"sqlite:///{tmp}/bench.sqlite3",
            UPLOAD_FOLDER=f"{tmp}/uploads",
        )
        draw_id = _draw(flask_app)
        logging.getLogger("werkzeug").setLevel(logging.WARNING)  # one line per request otherwise
        server = make_server("127.0.0.1", 0, flask_app, threaded=True)
        threading.Thread(target=server.serve_forever, daemon=True).start()
        base = f"http://127.0.0.1:{server.server_port}"
        path = f"/draws/{draw_id}/minutes.pdf"
        idle = statistics.median(_get(base + "/healthz") for _ in range(20))

        stored = lottery.views.serve_built
        rows = []
        for label, serve in (
            ("rebuilt per request (before)", rebuilt_each_time),
            ("built once, then stored (after)", stored),
        ):
            lottery.views.serve_built = serve
            _get(base + path)  # warm: fonts registered; "after" has it stored from here on
            walls, probes = [], []
            for _ in range(args.rounds):
                wall, seen = _round(base, path, args.concurrent)
                walls.append(wall)
                probes += seen
            rows.append((label, statistics.median(walls), statistics.median(probes), max(probes)))
        lottery.views.serve_built = stored
        server.shutdown()

    print(
        f"{args.concurrent} concurrent GET {path}, {args.rounds} rounds, threaded werkzeug "
        f"server, Python {sys.version.split()[0]}; /healthz idle: {idle:.1f} ms"
    )
    print(f"{'':34}{'all answered ms':>16}{'healthz median':>16}{'healthz max':>13}")
    for label, wall, median, worst in rows:
        print(f"{label:34}{wall:>16.0f}{median:>16.1f}{worst:>13.1f}")


if __name__ == "__main__":
    main()
