"""The scheduler's leader lock: in every configuration at most one process runs the ticks, and
when it dies another takes over ([Production] item 2)."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest
from sqlalchemy import select

from app.extensions import db
from app.scheduler import LeaderLock, Tick, _as_leader, lock_file_path
from tests.cluster.hosts import wait_for

ROOT = Path(__file__).resolve().parents[2]


def test_two_locks_on_one_database_exclude_each_other_until_the_holder_releases(database_url):
    first, second = LeaderLock(database_url), LeaderLock(database_url)
    try:
        assert first.try_hold()
        assert first.try_hold()  # holding it again is still holding it
        assert not second.try_hold()
        first.release()
        assert second.try_hold()
        assert not first.try_hold()
    finally:
        first.release()
        second.release()


def test_only_the_holder_runs_a_tick(database_url, app):
    runs = []
    tick = Tick("probe", lambda _app: runs.append(1), 1.0)
    leader, standby = LeaderLock(database_url), LeaderLock(database_url)
    try:
        assert leader.try_hold()
        for _ in range(3):
            _as_leader(standby, tick, app)
        assert runs == []
        _as_leader(leader, tick, app)
        assert runs == [1]
    finally:
        leader.release()
        standby.release()


_HOLDER = textwrap.dedent(
    """
    import sys, time
    from app.scheduler import LeaderLock
    lock = LeaderLock(sys.argv[1])
    assert lock.try_hold(), "the lock was not free"
    print("held", flush=True)
    time.sleep(600)
    """
)


def test_a_standby_takes_the_lock_when_the_leader_is_killed(database_url):
    """kill -9 leaves no chance to release: the kernel closes the lock file, PostgreSQL ends
    the dead client's session, and either way the lock is free again."""
    leader = subprocess.Popen(
        [sys.executable, "-c", _HOLDER, database_url],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        text=True,
    )
    standby = LeaderLock(database_url)
    try:
        assert leader.stdout.readline().strip() == "held"
        assert not standby.try_hold()
        os.kill(leader.pid, signal.SIGKILL)
        leader.wait(10)
        assert wait_for(standby.try_hold), "the lock stayed taken after its holder died"
    finally:
        if leader.poll() is None:
            leader.kill()
        standby.release()


def test_an_in_memory_sqlite_database_needs_no_lock_file():
    assert lock_file_path("sqlite://") is None
    assert lock_file_path("sqlite:///:memory:") is None
    assert lock_file_path("sqlite:////srv/smallworks/app.sqlite3") == (
        "/srv/smallworks/app.sqlite3.scheduler-lock"
    )


def _flock_holders(path: str) -> set[int]:
    """The pids holding a flock on `path`, read from /proc/locks."""
    inode = os.stat(path).st_ino
    holders = set()
    for line in Path("/proc/locks").read_text().splitlines():
        parts = line.split()
        if "FLOCK" in parts and parts[-3].rsplit(":", 1)[-1] == str(inode):
            holders.add(int(parts[-4]))
    return holders


