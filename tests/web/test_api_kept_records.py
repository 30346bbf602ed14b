"""The notices API keeps each record's JSON by everything the record is made of (notices.api
`_written`, issue 14): any change — by a service or by SQL by hand — shows on the next request,
on every kind of page (a numbered page read as the driver gives it, a cursor page, several
types, `?since=`), and the answer is the bytes written anew."""

from __future__ import annotations

import json

import pytest
from sqlalchemy import text

from app.extensions import db
from notices import services
from tests.factories import PDF, Browser, make_notice, make_user, published_notices_unguarded

PAGES = [
    "/api/v1/notices",
    "/api/v1/notices?type=policy",
    "/api/v1/notices?type=policy,correction",
    "/api/v1/notices?after={last}",
    "/api/v1/notices?since=2026-11-01",
]


@pytest.fixture
def world(app, now):
    now(2026, 11, 25, 10, 0)
    staff = make_user("staff")
    draft = make_notice(staff, publish=False, title="带附件的政策", type="policy")
    services.add_attachment(draft.id, "第一.pdf", PDF, actor=staff)
    notice = services.publish(draft.id, actor=staff)
    correction = make_notice(staff, type="correction", corrects_id=notice.id, title="更正")
    last = make_notice(staff, title="最早的一条", type="policy")
    for i in range(3):
        make_notice(staff, title=f"政策{i}", type="policy")
    db.session.commit()
    return {"notice": notice.id, "correction": correction.id, "last": last.id, "staff": staff}


def _answers(app, world, host: str = "localhost") -> dict[str, tuple]:
    browser = Browser(app)
    found = {}
    for page in PAGES:
        path = page.format(last=world["last"] + 1)
        answer = browser.get(path, base_url=f"http://{host}")
        assert answer.status_code == 200, path
        found[path] = (answer.data, answer.headers.get("Last-Modified"), answer.headers["ETag"])
    return found


def _anew(app, world, host: str = "localhost") -> dict[str, tuple]:
    """The answers with no record's JSON kept: written from the rows."""
    app.extensions.pop("smallworks.notice_json", None)
    return _answers(app, world, host)


def _sql(statement: str, **params) -> None:
    db.session.execute(text(statement), params)
    db.session.commit()


CHANGES = [
    ("title", "UPDATE notices SET title = '改过的标题' WHERE id = :notice"),
    ("type", "UPDATE notices SET type = 'roster' WHERE id = :last"),
    ("issuing_body", "UPDATE notices SET issuing_body = '另一个机关' WHERE id = :notice"),
    ("legal_basis", "UPDATE notices SET legal_basis = '另一条依据' WHERE id = :notice"),
    (
        "min_working_days and publicity_ends_at",
        "UPDATE notices SET min_working_days = 9,"
        " publicity_ends_at = '2026-12-31 16:00:00.000000' WHERE id = :notice",
    ),
    (
        "publicity_ends_at",
        "UPDATE notices SET publicity_ends_at = '2027-01-31 16:00:00.000000' WHERE id = :notice",
    ),
    ("published_at", "UPDATE notices SET published_at = published_at WHERE id = :notice"),
    ("office name", "UPDATE offices SET name = '改名的办公室'"),
    ("office code", "UPDATE offices SET code = 'renamed'"),
    ("a correction drafted", "UPDATE notices SET status = 'draft' WHERE id = :correction"),
    ("a correction again", "UPDATE notices SET status = 'published' WHERE id = :correction"),
    ("an attachment's name", "UPDATE notice_attachments SET original_name = '改名.pdf'"),
    ("an attachment's size", "UPDATE notice_attachments SET size = size + 1"),
    ("an attachment's hash", "UPDATE notice_attachments SET sha256 = 'ab'"),
    ("an attachment's type", "UPDATE notice_attachments SET content_type = 'text/plain'"),
    ("corrects", "UPDATE notices SET corrects_id = :last WHERE id = :correction"),
]


def test_every_change_shows_on_the_next_request_as_written_anew(app, world):
    _answers(app, world)
    before = _answers(app, world)
    assert before == _anew(app, world)
    ids = {k: v for k, v in world.items() if k != "staff"}
    for what, statement in CHANGES:
        _answers(app, world)  # every record kept as it is now
        with published_notices_unguarded():
            _sql(statement, **{k: v for k, v in ids.items() if f":{k}" in statement})
        after = _answers(app, world)
        assert after == _anew(app, world), what
        if what != "published_at":  # the same value written again: nothing changed
            assert after != before, what
        before = after


def test_a_published_correction_and_a_new_attachment_show_on_the_next_request(app, world):
    staff = world["staff"]
    before = _answers(app, world)
    make_notice(staff, type="correction", corrects_id=world["last"], title="又一更正")
    after = _answers(app, world)
    assert after == _anew(app, world) and after != before
    _sql(
        "INSERT INTO notice_attachments (notice_id, original_name, content_type, size, sha256,"
        " storage_key, uploaded_at) SELECT :last, original_name, content_type, size, sha256,"
        " storage_key || 'x', uploaded_at FROM notice_attachments",
        last=world["last"],
    )
    again = _answers(app, world)
    assert again == _anew(app, world) and again != after


def test_the_address_is_part_of_the_key(app, world):
    app.config["BASE_URL_FROM_REQUEST"] = True  # links on the request's address
    here = _answers(app, world, "localhost")
    there = _answers(app, world, "example.org:8080")
    assert there == _anew(app, world, "example.org:8080")
    body = json.loads(there["/api/v1/notices"][0])
    assert body["items"][0]["url"].startswith("http://example.org:8080/")
    assert here == _answers(app, world, "localhost")


def test_an_indented_answer_is_written_whole(app, world):
    # Debug mode: the provider indents, a record written alone is not the same bytes.
    compact = _answers(app, world)
    app.json.compact = False
    try:
        indented = _answers(app, world)
        for path, (data, *_rest) in indented.items():
            assert data.startswith(b'{\n  "items"'), path
            assert data == app.json.response(json.loads(data)).data, path
            assert json.loads(data) == json.loads(compact[path][0])
    finally:
        app.json.compact = None


def test_two_notices_alike_but_for_their_ids_are_two_records(app, world):
    # Published at the same moment (a stopped clock) with the same values: only the ids differ.
    twins = [make_notice(world["staff"], title="同题", type="policy").id for _ in range(2)]
    for _ in range(2):
        body = json.loads(Browser(app).get("/api/v1/notices").data)
        shown = [(i["id"], i["url"]) for i in body["items"] if i["title"] == "同题"]
        assert sorted(shown) == [(n, f"http://testserver/notices/{n}") for n in sorted(twins)]
