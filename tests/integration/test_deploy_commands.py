"""compose.yaml's commands really start the platform: the migration, the web (gunicorn with
gunicorn.conf.py) and the scheduler are run exactly as the compose services run them, with the
image's environment and the services' settings — PostgreSQL, a Redis of the test's own, an S3
API (moto) in place of MinIO, and the secrets as files named by <NAME>_FILE — and the web's
/readyz must answer 200. No container engine is needed; PostgreSQL is (TEST_DATABASE_URL)."""

from __future__ import annotations

import os
import re
import secrets
import signal
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest
import yaml

from config import SECRET_SETTINGS
from tests.conftest import PG_URL, ROOT, blank_pg_database, s3_settings
from tests.own_redis import free_port, own_redis_fixture  # noqa: F401 - a fixture

pytestmark = pytest.mark.skipif(
    not PG_URL, reason="needs PostgreSQL (TEST_DATABASE_URL), as the compose services do"
)

COMPOSE = yaml.safe_load((ROOT / "compose.yaml").read_text(encoding="utf-8"))
DRAW_SEED_KEY = "dGVzdGluZy1vbmx5LWRyYXctc2VlZC1rZXktMzJieXQ="


def image_environment(instance: Path) -> dict[str, str]:
    """The Containerfile's ENV, with the image's folders mapped onto this checkout."""
    block = re.search(r"^ENV ((?:.*\\\n)*.*)$", (ROOT / "Containerfile").read_text(), re.M)[1]
    pairs = dict(p.split("=", 1) for p in block.replace("\\\n", " ").split())
    pairs = {k: v for k, v in pairs.items() if k not in ("PATH", "VIRTUAL_ENV")}
    pairs["PYTHONPATH"] = str(ROOT)
    pairs["SMALLWORKS_INSTANCE"] = str(instance)
    return pairs


@pytest.fixture
def pg_database():
    with blank_pg_database("smallworks_deploy") as url:
        yield url


@pytest.fixture
def compose_env(tmp_path, pg_database, own_redis, moto_s3) -> dict[str, str]:
    """The app services' environment (compose.yaml's x-app) on this machine's stores."""
    s3 = s3_settings(moto_s3)
    files = {
        "secret_key": secrets.token_urlsafe(48),
        "secret_key_fallbacks": "",
        "draw_seed_old_keys": "",
        "database_url": pg_database,
        "draw_seed_key": DRAW_SEED_KEY,
        "s3_access_key_id": s3["S3_ACCESS_KEY_ID"],
        "s3_secret_access_key": s3["S3_SECRET_ACCESS_KEY"],
        "twilio_auth_token": "",
    }
    folder = tmp_path / "secrets"
    folder.mkdir()
    for name, value in files.items():
        (folder / name).write_text(value + "\n")  # as make-secrets.sh writes them
    env = {
        k: v
        for k, v in os.environ.items()
        if k not in SECRET_SETTINGS and not k.startswith(("FLASK_", "SMALLWORKS_", "S3_"))
    }
    env["PATH"] = f"{Path(sys.executable).parent}{os.pathsep}{env.get('PATH', '')}"
    env.update(image_environment(tmp_path / "instance"))
    stores = {
        "redis://redis:6379/": own_redis.url(0)[:-1],
        "http://minio:9000": s3["S3_ENDPOINT_URL"],
        "/run/secrets/": f"{folder}/",
        "/dev/shm/smallworks-metrics": str(tmp_path / "metrics"),
    }
    for name, value in COMPOSE["x-app"]["environment"].items():
        value = str(value)
        for inside, here in stores.items():
            value = value.replace(inside, here)
        env[name] = value
    env["S3_BUCKET"] = s3["S3_BUCKET"]
    return env


def _run(command: list[str], env: dict) -> subprocess.CompletedProcess:
    return subprocess.run(
        command, cwd=ROOT, env=env, capture_output=True, text=True, timeout=120, check=False
    )


