"""Issue 14: the notices API writes its pages without sorting their keys (app.jsonout.InOrder):
its records are built in sorted key order. The bytes must stay those the JSON provider writes
with its sorted keys — API v1's key order is a contract."""

from __future__ import annotations

import json

from flask import current_app

from app.jsonout import InOrder
from notices import services
from tests.factories import PDF, Browser, make_notice, make_user


def test_a_body_in_order_is_written_as_it_is_and_any_other_sorted(app):
    provider = current_app.json

    assert provider.dumps(InOrder(b=1, a={"d": 2, "c": 3})) == '{"b": 1, "a": {"d": 2, "c": 3}}'
    assert provider.dumps({"b": 1, "a": {"d": 2, "c": 3}}) == '{"a": {"c": 3, "d": 2}, "b": 1}'


def test_the_notices_api_writes_the_bytes_of_its_sorted_keys(app, now):
    now(2026, 11, 25, 10, 0)
    staff = make_user("staff")
    draft = make_notice(staff, publish=False, title="带附件的政策")
    services.add_attachment(draft.id, "第一.pdf", PDF, actor=staff)
    notice = services.publish(draft.id, actor=staff)
    make_notice(staff, type="correction", corrects_id=notice.id, title="更正")
    for i in range(3):
        make_notice(staff, title=f"交易公告{i}")

    for path in ("/api/v1/notices", f"/api/v1/notices/{notice.id}", "/api/v1/notices?page=9"):
        data = Browser(app).get(path).data
        body = json.loads(data)
        if path == "/api/v1/notices":  # every field of a record, and an attachment's
            assert any(item["attachments"] and item["corrected_by"] for item in body["items"])
        assert data == current_app.json.response(body).data, path  # a dict: sorted
