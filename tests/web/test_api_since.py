"""Issue [Public] item 7, API conventions for consumers: every list of API v1 takes `?since=`
(the items changed at or after it — a change after publication counts), carries it through its
cursor pages, answers a clear 400 for a malformed or future `since`, sends Last-Modified and
answers If-Modified-Since with 304; every 429, page or API, says when to come back (Retry-After)."""

from __future__ import annotations

from datetime import date
from urllib.parse import quote

import pytest

from app.extensions import db
from app.offices.models import Office
from contracts.complaints import services as complaints
from lottery import services as draws
from tests.factories import default_district, make_notice, make_office, make_user
from tests.trading_factories import file_complaint

LISTS = (
    "/api/v1/notices",
    "/api/v1/draws",
    "/api/v1/projects",
    "/api/v1/complaints",
    "/api/v1/sanctions",
    "/api/v1/pool",
    "/api/v1/offices",
)


def since(moment) -> str:
    return quote(moment.isoformat())


def listed(client, url: str, key: str = "id") -> list:
    answer = client.get(url)
    assert answer.status_code == 200, answer.get_data(as_text=True)
    return [item[key] for item in answer.get_json()["items"]]


def walk(client, url: str, key: str = "id") -> list[list]:
    pages = []
    while url:
        body = client.get(url.removeprefix("http://testserver")).get_json()
        pages.append([item[key] for item in body["items"]])
        url = body["next"]
        assert len(pages) < 50, "the next links go round in circles"
    return pages


# ---- bad input ----------------------------------------------------------------------------------


@pytest.mark.parametrize("url", LISTS)
@pytest.mark.parametrize(
    "bad",
    ["yesterday", "2026-13-01", "2026-11-31T08:00", "\x00", "9" * 10_000, "<b>'--", "1e400"],
    ids=["word", "month", "day", "nul", "long", "html", "number"],
)
def test_a_malformed_since_is_a_400_that_says_what_is_wrong(client, now, url, bad):
    now(2026, 11, 25, 10, 0)
    answer = client.get(f"{url}?since={quote(bad)}")
    assert answer.status_code == 400
    body = answer.get_json()
    if bad == "\x00":  # refused before any view, as in every query string (app.inputs)
        assert "空字符" in body["message"]
        return
    assert body["error"] == 400 and "since" in body["message"] and "ISO 8601" in body["message"]


@pytest.mark.parametrize("url", LISTS)
def test_a_since_in_the_future_is_a_400_naming_the_time_now(client, now, url):
    now(2026, 11, 25, 10, 0)
    answer = client.get(f"{url}?since=2026-11-25T10:00:01%2B08:00")
    assert answer.status_code == 400
    assert "2026-11-25T10:00:00+08:00" in answer.get_json()["message"]
    assert client.get(f"{url}?since=2026-11-25T10:00:00%2B08:00").status_code == 200


def test_the_since_message_is_english_on_the_english_site(client, now):
    now(2026, 11, 25, 10, 0)
    client.client.set_cookie("lang", "en")
    message = client.get("/api/v1/notices?since=soon").get_json()["message"]
    assert message.startswith("since is not an ISO 8601 timestamp")


def test_since_reads_a_date_a_utc_time_and_a_time_without_offset_as_beijing_time(client, now):
    at_nine = now(2026, 11, 25, 9, 0)
    make_notice(make_user("staff"))
    now(2026, 11, 25, 10, 0)
    for given, found in (
        ("2026-11-25", 1),  # 00:00 Beijing
        ("2026-11-25T09:00:00", 1),  # no offset: Beijing
        ("2026-11-25T01:00:00Z", 1),  # = 09:00 Beijing
        ("2026-11-25T01:00:01Z", 0),
        (at_nine.isoformat(), 1),
    ):
        assert len(listed(client, f"/api/v1/notices?since={quote(given)}")) == found, given


def published_sanction(phase, c):
    """A one-month suspension of `c`, decided 2026-11-10 and published 2026-11-11."""
    from app import clock
    from contractors.sanctions import services
    from tests.pool_factories import at
    from tests.sanction_factories import decision

    clock.set_now(at(2026, 11, 2, 10, 0))
    case = services.open_case(c.id, "incident", "质量事故", actor=phase.staff)
    clock.set_now(at(2026, 11, 10, 10, 0))
    services.decide(case.id, decision(starts_on=date(2026, 11, 10), months=1), actor=phase.staff)
    clock.set_now(at(2026, 11, 11, 10, 0))
    services.publish(case.sanction.id, actor=phase.staff)
    return case


# ---- each list: what changed since ---------------------------------------------------------------


