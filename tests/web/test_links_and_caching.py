"""Absolute links are built on PUBLIC_BASE_URL whatever Host a client sends, and every response
says how it may be cached: public pages and the API briefly by anyone, anything personal by no
one (issue 10, finding 19)."""

from __future__ import annotations

from datetime import date

import pytest
from flask import url_for

from app.headers import PUBLIC_MAX_AGE, PUBLIC_PAGE_CACHE
from contractors.queries import active_members
from notices import services as notice_services
from tests.factories import PDF, Browser, make_notice, make_office, make_user, signed_in
from tests.trading_factories import active_pool, announced, drawn, respond_all
from tests.web.test_routes_roles import ROUTES

EVIL = "evil.example"
PUBLIC = "http://testserver"  # TestingConfig.PUBLIC_BASE_URL
API_ROUTES = [r for r in ROUTES if r.rule.startswith("/api/")]


@pytest.fixture
def world(app, monkeypatch):
    """Two of everything the API lists, one a page, so that every list has a `next` link."""
    import contractors.api
    import contracts.api
    import contracts.complaints.api
    import contracts.ocds.api
    import lottery.api
    import notices.api
    from contracts.complaints import services as complaint_services

    phase = active_pool()
    owner = make_user("owner")
    project, trading = announced(phase, owner)
    announced(phase, owner, name="洪塘街道某村排水沟改造工程")
    respond_all(project, active_members("JZ", date(2026, 11, 27)))
    notice = make_notice(phase.staff, publish=False)
    notice_services.add_attachment(notice.id, "交易文件.pdf", PDF, actor=phase.staff)
    notice_services.publish(notice.id, actor=phase.staff)
    # Two published warnings of one company (issue 12): the sanctions lists have a next page.
    from app import clock
    from contractors.sanctions import api as sanctions_api
    from contractors.sanctions import services as sanctions

    member = active_members("JZ")[0]
    for _ in range(2):
        case = sanctions.open_case(member.contractor_id, "by_hand", "事实", actor=phase.staff)
        sanctions.state_case(case.id, "陈述", actor=phase.staff)
        sanctions.decide(
            case.id,
            sanctions.DecisionInput("warning", "行为", "依据", "区公管办", clock.today()),
            actor=phase.staff,
        )
        sanctions.publish(case.sanction.id, actor=phase.staff)
    complaint_ids = [
        complaint_services.file_complaint(
            complaint_services.ComplaintInput(
                trading_code=trading.code,
                matter="other",
                knew_on=date(2026, 11, 27),
                complainant_name=name,
                complainant_contact="电话",
                respondent_name="业主",
                respondent_contact="电话",
                facts="事实",
                requests="请求",
                evidence=(complaint_services.Upload("a.pdf", PDF),),
            ),
            actor=phase.staff,
        ).id
        for name in ("甲", "乙")
    ]
    for module in (
        contractors.api,
        contracts.api,
        lottery.api,
        contracts.complaints.api,
        contracts.ocds.api,
        sanctions_api,
        notices.api,
    ):
        monkeypatch.setattr(module, "PER_PAGE", 1)
    # Two offices, one a page ([Offices]: GET /api/v1/offices).
    from app.offices import api as offices_api

    make_office("links-a", "甲街道")
    monkeypatch.setattr(offices_api, "PER_PAGE", 1)
    # A project's revision history, one entry a page (app.history: GET /api/v1/history/…).
    from app.history import queries as history_queries

    monkeypatch.setattr(history_queries, "PER_PAGE", 1)
    return {
        "phase": phase,
        "owner": owner,
        "kind": "project",
        "ident": project.code,
        "notice_id": notice.id,
        "draw_id": trading.award_draw_id,
        "code": project.code,
        "complaint_id": complaint_ids[0],
        "uscc": member.uscc,
        # OCDS: the bulk download of the day the projects were announced, our extension's file.
        "day": "2026-11-27",
        "name": "extension.json",
    }


@pytest.mark.parametrize("route", API_ROUTES, ids=lambda r: r.rule)
def test_no_api_answer_names_the_host_the_client_sent(app, world, route):
    if route.endpoint == "stats_api.list_companies":
        # The fairness test's companies are an award meeting's candidates, one a page. Held
        # here, not in `world`: it moves the clock, and only this list needs it.
        drawn(world["phase"], world["owner"], name="某村道路硬化工程")
    with app.test_request_context():
        path = url_for(route.endpoint, **{name: world[name] for name, _ in route.args})
    response = Browser(app).get(path, headers={"Host": EVIL})
    assert response.status_code == 200
    body = response.get_data(as_text=True)
    assert EVIL not in body
    data = response.get_json()
    if "items" in data:  # a list: its `next` is on the public address
        assert data["items"] and data["next"].startswith(f"{PUBLIC}/api/v1/")
    elif "url" in data:
        assert data["url"].startswith(f"{PUBLIC}/")


