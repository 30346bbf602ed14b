"""Fans one published notice out to N subscribers (我的订阅) and prints the time of the one
INSERT … SELECT, the rows queued, and that a second run and a reset run add nothing.

Run from the repository root: ``.venv/bin/python bench/subscriptions_fanout.py [--subscribers N]
[--database-url URL]`` (default 5,000 subscribers on a fresh SQLite file).
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

sys.path[0] = str(Path(__file__).resolve().parents[1])

from flask_migrate import upgrade  # noqa: E402
from sqlalchemy import delete, func, insert, select  # noqa: E402

from app import clock, create_app  # noqa: E402
from app.auth.models import User  # noqa: E402
from app.extensions import db  # noqa: E402
from config import TestingConfig  # noqa: E402
from contractors.models import Contractor  # noqa: E402
from notices.sms.models import SmsMessage  # noqa: E402
from notices.subscriptions import services  # noqa: E402
from notices.subscriptions.models import (  # noqa: E402
    Subscription,
    SubscriptionFanout,
    SubscriptionTopic,
)
from tests.factories import make_notice  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]


def seed(n: int) -> None:
    """n company accounts, each with a subscription: half to everything, half to 交易公告."""
    now = clock.now()
    db.session.execute(
        insert(User),
        [
            {
                "username": f"bench{i}",
                "display_name": f"基准{i}",
                "role": "contractor",
                "password_hash": "x",
                "created_at": now,
            }
            for i in range(n)
        ],
    )
    users = dict(db.session.execute(select(User.username, User.id)).all())
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
                "user_id": users[f"bench{i}"],
                "registered_at": now,
                "updated_at": now,
            }
            for i in range(n)
        ],
    )
    companies = db.session.execute(select(Contractor.id, Contractor.user_id)).all()
    db.session.execute(
        insert(Subscription),
        [
            {
                "user_id": user_id,
                "contractor_id": cid,
                "all_categories": True,
                "all_types": cid % 2 == 0,
                "since": now,
                "created_at": now,
                "updated_at": now,
            }
            for cid, user_id in companies
        ],
    )
    subs = db.session.execute(select(Subscription.id, Subscription.all_types)).all()
    db.session.execute(
        insert(SubscriptionTopic),
        [
            {"subscription_id": s, "kind": "type", "code": "trading_notice"}
            for s, a in subs
            if not a
        ],
    )
    db.session.commit()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--subscribers", type=int, default=5_000)
    parser.add_argument("--database-url", default=None, help="default: a fresh SQLite file")
    args = parser.parse_args()
    tmp = Path(tempfile.mkdtemp(prefix="subs-bench-"))
    url = args.database_url or f"sqlite:///{tmp / 'bench.sqlite3'}"
    app = create_app(TestingConfig, SQLALCHEMY_DATABASE_URI=url, UPLOAD_FOLDER=str(tmp / "uploads"))
    with app.app_context():
        upgrade(directory=str(ROOT / "migrations"))
        seed(args.subscribers)
        clock.set_now(clock.now())
        notice = make_notice()
        db.session.commit()

        started = time.perf_counter()
        queued = services.fan_out_due()
        first = time.perf_counter() - started
        started = time.perf_counter()
        again = services.fan_out(notice.id)
        db.session.execute(delete(SubscriptionFanout))
        db.session.commit()
        reset = services.fan_out(notice.id)
        second = time.perf_counter() - started
        rows = db.session.scalar(select(func.count(SmsMessage.id)))
        print(f"database            {db.engine.dialect.name}")
        print(f"subscribers         {args.subscribers}")
        print(f"queued              {queued} in {first:.3f} s (one INSERT … SELECT)")
        print(f"second run, reset   added {again} and {reset} ({second:.3f} s)")
        print(f"rows in the outbox  {rows}")
        return 0 if rows == queued == args.subscribers and again == reset == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
