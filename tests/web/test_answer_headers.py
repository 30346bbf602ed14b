"""What every answer pays after its view, cut without changing a header (issue 14): the headers
handed to the server (app.headers.Response), the request metrics' children (app.observability),
the rule of personal answers (app.pagecache.serving.personal)."""

from __future__ import annotations

import pytest
from flask import Response as FlaskResponse
from werkzeug.test import EnvironBuilder

from app import observability
from app.headers import Response
from app.pagecache.serving import personal

ANSWERS = [
    ({"status": 200}, {}),
    ({"status": 200, "headers": {"Content-Length": "4"}}, {}),
    ({"status": 200, "headers": {"Content-Length": "4", "X-Other": "ü"}}, {}),
    ({"status": 302, "headers": {"Location": "/notices/?a=b c", "Content-Length": "4"}}, {}),
    ({"status": 201, "headers": {"Content-Location": "/é", "Content-Length": "4"}}, {}),
    ({"status": 204, "headers": {"Content-Length": "4"}}, {}),
    ({"status": 304, "headers": {"Content-Length": "4", "ETag": '"x"'}}, {}),
    ({"status": 404, "headers": {"content-length": "4"}}, {}),
    ({"status": 200, "headers": {"Content-Length": "4"}}, {"method": "HEAD"}),
    ({"status": 200, "headers": [("Set-Cookie", "a=1"), ("Set-Cookie", "b=2")]}, {}),
]


@pytest.mark.parametrize(("answer", "request_"), ANSWERS)
def test_the_headers_handed_to_the_server_are_werkzeugs(answer, request_):
    environ = EnvironBuilder(path="/x", base_url="http://localhost/sw/", **request_).get_environ()
    ours = Response("body", **answer)
    theirs = FlaskResponse("body", **answer)
    given = ours.get_wsgi_headers(environ)
    assert given.to_wsgi_list() == theirs.get_wsgi_headers(environ).to_wsgi_list()
    given.add("X-Added", "1")  # a copy: the answer's own headers are unchanged
    assert "X-Added" not in ours.headers
    assert ours.get_wsgi_response(environ)[1:] == theirs.get_wsgi_response(environ)[1:]


def test_the_app_answers_with_it(app):
    assert app.response_class is Response
    assert type(app.test_client().get("/healthz")) is not Response  # the test client's own
    with app.test_request_context("/"):
        assert type(app.make_response("x")) is Response


def test_a_request_metric_is_counted_on_the_child_labels_gives(app):
    observability._children.clear()
    counted = observability.REQUESTS.labels("ops.healthz", "2xx")
    before = counted._value.get()
    client = app.test_client()
    client.get("/healthz")
    client.get("/healthz")
    assert counted._value.get() == before + 2
    assert observability._child(observability.REQUESTS, "ops.healthz", "2xx") is counted


def test_the_kept_children_are_bounded(monkeypatch):
    monkeypatch.setattr(observability, "_CHILDREN_KEPT", 3)
    observability._children.clear()
    for method in ("A", "B", "C", "D"):
        observability._child(observability.REQUEST_SECONDS, "x", method)
    assert len(observability._children) == 1


@pytest.mark.parametrize(
    ("method", "cookie", "modified", "expected"),
    [
        ("GET", None, False, False),
        ("HEAD", None, False, False),
        ("POST", None, False, True),
        ("GET", "a=1", False, True),
        ("GET", None, True, True),
    ],
)
def test_an_answer_is_personal_as_the_rule_says(app, method, cookie, modified, expected):
    with app.test_request_context("/", method=method):
        from flask import session

        if modified:
            session["x"] = 1
        response = Response("x")
        if cookie:
            response.headers["set-cookie"] = cookie  # any case
        assert personal(response) is expected