def test_pages_with_absolute_links_use_the_public_address(app, world):
    def page(path: str) -> str:
        response = Browser(app).get(path, headers={"Host": EVIL})
        assert response.status_code == 200
        return response.get_data(as_text=True)

    assert EVIL not in page(f"/draws/{world['draw_id']}")
    screen = page(f"/draws/{world['draw_id']}/screen")  # the projector shows where to verify
    assert EVIL not in screen and f"{PUBLIC}/draws/{world['draw_id']}" in screen
    assert EVIL not in page("/")  # the SiteDomain meta tag


# ---- Cache-Control ---------------------------------------------------------------------------------

SHORT = f"public, max-age={PUBLIC_MAX_AGE}"
NEVER = "private, no-store"


@pytest.mark.parametrize("path", ["/api/v1/notices", "/api/v1/projects", "/api/v1/draws"])
def test_an_anonymous_api_answer_may_be_cached_briefly(app, path):
    response = Browser(app).get(path)
    assert response.status_code == 200
    assert response.headers["Cache-Control"] == SHORT


@pytest.mark.parametrize("path", ["/", "/notices/", "/projects/", "/pool/", "/draws/"])
def test_an_anonymous_public_page_is_revalidated_on_every_use(app, path):
    browser = Browser(app)
    response = browser.get(path)
    assert response.status_code == 200
    assert response.headers["Cache-Control"] == PUBLIC_PAGE_CACHE
    etag = response.headers["ETag"]
    again = browser.get(path, headers={"If-None-Match": etag})
    assert again.status_code == 304 and again.get_data() == b""


def test_a_public_page_whose_state_changed_with_the_clock_is_not_served_stale(app, now):
    # The home page before and after a notice is published: a different page, a different ETag,
    # so a browser holding the earlier one gets the new one at once (a max-age would keep it).
    now(2026, 11, 25, 10, 0)
    browser = Browser(app)
    first = browser.get("/")
    make_notice(signed_in(app, "staff").user, publish=True)
    second = Browser(app).get("/", headers={"If-None-Match": first.headers["ETag"]})
    assert second.status_code == 200 and second.headers["ETag"] != first.headers["ETag"]


def test_a_page_that_depends_on_the_cookie_says_so(app):
    assert "Cookie" in Browser(app).get("/").headers.get("Vary", "")


@pytest.mark.parametrize("path", ["/", "/notices/", "/api/v1/notices", "/dashboard"])
def test_every_page_a_signed_in_visitor_sees_is_private_and_not_stored(app, path):
    staff = signed_in(app, "staff")
    response = staff.get(path)
    assert response.status_code == 200
    assert response.headers["Cache-Control"] == NEVER


def test_a_page_that_starts_a_session_or_any_post_is_private(app):
    login = Browser(app).get("/login")  # the form's CSRF token lives in a new session
    assert "Set-Cookie" in login.headers and login.headers["Cache-Control"] == NEVER
    post = Browser(app).post("/login", {"username": "nobody", "password": "x" * 12})
    assert post.headers["Cache-Control"] == NEVER


def test_an_anonymous_error_is_not_stored(app):
    assert Browser(app).get("/no-such-page").headers["Cache-Control"] == "no-store"
    assert Browser(app).get("/logout").headers["Cache-Control"] == "no-store"  # 405


def test_a_view_that_declares_its_content_public_keeps_its_cache_control(app):
    @app.get("/test-public-document")
    def document():
        response = app.response_class("同一份文件")
        response.headers["Cache-Control"] = "public, max-age=86400"
        return response

    assert Browser(app).get("/test-public-document").headers["Cache-Control"] == (
        "public, max-age=86400"
    )
    staff = signed_in(app, "staff")
    assert staff.get("/test-public-document").headers["Cache-Control"] == "public, max-age=86400"


def test_a_file_sent_to_a_signed_in_visitor_is_never_stored(app, now):
    now(2026, 11, 25, 10, 0)
    staff = signed_in(app, "staff")
    draft = make_notice(staff.user, publish=False)
    attachment = notice_services.add_attachment(draft.id, "草稿.pdf", PDF, actor=staff.user)
    response = staff.get(f"/staff/notices/{draft.id}/attachments/{attachment.id}")
    assert response.status_code == 200
    assert response.headers["Cache-Control"] == NEVER  # not send_file's `no-cache`