def test_notices_since_include_a_notice_corrected_after_it_and_page_without_gaps(
    client, now, monkeypatch
):
    import notices.api

    staff = make_user("staff")
    now(2026, 11, 20, 9, 0)
    old = make_notice(staff, title="早先的公告")
    cut = now(2026, 11, 23, 9, 0)
    fresh = [make_notice(staff, title=f"新公告{i}") for i in range(5)]
    assert set(listed(client, f"/api/v1/notices?since={since(cut)}")) == {n.id for n in fresh}

    changed = now(2026, 11, 24, 9, 0)
    correction = make_notice(staff, type="correction", title="更正", corrects_id=old.id)
    assert listed(client, f"/api/v1/notices?since={since(changed)}") == [correction.id, old.id]

    # Two a page: the cursor pages of a `since` list hold each changed notice once, in order.
    monkeypatch.setattr(notices.api, "PER_PAGE", 2)
    first = client.get(f"/api/v1/notices?since={since(cut)}").get_json()
    assert "since=" in first["next"] and "after=" in first["next"]
    pages = walk(client, f"/api/v1/notices?since={since(cut)}")
    every = [i for page in pages for i in page]
    assert len(pages) == 4 and len(every) == len(set(every)) == 7
    assert set(every) == {correction.id, old.id, *(n.id for n in fresh)}
    # The corrected notice keeps its place by publication (the cursor order does not move).
    assert every[-1] == old.id


def test_draws_since_include_a_draw_abandoned_after_its_commitment(client, now):
    clerk = make_user("staff")
    office = default_district()
    now(2026, 11, 20, 9, 0)
    for code in ("PRJ-2026-0001", "PRJ-2026-0002"):
        subject = draws.Subject("project", code, "某工程", office_id=office.id)
        draws.commit_pick(
            f"{code}-rate", "某工程 下浮率摇号", subject, ["3.00", "5.00"], actor=clerk
        )
    cut = now(2026, 11, 22, 9, 0)
    assert listed(client, f"/api/v1/draws?since={since(cut)}", "draw_id") == []
    draws.abandon("PRJ-2026-0002-rate", "项目终止", actor=clerk)
    assert listed(client, f"/api/v1/draws?since={since(cut)}", "draw_id") == ["PRJ-2026-0002-rate"]
    assert len(listed(client, "/api/v1/draws", "draw_id")) == 2


def test_projects_since_include_a_project_whose_responses_closed_after_it(app, client):
    from app import clock
    from tests.trading_factories import active_pool, announced

    phase = active_pool()
    project, t = announced(phase, make_user("owner"))
    assert listed(client, f"/api/v1/projects?since={since(t.created_at)}", "code") == [project.code]
    # Nothing is written when the responses close, but the status changes by the clock: from
    # that moment the project counts as changed.
    after_announcement = t.created_at + (t.responses_close_at - t.created_at) / 2
    clock.set_now(after_announcement)
    assert listed(client, f"/api/v1/projects?since={since(after_announcement)}", "code") == []
    clock.set_now(t.responses_close_at)
    assert listed(client, f"/api/v1/projects?since={since(after_announcement)}", "code") == [
        project.code
    ]


def test_complaints_since_include_one_accepted_after_it_was_received(app, client):
    from app import clock
    from tests.pool_factories import at
    from tests.trading_factories import active_pool, announced

    phase = active_pool()
    _project, t = announced(phase, make_user("owner"))
    clock.set_now(at(2026, 11, 30, 10, 0))
    first, second = file_complaint(phase, t, "甲"), file_complaint(phase, t, "乙")
    clock.set_now(at(2026, 12, 1, 10, 0))
    cut = clock.now()
    assert listed(client, f"/api/v1/complaints?since={since(cut)}") == []
    complaints.accept(first.id, actor=phase.staff)
    assert listed(client, f"/api/v1/complaints?since={since(cut)}") == [first.id]
    assert sorted(listed(client, "/api/v1/complaints")) == sorted([first.id, second.id])


def test_sanctions_since_include_a_sanction_changed_after_its_publication(app, client):
    from app import clock
    from contractors.sanctions import services
    from tests.pool_factories import at
    from tests.sanction_factories import jz_members
    from tests.trading_factories import active_pool

    phase = active_pool()
    c = jz_members(phase)[0]
    case = published_sanction(phase, c)
    cut = at(2026, 11, 12, 10, 0)
    clock.set_now(cut)
    assert listed(client, f"/api/v1/sanctions?since={since(cut)}", "uscc") == []
    assert listed(client, f"/api/v1/sanctions/{c.uscc}?since={since(cut)}", "uscc") == []
    services.change(
        case.sanction.id,
        services.ChangeInput(reason="复议决定变更", approver="张局长", until=date(2026, 11, 25)),
        actor=phase.staff,
    )
    assert listed(client, f"/api/v1/sanctions?since={since(cut)}", "uscc") == [c.uscc]
    assert listed(client, f"/api/v1/sanctions/{c.uscc}?since={since(cut)}", "uscc") == [c.uscc]


