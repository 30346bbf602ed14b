"""Enqueues 10,000 messages for one notice and drains them through the fake Twilio server with the
real client at the configured rate; prints enqueue time, throughput, duplicates and lost messages.

Run from the repository root: ``.venv/bin/python bench/sms_fanout.py [--messages N] [--rate R]
[--faults F] [--database-url URL]``. ``--faults`` sprinkles 429s, 500s and timeouts after
acceptance among the sends: duplicates and lost must still be 0.
"""

from __future__ import annotations

import argparse
import logging
import sys
import tempfile
import time
from pathlib import Path

sys.path[0] = str(Path(__file__).resolve().parents[1])

from flask_migrate import upgrade  # noqa: E402
from sqlalchemy import func, insert, select  # noqa: E402

from app import clock, create_app  # noqa: E402
from app.extensions import db  # noqa: E402
from config import TestingConfig  # noqa: E402
from contractors.models import Contractor  # noqa: E402
from notices.sms import sender, services  # noqa: E402
from notices.sms.models import SmsMessage  # noqa: E402
from tests.factories import make_notice  # noqa: E402
from tests.fake_twilio import FakeTwilio, twilio_settings  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--messages", type=int, default=10_000)
    parser.add_argument("--rate", type=float, default=500.0, help="SMS_RATE_PER_SECOND")
    parser.add_argument("--faults", type=int, default=0, help="injected failures")
    parser.add_argument("--database-url", default=None, help="default: a fresh SQLite file")
    args = parser.parse_args()
    logging.getLogger("smallworks.sms").setLevel(logging.ERROR)

    tmp = Path(tempfile.mkdtemp(prefix="sms-bench-"))
    url = args.database_url or f"sqlite:///{tmp / 'bench.sqlite3'}"
    fake = FakeTwilio()
    app = create_app(
        TestingConfig,
        SQLALCHEMY_DATABASE_URI=url,
        UPLOAD_FOLDER=str(tmp / "uploads"),
        **twilio_settings(
            fake,
            SMS_RATE_PER_SECOND=args.rate,
            TWILIO_TIMEOUT=0.3,
            SMS_BACKOFF_BASE_SECONDS=0.2,
            SMS_BACKOFF_CAP_SECONDS=1,
            SMS_SENDING_LEASE_SECONDS=5,
            SMS_MAX_ATTEMPTS=6,
        ),
    )
    with app.app_context():
        upgrade(directory=str(ROOT / "migrations"))
        notice = make_notice()
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
                for i in range(args.messages)
            ],
        )
        db.session.commit()
        people = db.session.execute(select(Contractor.id, Contractor.contact_mobile)).all()

        started = time.perf_counter()
        services.queue(
            subject_type="notice",
            subject_id=str(notice.id),
            purpose="trading_notice",
            template="trading_notice",
            recipients=[services.Recipient(cid, mobile) for cid, mobile in people],
            values={"title": notice.title, "category": "市政公用工程", "deadline": "12月3日"},
            notice_id=notice.id,
        )
        db.session.commit()
        enqueue = time.perf_counter() - started
        again = time.perf_counter()
        requeued = services.queue(
            subject_type="notice",
            subject_id=str(notice.id),
            purpose="trading_notice",
            template="trading_notice",
            recipients=[services.Recipient(cid, mobile) for cid, mobile in people],
            values={"title": notice.title, "category": "市政公用工程", "deadline": "12月3日"},
            notice_id=notice.id,
        )
        db.session.commit()
        requeue = time.perf_counter() - again

        step = max(1, args.messages // max(args.faults, 1))
        for n in range(args.faults):
            kind = n % 3
            to = people[(n * step) % len(people)].contact_mobile
            if kind == 0:
                fake.fail_next("status", status=429, to=to)
            elif kind == 1:
                fake.fail_next("status", status=500, to=to)
            else:
                fake.fail_next("accept_then_timeout", seconds=0.5, to=to)

        started = time.perf_counter()
        rounds = 0
        while True:
            sender.drain()
            rounds += 1
            pending = db.session.scalar(
                select(func.count(SmsMessage.id)).where(
                    SmsMessage.status.in_(("queued", "sending"))
                )
            )
            if not pending:
                break
            time.sleep(0.2)  # back-offs and leases run on the real clock here
        elapsed = time.perf_counter() - started

        rows = db.session.execute(select(SmsMessage.status, SmsMessage.provider_id)).all()
        sent = [r for r in rows if r.status == "sent"]
        known = {m["sid"] for m in fake.messages}
        lost = args.messages - sum(1 for r in sent if r.provider_id in known)
        print(f"database            {db.engine.dialect.name}")
        print(f"messages            {args.messages}  (re-queue added {requeued}, {requeue:.2f} s)")
        print(f"enqueue time        {enqueue:.2f} s  ({args.messages / enqueue:,.0f} rows/s)")
        print(f"configured rate     {args.rate:g} /s   injected faults {args.faults}")
        print(f"drain time          {elapsed:.2f} s in {rounds} passes")
        print(f"throughput          {len(sent) / elapsed:,.1f} messages/s")
        print(f"provider creates    {len(fake.messages)}")
        print(f"duplicates          {fake.duplicates()}  (must be 0)")
        print(f"lost                {lost}  (must be 0)")
        print(f"not sent            {len(rows) - len(sent)}")
        db.session.remove()
        db.engine.dispose()
    fake.close()
    return 0 if fake.duplicates() == 0 and lost == 0 else 1


if __name__ == "__main__":
    raise SystemExit(main())
