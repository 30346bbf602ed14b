"""The two-host cluster's world: its services (a PostgreSQL database of its own, Redis, moto's S3,
the fake Twilio server), the data it starts from (a pool whose roster is active), the trading walk
through the hosts' forms, and the SMS queued for the leader-kill proof."""

from __future__ import annotations

import fcntl
import secrets
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path

import pytest
from sqlalchemy import create_engine, make_url, text

from app import clock
from app.extensions import db
from config import TestingConfig, _normalise_db_url
from tests.cluster.hosts import Client, Host, hidden, host_env
from tests.fake_twilio import MESSAGING_SERVICE_SID, FakeTwilio

REDIS_URL = "redis://127.0.0.1:6379"
#: The hosts' login limit per client address (Flask-Limiter, counted in Redis db 10).
LOGIN_LIMIT = 5
PASSWORD = "correct horse battery"  # tests.factories.PASSWORD


def services_missing(pg_url: str | None, redis_url: str = REDIS_URL) -> list[str]:
    """What the cluster needs and cannot reach: PostgreSQL (TEST_DATABASE_URL), Redis."""
    import redis

    missing = []
    if not pg_url or not pg_url.startswith("postgres"):
        missing.append("PostgreSQL (TEST_DATABASE_URL)")
    else:
        engine = create_engine(_normalise_db_url(pg_url))
        try:
            with engine.connect() as connection:
                connection.execute(text("SELECT 1"))
        except Exception:
            missing.append(f"PostgreSQL at {make_url(pg_url).host}")
        finally:
            engine.dispose()
    try:
        redis.Redis.from_url(redis_url, socket_connect_timeout=1).ping()
    except Exception:
        missing.append(f"Redis at {redis_url}")
    return missing