def test_pool_since_lists_the_members_whose_membership_began_at_or_after_it(app, client):
    from app import clock
    from tests.pool_factories import at
    from tests.trading_factories import active_pool

    active_pool()  # JZ: 3 members, SZ: 2, active from 2026-11-01
    clock.set_now(at(2026, 11, 2, 10, 0))
    members = client.get("/api/v1/pool").get_json()["items"]
    assert len(members) == 5 and {m["since"] for m in members} == {"2026-11-01"}
    on = since(at(2026, 11, 1, 0, 0))
    assert len(listed(client, f"/api/v1/pool?since={on}", "uscc")) == 5
    after = since(at(2026, 11, 1, 0, 1))
    assert listed(client, f"/api/v1/pool?since={after}", "uscc") == []


def test_offices_since_list_the_offices_created_at_or_after_it(app, client, now):
    now(2026, 11, 20, 10, 0)
    default_district()
    cut = now(2026, 11, 25, 10, 0)
    assert listed(client, f"/api/v1/offices?since={since(cut)}", "code") == []
    make_office("ot-new", "新设街道")
    assert listed(client, f"/api/v1/offices?since={since(cut)}", "code") == ["ot-new"]
    assert db.session.query(Office).count() >= 2


# ---- Last-Modified, If-Modified-Since ----------------------------------------------------------


def test_a_list_and_an_item_send_last_modified_and_answer_if_modified_since_with_304(client, now):
    staff = make_user("staff")
    now(2026, 11, 20, 9, 0)
    old = make_notice(staff)
    now(2026, 11, 23, 9, 0)
    make_notice(staff)
    answer = client.get("/api/v1/notices")
    assert answer.headers["Last-Modified"] == "Mon, 23 Nov 2026 01:00:00 GMT"
    same = {"If-Modified-Since": answer.headers["Last-Modified"]}
    assert client.get("/api/v1/notices", headers=same).status_code == 304
    item = client.get(f"/api/v1/notices/{old.id}")
    assert item.headers["Last-Modified"] == "Fri, 20 Nov 2026 01:00:00 GMT"
    assert client.get(f"/api/v1/notices/{old.id}", headers=same).status_code == 304
    # A correction changes the notice it corrects: no 304 any more, for the list or the item.
    now(2026, 11, 24, 9, 0)
    make_notice(staff, type="correction", title="更正", corrects_id=old.id)
    assert client.get("/api/v1/notices", headers=same).status_code == 200
    changed = client.get(f"/api/v1/notices/{old.id}", headers=same)
    assert changed.status_code == 200
    assert changed.headers["Last-Modified"] == "Tue, 24 Nov 2026 01:00:00 GMT"


@pytest.mark.parametrize("url", LISTS)
def test_every_list_answers_if_modified_since_with_304_when_nothing_changed(client, url):
    from app import clock
    from tests.pool_factories import at
    from tests.sanction_factories import jz_members
    from tests.trading_factories import active_pool, announced

    phase = active_pool()
    _project, t = announced(phase, make_user("owner"))
    published_sanction(phase, jz_members(phase)[0])
    clock.set_now(at(2026, 11, 30, 10, 0))
    file_complaint(phase, t, "甲")
    answer = client.get(url)
    assert answer.get_json()["items"]
    stamp = answer.headers["Last-Modified"]
    assert client.get(url, headers={"If-Modified-Since": stamp}).status_code == 304
    earlier = {"If-Modified-Since": "Thu, 01 Jan 2026 00:00:00 GMT"}
    assert client.get(url, headers=earlier).status_code == 200


# ---- 429 ----------------------------------------------------------------------------------------


def test_an_api_client_over_its_limit_gets_a_429_in_json_with_retry_after(app, client):
    app.config["API_RATE_LIMIT"] = "2 per minute"
    assert [client.get("/api/v1/offices").status_code for _ in range(2)] == [200, 200]
    refused = client.get("/api/v1/notices")
    assert refused.status_code == 429 and refused.get_json() == {"error": 429}
    assert 0 < int(refused.headers["Retry-After"]) <= 61


def test_a_page_over_its_limit_gets_a_429_page_with_retry_after(app, client):
    app.config["LOGIN_RATE_LIMIT"] = "1 per minute"
    form = {"username": "nobody", "password": "wrong"}
    client.post("/login", form)
    refused = client.post("/login", form)
    assert refused.status_code == 429 and "text/html" in refused.content_type
    assert 0 < int(refused.headers["Retry-After"]) <= 61
