"""Liveness, readiness, metrics and request ids ([Production] item 4)."""

from __future__ import annotations

import json
import logging
import re

import pytest
from sqlalchemy import text

from app import clock
from app.extensions import db
from app.observability import JsonFormatter
from app.scheduler import SchedulerHeartbeat
from tests.conftest import build_app
from tests.factories import make_user, queue_notice_texts
from tests.pool_factories import at, register


def _metric(body: str, name: str, labels: str = "") -> float:
    match = re.search(rf"^{name}{re.escape(labels)} (\S+)$", body, re.M)
    assert match, f"{name}{labels} not in the metrics"
    return float(match.group(1))


def test_healthz_answers_while_the_process_runs(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.get_json() == {"ok": True}


def test_readyz_is_ready_with_the_schema_at_the_migrations_head(client):
    response = client.get("/readyz")
    assert response.status_code == 200, response.get_json()
    assert response.get_json() == {
        "ready": True,
        "checks": {"database": "ok", "redis": "ok", "storage": "ok"},
    }


def test_readyz_is_not_ready_when_the_schema_is_behind_the_migrations(app, client):
    head = db.session.scalar(text("SELECT version_num FROM alembic_version"))
    db.session.execute(text("UPDATE alembic_version SET version_num = 'd8b2f4a6c019'"))
    db.session.commit()
    response = client.get("/readyz")
    # Put the head back: on PostgreSQL the next test shares the database, and alembic_version is
    # kept between tests (conftest.REFERENCE_TABLES).
    db.session.execute(text("UPDATE alembic_version SET version_num = :v"), {"v": head})
    db.session.commit()
    assert response.status_code == 503
    body = response.get_json()
    assert body["ready"] is False
    assert "d8b2f4a6c019" in body["checks"]["database"]
    assert body["checks"]["storage"] == "ok"


def test_readyz_is_not_ready_when_uploads_cannot_be_written(app, client, tmp_path):
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder")
    app.config["UPLOAD_FOLDER"] = str(blocker / "uploads")
    response = client.get("/readyz")
    assert response.status_code == 503
    assert response.get_json()["checks"]["storage"] != "ok"
    assert response.get_json()["checks"]["database"] == "ok"


def test_readyz_is_not_ready_when_the_shared_redis_is_unreachable(app, client):
    app.config["CACHE_REDIS_URL"] = "redis://127.0.0.1:1/0"  # nothing listens on port 1
    response = client.get("/readyz")
    assert response.status_code == 503
    assert response.get_json()["checks"]["redis"] == "ConnectionError"


def test_metrics_give_the_sms_queue_the_heartbeat_and_the_draws(app, client):
    clock.set_now(at(2026, 11, 2, 9, 0))
    queue_notice_texts(make_user("staff"), [register(i) for i in range(3)])
    db.session.add(SchedulerHeartbeat(tick_id="sms-send", last_ok_at=at(2026, 11, 2, 8, 59)))
    db.session.commit()
    clock.set_now(at(2026, 11, 2, 9, 10))

    response = client.get("/metrics")
    assert response.status_code == 200
    assert response.headers["Content-Type"].startswith("text/plain")
    body = response.get_data(as_text=True)
    assert _metric(body, "smallworks_sms_queue_depth") == 3
    assert _metric(body, "smallworks_sms_oldest_queued_age_seconds") == 600
    assert _metric(
        body, "smallworks_scheduler_last_tick_timestamp_seconds", '{tick="sms-send"}'
    ) == (at(2026, 11, 2, 8, 59).timestamp())
    assert "smallworks_request_duration_seconds_bucket" in body


@pytest.fixture
def cached_client(database_url, tmp_path):
    """A client of an app with the page cache on (TestingConfig has it off)."""
    app = build_app(database_url, tmp_path, PAGE_CACHE=True)
    with app.app_context():
        yield app.test_client()
        db.session.remove()
        db.engine.dispose()


def test_metrics_count_requests_by_endpoint_page_cache_hits_included(cached_client):
    client = cached_client

    def served() -> float:
        body = client.get("/metrics").get_data(as_text=True)
        found = re.search(
            r'^smallworks_requests_total\{endpoint="notices.index",status="2xx"\} (\S+)$',
            body,
            re.M,
        )
        return float(found.group(1)) if found else 0.0

    before = served()
    assert client.get("/notices/").headers["X-Page-Cache"] == "miss"
    assert client.get("/notices/").headers["X-Page-Cache"] == "hit"
    assert served() == before + 2


def test_metrics_are_not_shown_outside_the_monitoring_network(client):
    response = client.get("/metrics", environ_base={"REMOTE_ADDR": "203.0.113.9"})
    assert response.status_code == 404
    assert b"smallworks_" not in response.data


def test_every_answer_carries_a_request_id_and_a_proxys_plain_one_is_kept(client):
    own = client.get("/notices/").headers["X-Request-ID"]
    assert re.fullmatch(r"[0-9a-f]{16}", own)
    assert client.get("/notices/").headers["X-Request-ID"] != own
    kept = client.get("/notices/", headers={"X-Request-ID": "edge-4f2a9c01"})
    assert kept.headers["X-Request-ID"] == "edge-4f2a9c01"
    for junk in ("<script>", "a" * 200, "short", "id with spaces"):
        answered = client.get("/notices/", headers={"X-Request-ID": junk})
        assert answered.status_code == 200
        assert answered.headers["X-Request-ID"] != junk


def test_a_page_cache_hit_gets_its_own_request_id(cached_client):
    client = cached_client
    first = client.get("/notices/")
    second = client.get("/notices/")
    assert second.headers["X-Page-Cache"] == "hit"
    assert second.headers["X-Request-ID"] != first.headers["X-Request-ID"]


def test_request_log_lines_are_json_with_the_request_id_and_no_query_string(app, client, caplog):
    app.config["LOG_REQUESTS"] = True
    with caplog.at_level(logging.INFO, logger="smallworks.requests"):
        response = client.get("/search?q=13800138000", headers={"X-Request-ID": "probe-00000001"})
    (record,) = [r for r in caplog.records if r.name == "smallworks.requests"]
    with app.test_request_context(headers={"X-Request-ID": "probe-00000001"}):
        line = JsonFormatter().format(record)
    parsed = json.loads(line)
    assert parsed["request_id"] == "probe-00000001"
    assert parsed["path"] == "/search"
    assert parsed["status"] == response.status_code
    assert parsed["endpoint"] == "public.search"
    assert "13800138000" not in line
