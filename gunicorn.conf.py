"""gunicorn's settings for the web (the compose web containers, or a systemd unit): workers from
the CPUs this process may use, timeouts, and the proxies whose forwarded headers are trusted — the
same ones the app's ProxyFix trusts (docs/deploy.md, "Web: gunicorn").

Run: `gunicorn -c gunicorn.conf.py 'app:create_app()'` (gunicorn also reads this file by itself
when started in the repository's root without -c). Every value may be overridden from the
environment (the names below), without editing this file; options on the command line win.
"""

from __future__ import annotations

import math
import os
from pathlib import Path

#: cgroup v2's CPU limit (a container's `cpus:`): "<quota> <period>", or "max <period>".
CPU_MAX = Path("/sys/fs/cgroup/cpu.max")


def cpu_count(cpu_max: Path = CPU_MAX) -> int:
    """The CPUs this process may use: those it may be scheduled on (a cpuset), fewer if the
    container's CPU quota is lower. os.cpu_count() counts the host's, which in a container
    limited to 2 CPUs of a 32-CPU host would start 65 workers."""
    try:
        count = len(os.sched_getaffinity(0))
    except AttributeError:  # not Linux
        count = os.cpu_count() or 1
    try:
        quota, period = cpu_max.read_text().split()[:2]
        if quota != "max":
            count = min(count, max(1, math.ceil(int(quota) / int(period))))
    except (OSError, ValueError):
        pass  # no cgroup v2 limit to read: the affinity stands
    return max(1, count)


def default_workers(cpus: int) -> int:
    """gunicorn's advice for sync workers: two per CPU, plus one (a worker waiting on the
    database lets another run)."""
    return 2 * cpus + 1


def forwarded_allow_ips(environ=os.environ) -> str:
    """Whom gunicorn believes about X-Forwarded-Proto: nobody when the app trusts no proxy
    (PROXY_FIX_X_PROTO=0, as in development), whoever connects when it trusts one — the app's
    ProxyFix trusts by count too, so gunicorn must be reachable only through the proxy (compose:
    the web containers publish no port). FORWARDED_ALLOW_IPS narrows it to the proxy's address."""
    explicit = environ.get("FORWARDED_ALLOW_IPS")
    if explicit is not None:
        return explicit
    return "*" if int(environ.get("PROXY_FIX_X_PROTO", 0) or 0) > 0 else ""


bind = os.environ.get("GUNICORN_BIND", "0.0.0.0:8000")
workers = int(os.environ.get("WEB_CONCURRENCY") or default_workers(cpu_count()))
worker_class = "sync"  # the proxy buffers slow clients' requests and answers (deploy/nginx)
#: A request that takes longer is killed and logged (a PDF takes ~1 s; an upload is at most
#: MAX_CONTENT_LENGTH, already buffered by the proxy).
timeout = int(os.environ.get("GUNICORN_TIMEOUT", 60))
#: On SIGTERM (a restart, `compose stop`), requests under way get this long to finish.
graceful_timeout = int(os.environ.get("GUNICORN_GRACEFUL_TIMEOUT", 30))
keepalive = 5
#: Replace a worker after this many requests (± a tenth, so they do not all restart at once), to
#: bound a slow growth of its memory should one appear. Off by default: none has been seen, and a
#: new worker builds the whole app again (about a second of CPU) before it serves.
max_requests = int(os.environ.get("GUNICORN_MAX_REQUESTS", 0))
max_requests_jitter = max_requests // 10
forwarded_allow_ips = forwarded_allow_ips()
#: Each worker builds its own app (no preload): no database connection or Redis client is
#: shared across a fork, and each worker checks Redis itself at start-up.
preload_app = False
accesslog = None  # the app logs each request as JSON (LOG_REQUESTS), with its request id
errorlog = "-"
loglevel = os.environ.get("GUNICORN_LOG_LEVEL", "info")
#: Worker heartbeat files in memory, not on the container's overlay disk (gunicorn's advice for
#: containers: a slow disk there made healthy workers look dead).
SHM = Path("/dev/shm")  # noqa: S108 - written by gunicorn alone, one file per worker
worker_tmp_dir = str(SHM) if SHM.is_dir() else None


def on_starting(server):
    """With PROMETHEUS_MULTIPROC_DIR set (compose sets it), the workers' request figures are
    summed from files there: start from an empty folder, or a previous run's would be added in."""
    folder = os.environ.get("PROMETHEUS_MULTIPROC_DIR")
    if folder:
        Path(folder).mkdir(parents=True, exist_ok=True)
        for leftover in Path(folder).glob("*.db"):
            leftover.unlink()


def child_exit(server, worker):
    """With PROMETHEUS_MULTIPROC_DIR set, a dead worker's live gauges are dropped."""
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        from prometheus_client import multiprocess

        multiprocess.mark_process_dead(worker.pid)
