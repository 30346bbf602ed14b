"""Operations: liveness and readiness, Prometheus metrics, and structured logs with a request id.

- `/healthz` says the process answers; `/readyz` says this worker can serve: the database answers
  and its schema is at the migrations' head, the shared Redis stores (production) answer, and the
  upload store is writable (the folder) or answers (the S3 bucket). A load balancer takes a
  worker out of rotation on 503 and reads which check failed in the body. The scheduler's health
  is not among them (a stalled scheduler must not take the web out of rotation): its heartbeat is
  a metric.
- `/metrics` (Prometheus text format) for the monitoring network only (METRICS_ALLOW_FROM):
  request latency by endpoint, the SMS queue's depth and the age of its oldest due message, the
  scheduler's heartbeat per tick, and the draws held. Under gunicorn each worker counts its own
  requests; with PROMETHEUS_MULTIPROC_DIR set (docs/deploy.md) they are summed across workers.
- Every request gets an id: the proxy's `X-Request-ID` when it is a plain token, a new one
  otherwise; it is sent back in the answer and carried by every log line of the request. With
  LOG_FORMAT=json (production's default) each line is one JSON object. Logs carry endpoints and
  paths, never query strings, form values, addresses or seeds: no personal data.
"""

from __future__ import annotations

import ipaddress
import json
import logging
import os
import re
import secrets
import sys
import time
from datetime import UTC, datetime
from pathlib import Path

from flask import Blueprint, Flask, abort, current_app, has_request_context, request
from flask.globals import _cv_app, _cv_request
from prometheus_client import (
    CONTENT_TYPE_LATEST,
    CollectorRegistry,
    Counter,
    Histogram,
    generate_latest,
)
from prometheus_client.core import GaugeMetricFamily
from sqlalchemy import select, text

from app import clock
from app.extensions import db
from app.headers import header
from app.wiring import registry

log = logging.getLogger("smallworks.requests")

bp = Blueprint("ops", __name__)

#: A proxy's request id is kept only if it is a plain token (it goes into logs and headers).
_REQUEST_ID = re.compile(r"^[A-Za-z0-9._-]{8,64}$")
_ID_KEY = "smallworks.request_id"
_STARTED_KEY = "smallworks.request_started"

REQUEST_SECONDS = Histogram(
    "smallworks_request_duration_seconds",
    "Time to answer a request, by endpoint and method.",
    ["endpoint", "method"],
    buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10),
)
REQUESTS = Counter(
    "smallworks_requests_total",
    "Requests answered, by endpoint and status class (2xx, 3xx, 4xx, 5xx).",
    ["endpoint", "status"],
)


# ---- request id and logs ----------------------------------------------------------------------


def request_id() -> str | None:
    """This request's id (None outside a request)."""
    if not has_request_context():
        return None
    # On the request, not on `g`: `g` belongs to the app context, which a request shares with
    # whoever pushed one before it (a CLI command, a test).
    return request_id_of(request.environ)


def request_id_of(environ: dict) -> str:
    """The id of the request a WSGI environ carries, made once: the proxy's `X-Request-ID` when
    it is a plain token, a new one otherwise (also read by the page cache's front, which answers
    before Flask has made a request context)."""
    rid = environ.get(_ID_KEY)
    if rid is None:
        offered = environ.get("HTTP_X_REQUEST_ID", "")
        rid = offered if _REQUEST_ID.match(offered) else secrets.token_hex(8)
        environ[_ID_KEY] = rid
    return rid


class JsonFormatter(logging.Formatter):
    """One JSON object a line: time (UTC), level, logger, message, request id, and the extra
    fields a caller passes (`extra={"fields": {...}}`)."""

    def format(self, record: logging.LogRecord) -> str:
        line = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
        }
        rid = request_id()
        if rid:
            line["request_id"] = rid
        line.update(getattr(record, "fields", {}))
        if record.exc_info:
            line["exception"] = self.formatException(record.exc_info)
        return json.dumps(line, ensure_ascii=False, default=str)


class _TextFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        rid = request_id() or getattr(record, "fields", {}).get("request_id")
        text_line = super().format(record)
        return f"{text_line} [{rid}]" if rid else text_line


