"""The limiter's resolved limits kept per endpoint (app.extensions.KeptLimitManager, issue 14):
the same answers, headers and counters as the library's own resolution on every request, and
a limit or exemption declared, or a limit's string changed, applies on the next request."""

from __future__ import annotations

from uuid import uuid4

import flask_limiter
import pytest
from flask import Blueprint
from flask_limiter._manager import LimitManager

from app.extensions import KeptLimitManager, Limiter, limiter

PATHS = [
    "/api/v1/notices",
    "/api/v1/offices",
    "/api/v1/notices?type=trading_notice",
    "/notices/",
    "/api/v1/nowhere",
    "/nowhere",
    "/healthz",
]

#: Headers that differ between two runs by the clock alone.
CLOCKED = {"Date", "X-Request-ID", "X-RateLimit-Reset", "Retry-After", "Last-Modified"}


def _run(app) -> tuple[list, list]:
    """Every answer (status, headers but the clocked ones, body) of a sequence of requests that
    crosses the API's limit, a login's and none, and the limiter's counters' keys after it."""
    limiter.reset()
    client = app.test_client()
    answers = []
    for _ in range(3):
        for path in PATHS:
            answer = client.get(path)
            headers = sorted((k, v) for k, v in answer.headers.items() if k not in CLOCKED)
            answers.append((path, answer.status_code, headers, answer.data))
        answer = client.post("/login", data={"username": "nobody", "password": "wrong"})
        answers.append(("/login", answer.status_code, answer.headers.get("X-RateLimit-Limit")))
    return answers, sorted(limiter.storage.storage)


@pytest.mark.parametrize("headers", [False, True])
def test_kept_limits_answer_as_the_librarys_own_resolution(app, monkeypatch, headers):
    app.config["API_RATE_LIMIT"] = "5 per minute"
    app.config["LOGIN_RATE_LIMIT"] = "2 per minute"
    monkeypatch.setattr(limiter, "_headers_enabled", headers)
    kept = _run(app)
    # The library's own: resolved on every request, its context found through the proxy.
    monkeypatch.setattr(KeptLimitManager, "resolve_limits", LimitManager.resolve_limits)
    monkeypatch.setattr(KeptLimitManager, "exemption_scope", LimitManager.exemption_scope)
    monkeypatch.setattr(Limiter, "context", flask_limiter.Limiter.context)
    monkeypatch.setattr(Limiter, "_no_limit_applies", lambda self: False)
    theirs = _run(app)
    assert kept == theirs
    statuses = [a[1] for a in kept[0] if a[0] == "/api/v1/notices"]
    assert statuses == [200, 200, 429]  # the limit was crossed
    assert any(k.startswith("LIMITER/") and "/api/" in k for k in kept[1])


def test_a_changed_limit_string_applies_on_the_next_request(app, client):
    app.config["API_RATE_LIMIT"] = "100 per minute"
    assert [client.get("/api/v1/offices").status_code for _ in range(3)] == [200] * 3
    app.config["API_RATE_LIMIT"] = "2 per minute"  # a counter of its own (its key has the limit)
    assert [client.get("/api/v1/offices").status_code for _ in range(3)] == [200, 200, 429]


def test_a_limit_declared_after_requests_applies_on_the_next_request(app, client):
    # A name of its own: the limiter is the module's, and keeps what a test declared.
    bp = Blueprint(f"kept_probe_{uuid4().hex}", __name__)
    bp.add_url_rule("/kept-probe", "page", lambda: "ok")
    app.register_blueprint(bp)
    assert [client.get("/kept-probe").status_code for _ in range(3)] == [200] * 3
    limiter.limit("1 per minute")(bp)
    assert [client.get("/kept-probe").status_code for _ in range(2)] == [200, 429]
    limiter.exempt(bp)
    assert [client.get("/kept-probe").status_code for _ in range(2)] == [200, 200]


def test_an_exemption_declared_after_requests_applies_on_the_next_request(app, client):
    app.config["API_RATE_LIMIT"] = "2 per minute"
    bp = Blueprint(f"kept_api_probe_{uuid4().hex}", __name__, url_prefix="/api/v1/kept-probe")
    bp.add_url_rule("", "page", lambda: "ok")
    app.register_blueprint(bp)
    from app.api import API_LIMIT

    API_LIMIT(bp)
    assert [client.get("/api/v1/kept-probe").status_code for _ in range(3)] == [200, 200, 429]
    limiter.exempt(bp)
    limiter.reset()
    assert [client.get("/api/v1/kept-probe").status_code for _ in range(3)] == [200] * 3
