"""The two-host run of tests/cluster/, bigger and on demand: two production gunicorn hosts and
their schedulers on one PostgreSQL, Redis (databases 10 and 11, emptied) and moto's S3 server,
more readers for longer, optionally kill -9 of host A half-way; prints requests, req/s, p50/p95
per host, the drafts acknowledged and found, and the texts sent, duplicated and lost.

Run from the repository root (PostgreSQL and Redis on this machine):
``.venv/bin/python bench/cluster.py [--readers 8] [--seconds 30] [--texts 100] [--kill]
[--database-url postgresql://postgres@127.0.0.1:5432/test]``. Loopback only.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

sys.path[0] = str(Path(__file__).resolve().parents[1])

from moto.server import ThreadedMotoServer  # noqa: E402
from sqlalchemy import select  # noqa: E402

from app.extensions import db  # noqa: E402
from tests.cluster.hosts import Client, free_port, wait_for  # noqa: E402
from tests.cluster.load import Load  # noqa: E402
from tests.cluster.world import PASSWORD, cluster, queue_texts, services_missing, walk  # noqa: E402


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--readers", type=int, default=8)
    parser.add_argument("--seconds", type=float, default=30.0)
    parser.add_argument("--texts", type=int, default=100, help="texts queued (a multiple of 3)")
    parser.add_argument("--workers", type=int, default=2, help="gunicorn workers a host")
    parser.add_argument("--kill", action="store_true", help="kill -9 host A half-way")
    parser.add_argument(
        "--database-url", default="postgresql://postgres@127.0.0.1:5432/test", help="admin URL"
    )
    args = parser.parse_args()
    missing = services_missing(args.database_url)
    if missing:
        print("bench/cluster.py needs " + " and ".join(missing), file=sys.stderr)
        return 2

    port = free_port()
    s3 = ThreadedMotoServer(ip_address="127.0.0.1", port=port, verbose=False)
    s3.start()
    try:
        with (
            tempfile.TemporaryDirectory() as tmp,
            cluster(
                Path(tmp), args.database_url, f"http://127.0.0.1:{port}", workers=args.workers
            ) as c,
        ):
            return _run(c, args)
    finally:
        s3.stop()


def _run(c, args) -> int:
    from notices.models import Notice
    from notices.sms.models import SmsMessage

    load = Load({h.name: h.url for h in c.hosts})
    paths = ["/", "/notices/", "/api/v1/notices", "/projects/", "/draws/"]
    writer = Client("192.0.2.20")
    writer.login(c.a.url, c.staff, PASSWORD)
    started = time.monotonic()
    for n in range(args.readers):
        load.start(load.reader, n, paths)
    load.start(load.writer, writer, {"type": "policy", "body": "正文"}, "压测草稿")
    code = walk(c, [c.a.url, c.b.url], name="压测村道路硬化工程", address="192.0.2.3")
    paths.append(f"/projects/{code}")
    queued = queue_texts(c, max(1, args.texts // len(c.members))) + len(c.members)
    if args.kill:
        time.sleep(max(0.0, args.seconds / 2 - (time.monotonic() - started)))
        load.kill("a", c.a.kill)
    time.sleep(max(0.0, args.seconds - (time.monotonic() - started)))
    load.finish()
    seconds = time.monotonic() - started

    def texts() -> list[SmsMessage]:
        with c.app.app_context():
            rows = list(db.session.scalars(select(SmsMessage)))
            db.session.remove()
        return rows

    wait_for(lambda: all(m.status == "sent" for m in texts()), 60)
    with c.app.app_context():
        found = set(db.session.scalars(select(Notice.title).where(Notice.title.in_(load.acked))))
        db.session.remove()
    sent = sum(1 for m in texts() if m.status == "sent")
    print(load.figures(seconds))
    print(f"  drafts acknowledged {len(load.acked)}, found {len(found & set(load.acked))}")
    print(
        f"  texts queued {queued}, sent {sent}, at the provider {len(c.fake.messages)}, "
        f"duplicates {c.fake.duplicates()}, lost {queued - sent}"
    )
    print(f"  5xx or unanswered from a live host: {len(load.unexpected())}")
    return 0 if not load.unexpected() and c.fake.duplicates() == 0 and sent == queued else 1


if __name__ == "__main__":
    sys.exit(main())