def _get(url: str, headers: dict | None = None) -> tuple[int, bytes]:
    try:
        with urllib.request.urlopen(
            urllib.request.Request(url, headers=headers or {}), timeout=5
        ) as r:
            return r.status, r.read()
    except urllib.error.HTTPError as e:
        return e.code, e.read()


def _wait_until_ready(process: subprocess.Popen, url: str) -> None:
    """Poll /readyz until it answers 200, while the server lives (a bounded wait for start-up,
    not a timing assertion)."""
    for _ in range(300):
        if process.poll() is not None:
            pytest.fail(f"gunicorn exited {process.returncode}: {process.stderr.read()}")
        try:
            if _get(url)[0] == 200:
                return
        except OSError:
            pass  # not listening yet
        time.sleep(0.1)
    pytest.fail("gunicorn never became ready")


def _stop(process: subprocess.Popen) -> None:
    if process.poll() is None:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def _interruptible() -> None:
    """In the child: SIGINT as a terminal would deliver it. A test run started in the background
    (`cmd &` in a script, nohup) ignores SIGINT, its children inherit that, and Python then
    installs no KeyboardInterrupt handler: `flask scheduler` ignored the test's SIGINT."""
    signal.signal(signal.SIGINT, signal.SIG_DFL)


def _start(command: list[str], env: dict) -> subprocess.Popen:
    return subprocess.Popen(
        command,
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        preexec_fn=_interruptible,
    )


def test_compose_s_migration_web_and_scheduler_commands_start_the_platform(compose_env):
    """After the migration, three processes start side by side (the machine's two cores are the
    test's whole cost): the web, the scheduler, and a web whose Redis does not answer."""
    services = COMPOSE["services"]

    migrated = _run(services["migrate"]["command"], compose_env)
    assert migrated.returncode == 0, migrated.stderr

    port, dead = free_port(), f"redis://127.0.0.1:{free_port()}/0"
    one_worker = {"WEB_CONCURRENCY": "1"}
    web = _start(
        services["web1"]["command"],
        compose_env | one_worker | {"GUNICORN_BIND": f"127.0.0.1:{port}"},
    )
    scheduler = _start(services["scheduler"]["command"], compose_env)
    without_redis = _start(
        services["web1"]["command"],
        compose_env
        | one_worker
        | {
            "GUNICORN_BIND": f"127.0.0.1:{free_port()}",
            "RATELIMIT_STORAGE_URI": dead,
            "CACHE_REDIS_URL": dead,
        },
    )
    base = f"http://127.0.0.1:{port}"
    try:
        _wait_until_ready(web, f"{base}/readyz")
        status, body = _get(f"{base}/readyz")
        assert status == 200
        assert yaml.safe_load(body)["checks"] == {"database": "ok", "redis": "ok", "storage": "ok"}
        assert _get(f"{base}/")[0] == 200
        # One proxy in front (PROXY_FIX_X_FOR=1): the client is the address nginx appended, so
        # /metrics (loopback only) is refused to a client that came through it from outside.
        status, figures = _get(f"{base}/metrics")
        assert status == 200 and b"smallworks_requests_total{" in figures
        assert list((ROOT / compose_env["PROMETHEUS_MULTIPROC_DIR"]).glob("*.db"))  # summed
        assert _get(f"{base}/metrics", {"X-Forwarded-For": "203.0.113.9"})[0] == 404

        said = scheduler.stdout.readline()  # blocks until it says it runs, or it exits
        assert said.startswith("scheduler running: "), said + scheduler.stderr.read()
        assert "sms" in said and "uploads-sweep" in said

        # Its worker does not boot, and gunicorn exits saying why.
        assert without_redis.wait(timeout=120) != 0
        refusal = without_redis.stderr.read()
        assert "Production refuses to start: Redis at redis://127.0.0.1" in refusal
    finally:
        for process in (web, without_redis):
            _stop(process)
        scheduler.send_signal(signal.SIGINT)  # as `compose stop` would: the lock released
        scheduler.wait(timeout=30)