@pytest.mark.sqlite_only
@pytest.mark.skipif(not Path("/proc/locks").exists(), reason="reads flock holders from /proc/locks")
def test_gunicorn_workers_of_the_embedded_default_run_ticks_in_exactly_one_worker(
    database_url, tmp_path
):
    """`gunicorn -w 3` with the development config (in-process scheduler, one SQLite file):
    every worker starts a scheduler, exactly one holds the lock; kill -9 that worker and
    another one (or its replacement) holds it."""
    lock_path = lock_file_path(database_url)
    env = {
        **os.environ,
        "SMALLWORKS_ENV": "development",
        "DATABASE_URL": database_url,
        "UPLOAD_FOLDER": str(tmp_path / "uploads"),
        "SMS_BACKEND": "console",
        "SMS_TICK_SECONDS": "0.2",
    }
    server = subprocess.Popen(
        [
            str(Path(sys.executable).with_name("gunicorn")),
            "--workers",
            "3",
            "--bind",
            "127.0.0.1:0",
            "app:create_app()",
        ],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        holders = wait_for(lambda: os.path.exists(lock_path) and _flock_holders(lock_path))
        assert len(holders) == 1, holders
        time.sleep(1.0)  # several ticks of three schedulers later: still one holder
        assert _flock_holders(lock_path) == holders
        (leader,) = holders
        os.kill(leader, signal.SIGKILL)
        after = wait_for(lambda: _flock_holders(lock_path) - {leader})
        assert len(after) == 1 and leader not in after, after
    finally:
        server.send_signal(signal.SIGTERM)
        try:
            server.wait(20)
        except subprocess.TimeoutExpired:
            server.kill()


def _scheduler(env: dict, log: Path) -> subprocess.Popen:
    with open(log, "wb") as out:
        return subprocess.Popen(
            [str(Path(sys.executable).with_name("flask")), "scheduler", "--idle-seconds", "0.3"],
            cwd=ROOT,
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
        )


def test_kill_9_of_the_leader_while_it_sends_loses_no_text_and_sends_none_twice(
    app, database_url, tmp_path, fake
):
    """Two `flask scheduler` processes, the real Twilio client against the fake provider: the
    leader is killed with texts in flight; the standby takes the lock, reconciles what the dead
    one had claimed (after its lease and the late-acceptance grace) and sends the rest."""
    from notices.sms.models import SmsMessage
    from tests.factories import make_user, queue_notice_texts
    from tests.fake_twilio import twilio_settings
    from tests.pool_factories import register

    total = 40
    fake.latency = 0.05  # each text takes a moment at the provider: the kill finds one in flight
    settings = twilio_settings(
        fake,
        TWILIO_TIMEOUT=1,
        SMS_SENDING_LEASE_SECONDS=1.5,
        SMS_LATE_ACCEPT_GRACE_SECONDS=1,
        SMS_RATE_PER_SECOND=20,
        SMS_TICK_SECONDS=0.2,
        SMS_BACKOFF_BASE_SECONDS=0.2,
        SMS_BACKOFF_CAP_SECONDS=1,
    )
    env = {
        **{k: v for k, v in os.environ.items() if not k.startswith(("SMALLWORKS_", "FLASK_"))},
        **{k: str(v) for k, v in settings.items()},
        "SMALLWORKS_ENV": "development",
        "SMALLWORKS_INSTANCE": str(tmp_path / "instance"),
        "FLASK_APP": "app:create_app",
        "DATABASE_URL": database_url,
        "UPLOAD_FOLDER": str(tmp_path / "uploads"),
        "LOG_LEVEL": "WARNING",
    }
    (tmp_path / "instance").mkdir()
    leader = _scheduler(env, tmp_path / "leader.log")
    standby = None
    try:
        assert wait_for(lambda: "scheduler running" in (tmp_path / "leader.log").read_text(), 60)
        standby = _scheduler(env, tmp_path / "standby.log")
        assert wait_for(
            lambda: "another scheduler holds the lock" in (tmp_path / "standby.log").read_text(), 60
        )
        # Both up, the leader ticking: now the texts, 40 of them (10 notices × 4 companies).
        staff, people = make_user("staff"), [register(i) for i in range(4)]
        for k in range(10):
            queue_notice_texts(staff, people, title=f"领导者测试公告{k + 1}")
        db.session.commit()
        assert wait_for(lambda: len(fake.messages) >= 10, 30)
        os.kill(leader.pid, signal.SIGKILL)
        leader.wait(10)
        at_kill = len(fake.messages)
        assert at_kill < total, "the leader had sent everything before it was killed"

        def all_sent() -> bool:
            db.session.expire_all()
            return all(m.status == "sent" for m in db.session.scalars(select(SmsMessage)))

        assert wait_for(all_sent, 60), (tmp_path / "standby.log").read_text()
    finally:
        for proc in (leader, standby):
            if proc is not None and proc.poll() is None:
                proc.kill()
                proc.wait(10)
    assert "scheduler running" in (tmp_path / "standby.log").read_text()
    rows = list(db.session.scalars(select(SmsMessage)))
    assert len(rows) == total and fake.duplicates() == 0 and len(fake.messages) == total
    accepted = {(m["to"], m["body"]): m["sid"] for m in fake.messages}
    assert all(m.provider_id == accepted[(m.to_number, m.body)] for m in rows)