@contextmanager
def own_database(admin_url: str, tmp: Path) -> Iterator[str]:
    """A migrated database `smallworks_cluster_…` beside `admin_url`'s, dropped afterwards."""
    from tests.conftest import _migrate

    admin_url = make_url(_normalise_db_url(admin_url))
    name = f"smallworks_cluster_{secrets.token_hex(4)}"
    admin = create_engine(admin_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    url = admin_url.set(database=name).render_as_string(hide_password=False)
    try:
        _migrate(url, tmp)
        yield url
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


@dataclass
class Cluster:
    a: Host
    b: Host
    fake: FakeTwilio
    app: object  #: a Flask app on the same database, in this process: to seed and to check
    staff: str
    members: list[str]  #: the usernames of the active members of 建筑工程 (JZ)
    bucket: str
    redis_url: str
    extra: dict = field(default_factory=dict)

    @property
    def hosts(self) -> list[Host]:
        return [self.a, self.b]


def _seed() -> tuple[str, list[str]]:
    """A pool round run to its roster (three active JZ members), 2027's working days confirmed
    and a staff account."""
    from contractors.queries import active_members
    from tests.factories import make_user
    from tests.sanction_factories import confirm_2027
    from tests.trading_factories import active_pool, member_user

    active_pool()
    clock.reset()
    # The walk's meeting is two weeks on: from mid-December its publicity counts 2027's
    # working days, which chinese-calendar does not know yet; the office has confirmed them.
    confirm_2027()
    members = active_members("JZ", clock.today())
    staff = make_user("staff", username="cluster_staff")
    db.session.commit()
    return staff.username, [member_user(m.contractor_id).username for m in members]


def host_settings(fake: FakeTwilio, s3: dict) -> dict:
    """What both hosts share beyond the services: the real Twilio client against the fake,
    short leases (a dead sender's texts are reconciled within seconds), the S3 store."""
    return {
        **s3,
        "SMS_BACKEND": "twilio",
        "TWILIO_ACCOUNT_SID": fake.account_sid,
        "TWILIO_AUTH_TOKEN": fake.auth_token,
        "TWILIO_MESSAGING_SERVICE_SID": MESSAGING_SERVICE_SID,
        "TWILIO_API_BASE": fake.url,
        "TWILIO_TIMEOUT": 1,
        "SMS_SENDING_LEASE_SECONDS": 1.5,
        "SMS_LATE_ACCEPT_GRACE_SECONDS": 1,
        "SMS_TICK_SECONDS": 0.3,
        "SMS_TICK_BUDGET_SECONDS": 2,
        # 60 texts take 6 s: the kill lands among them even on a machine busy with other work.
        "SMS_RATE_PER_SECOND": 10,
        "SMS_BACKOFF_BASE_SECONDS": 0.5,
        "SMS_BACKOFF_CAP_SECONDS": 2,
        "LOGIN_RATE_LIMIT": f"{LOGIN_LIMIT} per minute",
        "API_RATE_LIMIT": "100000 per minute",
        "DRAW_SEED_KEY": TestingConfig.DRAW_SEED_KEY,  # the seed's draws were sealed with it
    }


@contextmanager
def cluster(tmp: Path, admin_url: str, s3_endpoint: str, *, workers: int = 2) -> Iterator[Cluster]:
    """Both hosts running (host A's scheduler the leader, B's its standby) on a fresh database."""
    with _machine_lock():
        yield from _cluster(tmp, admin_url, s3_endpoint, workers=workers)


@contextmanager
def _machine_lock() -> Iterator[None]:
    """One cluster at a time on this machine: they share Redis databases 10 and 11."""
    with open(Path(tempfile.gettempdir()) / "smallworks-cluster.lock", "a+b") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        yield


def _cluster(tmp: Path, admin_url: str, s3_endpoint: str, *, workers: int) -> Iterator[Cluster]:
    import redis

    from tests.conftest import build_app, s3_settings
    from tests.factories import use_cheap_password_hashes

    for number in (10, 11):  # this test's own Redis databases: the limiter's and the cache's
        redis.Redis.from_url(f"{REDIS_URL}/{number}").flushdb()
    fake = FakeTwilio()
    with own_database(admin_url, tmp) as url:
        s3 = s3_settings(s3_endpoint)
        app = build_app(url, tmp / "seed", **s3)
        hosts = []
        try:
            with app.app_context(), pytest.MonkeyPatch.context() as patch:
                use_cheap_password_hashes(patch)  # the hosts verify any argon2 cost
                staff, members = _seed()
            extra = host_settings(fake, s3)
            for name in ("a", "b"):
                env = host_env(name, tmp / name, database_url=url, redis_url=REDIS_URL, extra=extra)
                hosts.append(Host(name, env, tmp / name))
            a, b = hosts
            a.start_scheduler()  # first: the leader
            for host in hosts:
                host.start_server(workers=workers)
            for host in hosts:
                host.wait_ready()
            if not _wait_log(a, "scheduler running"):
                raise RuntimeError(
                    "host a's scheduler did not take the lock:\n" + a.log("scheduler.log")
                )
            b.start_scheduler()
            if not _wait_log(b, "another scheduler holds the lock"):
                raise RuntimeError(
                    "host b's scheduler is not standing by:\n" + b.log("scheduler.log")
                )
            yield Cluster(a, b, fake, app, staff, members, s3["S3_BUCKET"], REDIS_URL, extra)
        finally:
            for host in hosts:
                host.stop()
            with app.app_context():
                db.session.remove()
                db.engine.dispose()
            fake.close()


def _wait_log(host: Host, words: str) -> bool:
    from tests.cluster.hosts import wait_for

    return bool(wait_for(lambda: words in host.log("scheduler.log"), 30))


# ---- the trading walk through the forms ------------------------------------------------------


def meeting_day(today: date) -> date:
    """A weekday two weeks on: after any publicity of 3 working days (holidays included)."""
    day = today + timedelta(days=14)
    while day.weekday() >= 5:
        day += timedelta(days=1)
    return day


def ok(r, *statuses: int) -> None:
    if r.status_code not in (statuses or (302,)):
        raise AssertionError(f"{r.request.method} {r.url}: {r.status_code}\n{r.text[:600]}")


def walk(c: Cluster, urls: list[str], *, name: str, address: str) -> str:
    """A trading from entry to the members' responses, each step on the next host in `urls`
    (a host may die in between: the step is then taken on the next one): staff enter the
    project, file it, review and confirm the trading notice (which queues an SMS to each member),
    and each member confirms the commitment. Returns the project's code."""
    steps = iter(range(10**6))

    def host() -> str:
        return urls[next(steps) % len(urls)]

    staff = Client(address)
    ok(staff.login(host(), c.staff, PASSWORD))
    url = host()
    r = staff.submit(url + "/staff/projects/new", _project_form(name))
    ok(r)
    code = r.headers["Location"].rstrip("/").rsplit("/", 1)[-1]
    url = host()
    page = staff.get(f"{url}/staff/projects/{code}").text
    reviewed = hidden(page, "reviewed")[0]
    ok(
        staff.submit(
            f"{url}/staff/projects/{code}/file",
            {"reviewed": reviewed, "confirm": "y"},
            form_page=f"{url}/staff/projects/{code}",
        )
    )
    url = host()
    day = meeting_day(clock.today())
    meeting = {
        "meeting_at": f"{day.isoformat()}T09:30",
        "meeting_place": "区公共资源交易中心二楼开标室",
        "publicity_days": "3",
    }
    review = staff.submit(
        f"{url}/staff/projects/{code}/announce", {**meeting, "rates": "3.00、8.50"}
    )
    ok(review, 200)
    fields = [(k, hidden(review.text, k)[0]) for k in (*meeting, "reviewed")]
    url = host()
    ok(
        staff.submit(
            f"{url}/staff/projects/{code}/announce/confirm",
            [*fields, ("rates", "3.00"), ("rates", "8.50")],
            form_page=f"{url}/staff/projects/{code}",
        )
    )
    for n, username in enumerate(c.members):
        member = Client(f"{address}{n}")
        ok(member.login(host(), username, PASSWORD))
        url = host()
        page = member.get(f"{url}/contractor/projects/{code}/respond").text
        commitment = hidden(page, "commitment")[0]
        ok(
            member.submit(
                f"{url}/contractor/projects/{code}/respond",
                {"commitment": commitment, "confirm": "y"},
            )
        )
    return code


def _project_form(name: str) -> dict:
    return {
        "name": name,
        "owner_name": "甬江街道某村股份经济合作社",
        "town": "甬江街道",
        "village": "某村",
        "category_code": "JZ",
        "kind": "construction",
        "funding": "collective",
        "estimate": "1300000",
        "control_price": "1234567.89",
        "non_competitive_part": "0",
        "duration_days": "60",
        "scope": "道路硬化",
        "contact_person": "王五",
        "contact_phone": "0574-87654321",
    }


def queue_texts(c: Cluster, notices: int) -> int:
    """`notices` published notices, each texted to every member: what the scheduler sends."""
    from contractors.models import Contractor
    from contractors.queries import active_members
    from tests.factories import make_user, queue_notice_texts

    with c.app.app_context():
        staff = make_user("staff")
        members = [
            db.session.get(Contractor, m.contractor_id) for m in active_members("JZ", clock.today())
        ]
        for k in range(notices):
            queue_notice_texts(
                staff, members, title=f"集群短信测试公告{k + 1}", deadline="12月20日"
            )
        db.session.commit()
        db.session.remove()
    return notices * len(members)