def configure_logging(app: Flask) -> None:
    """The `smallworks` loggers write to stderr in the configured format (once per process)."""
    if app.testing:
        return
    root = logging.getLogger("smallworks")
    if getattr(root, "_smallworks_handler", False):
        return
    handler = logging.StreamHandler(sys.stderr)
    if app.config["LOG_FORMAT"] == "json":
        handler.setFormatter(JsonFormatter())
    else:
        handler.setFormatter(_TextFormatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    root.addHandler(handler)
    root.setLevel(app.config["LOG_LEVEL"])
    root.propagate = False
    root._smallworks_handler = True


def _started() -> None:
    environ = request.environ
    environ[_STARTED_KEY] = time.perf_counter()
    request_id_of(environ)


def _answered(response):
    # The request and app contexts read once: each of `request`, `g` and `current_app` is a
    # proxy resolved again at every use, and this runs on every request (issue 14).
    req = _cv_request.get().request
    environ = req.environ
    rid = request_id_of(environ)
    headers = response.headers
    headers["X-Request-ID"] = rid
    started = environ.get(_STARTED_KEY)
    if started is None:
        return response
    app_ctx = _cv_app.get()
    answered(
        req.endpoint or "unmatched",
        req.method,
        req.path,
        response.status_code,
        time.perf_counter() - started,
        # A miss is marked by the page cache's after_request function, which runs after this one.
        header(headers, "x-page-cache") or ("miss" if app_ctx.g.get("page_cache") else None),
        rid,
        log_line=app_ctx.app.config["LOG_REQUESTS"],
    )
    return response


def answered(
    endpoint: str,
    method: str,
    path: str,
    status: int,
    seconds: float,
    cache: str | None,
    rid: str,
    *,
    log_line: bool,
) -> None:
    """Count and log one answered request: the latency histogram, the requests counter and (with
    `log_line`, LOG_REQUESTS) a log line. The request hooks call it, and the page cache's front
    for the hits it answers before Flask (no request context then: the line carries its request
    id in its fields)."""
    _child(REQUEST_SECONDS, endpoint, method).observe(seconds)
    _child(REQUESTS, endpoint, f"{status // 100}xx").inc()
    if log_line:
        log.info(
            "%s %s %s",
            method,
            path,
            status,
            extra={
                "fields": {
                    "method": method,
                    "path": path,
                    "endpoint": endpoint,
                    "status": status,
                    "ms": round(seconds * 1000, 1),
                    "cache": cache,
                    "request_id": rid,
                }
            },
        )


#: Each request metric's child per label values, as `labels` gave it (`_child`).
_children: dict[tuple, object] = {}
#: Label sets kept (endpoints × methods or status classes: a few hundred; emptied when full).
_CHILDREN_KEPT = 4096


def _child(metric, *values: str):
    """`metric.labels(*values)`, kept (issue 14): prometheus_client checks the arguments, makes
    their texts and takes a lock on each call (~12 calls, two a request) to find the child it
    made the first time and keeps for good; nothing here removes one. A method is the
    client's word, so the memo is bounded."""
    key = (metric, values)
    child = _children.get(key)
    if child is None:
        if len(_children) >= _CHILDREN_KEPT:
            _children.clear()
        child = _children[key] = metric.labels(*values)
    return child


# ---- health and readiness ---------------------------------------------------------------------


@bp.route("/healthz")
def healthz():
    return {"ok": True}


def _check_database() -> str | None:
    from alembic.script import ScriptDirectory
    from flask_migrate import Migrate

    db.session.execute(text("SELECT 1"))
    migrate: Migrate = current_app.extensions["migrate"]
    heads = set(ScriptDirectory.from_config(migrate.migrate.get_config()).get_heads())
    at = set(db.session.execute(text("SELECT version_num FROM alembic_version")).scalars())
    if at != heads:
        return f"schema at {sorted(at)}, migrations' head {sorted(heads)}"
    return None


def redis_urls(config) -> dict[str, str]:
    """The Redis stores the settings name (the rate limiter's, the page cache's), by setting."""
    urls = {s: config.get(s) or "" for s in ("RATELIMIT_STORAGE_URI", "CACHE_REDIS_URL")}
    return {s: url for s, url in urls.items() if url.startswith(("redis://", "rediss://"))}


def _ping(url: str) -> None:
    import redis

    client = redis.Redis.from_url(url, socket_timeout=2, socket_connect_timeout=2)
    try:
        client.ping()
    finally:
        client.close()


def _check_redis() -> str | None:
    for url in redis_urls(current_app.config).values():
        _ping(url)
    return None


def require_redis(app: Flask) -> None:
    """Production's serving processes do not start while a configured Redis does not answer:
    better no worker than workers counting every limit alone from their first request. Once
    started, a Redis that goes away degrades them instead (docs/deploy.md, "When Redis is down")."""
    from urllib.parse import urlsplit

    import redis

    from config import ConfigError

    for setting, url in redis_urls(app.config).items():
        try:
            _ping(url)
        except redis.RedisError as e:
            u = urlsplit(url)  # no password in the message
            where = f"{u.scheme}://{u.hostname}:{u.port or 6379}{u.path}"
            raise ConfigError(
                f"Production refuses to start: Redis at {where} ({setting}) does not answer "
                f"({e}). Start Redis first, or correct {setting}."
            ) from None


def _check_storage() -> str | None:
    from app.storage import get_storage

    get_storage().check()
    return None


CHECKS = {
    "database": _check_database,
    "redis": _check_redis,
    "storage": _check_storage,
}


@bp.route("/readyz")
def readyz():
    results, ready = {}, True
    for name, check in CHECKS.items():
        try:
            problem = check()
        except Exception as e:  # a check that cannot even run is a failed check
            db.session.rollback()
            problem = type(e).__name__
            logging.getLogger("smallworks.readyz").warning("%s check failed: %r", name, e)
        results[name] = "ok" if problem is None else problem
        ready = ready and problem is None
    return {"ready": ready, "checks": results}, 200 if ready else 503


# ---- metrics ----------------------------------------------------------------------------------


#: The registry of figures the domains give (`register_metrics`).
METRICS = "app.metrics"


def register_metrics(app: Flask, name: str, collect) -> None:
    """Let a domain add figures to /metrics: `collect(now)` yields prometheus_client metric
    families, read from the database at each scrape (so every worker gives the same)."""
    registry(METRICS, app)[name] = collect


class _DatabaseCollector:
    """Figures read from the database at each scrape: the scheduler's heartbeat, and each
    domain's registered figures (the SMS queue, the draws)."""

    def collect(self):
        from app.scheduler import SchedulerHeartbeat

        now = clock.now()
        beats = GaugeMetricFamily(
            "smallworks_scheduler_last_tick_timestamp_seconds",
            "When each scheduler tick last ran to the end (Unix time).",
            labels=["tick"],
        )
        for tick_id, at in db.session.execute(
            select(SchedulerHeartbeat.tick_id, SchedulerHeartbeat.last_ok_at)
        ):
            beats.add_metric([tick_id], at.timestamp())
        yield beats
        for collect in registry(METRICS).values():
            yield from collect(now)


def _allowed(address: str | None) -> bool:
    try:
        ip = ipaddress.ip_address(address or "")
    except ValueError:
        return False
    return any(ip in ipaddress.ip_network(n) for n in current_app.config["METRICS_ALLOW_FROM"])


@bp.route("/metrics")
def metrics():
    if not _allowed(request.remote_addr):
        abort(404)
    registry = CollectorRegistry()
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        from prometheus_client import multiprocess

        multiprocess.MultiProcessCollector(registry)
    else:
        registry.register(REQUEST_SECONDS)
        registry.register(REQUESTS)
    registry.register(_DatabaseCollector())
    try:
        body = generate_latest(registry)
    finally:
        db.session.rollback()
    return body, 200, {"Content-Type": CONTENT_TYPE_LATEST, "Cache-Control": "no-store"}


def init_app(app: Flask) -> None:
    """Logs, the request id and timing (first before_request: the page cache's hits are timed
    too), and the health, readiness and metrics endpoints (exempt from CSRF and rate limits)."""
    from app.extensions import csrf, limiter

    configure_logging(app)
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        # Any process of the image may count (a `flask` command serving a request through a
        # test client, say), not only gunicorn's workers, whose start made the folder.
        Path(os.environ["PROMETHEUS_MULTIPROC_DIR"]).mkdir(parents=True, exist_ok=True)
    app.before_request_funcs.setdefault(None, []).insert(0, _started)
    app.after_request(_answered)
    csrf.exempt(bp)
    limiter.exempt(bp)
    app.register_blueprint(bp)
