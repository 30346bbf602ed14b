"""The supervisors (纪检监察 / 审计) read and never write: every route of the url map that takes a
POST refuses them (403) and changes nothing — routes added later included, whatever roles their
view admits — except their own logout and password; the oversight pages are theirs to read."""

from __future__ import annotations

import pytest
from flask import Blueprint

from app.auth.guards import OWN_ACCOUNT_ENDPOINTS, roles_required
from app.auth.roles import OVERSIGHT_ROLES
from tests.factories import PASSWORD, signed_in, use_cheap_password_hashes
from tests.web.test_routes_roles import ROUTES, build_world, post_data, state

WRITES = {"POST", "PUT", "PATCH", "DELETE"}
WRITE_ROUTES = [r for r in ROUTES if r.methods & WRITES]


@pytest.fixture(autouse=True)
def _cheap(monkeypatch):
    use_cheap_password_hashes(monkeypatch)


def test_the_url_map_has_write_routes_to_walk():
    assert len(WRITE_ROUTES) > 30
    assert {r.endpoint for r in WRITE_ROUTES} >= OWN_ACCOUNT_ENDPOINTS


@pytest.mark.sqlite_only
def test_a_supervisor_gets_403_on_every_write_route_and_nothing_changes(app, now):
    now(2026, 11, 25, 10, 0)
    world = build_world()
    supervisor = signed_in(app, "supervisor")
    refused = []
    for route in WRITE_ROUTES:
        if route.endpoint in OWN_ACCOUNT_ENDPOINTS:
            continue
        if getattr(app.view_functions[route.endpoint], "signed_webhook", False):
            continue  # admitted by its signature, not a session (tests/web/test_sms_web.py)
        url = world.url(app, route, public=True)
        before = state(app)
        for method in sorted(route.methods & WRITES):
            response = supervisor.open(
                url, method, data={**post_data(), "csrf_token": supervisor.token()}
            )
            assert response.status_code == 403, f"{method} {url}: {response.status_code}"
            assert "无权访问" in response.get_data(as_text=True)
        assert state(app) == before, f"{url} changed data"
        refused.append(route.endpoint)
    assert "auth.accounts" in refused and "notices_staff.publish" in refused


def test_a_write_route_added_later_refuses_supervisors_even_if_its_view_admits_them(app):
    ran = []
    extra = Blueprint("later", __name__)

    @extra.route("/later/oversight-note", methods=["GET", "POST"])
    @roles_required(*OVERSIGHT_ROLES)
    def note():
        ran.append(True)
        return "ok"

    app.register_blueprint(extra)
    supervisor = signed_in(app, "supervisor")
    assert supervisor.get("/later/oversight-note").status_code == 200
    ran.clear()
    assert supervisor.post("/later/oversight-note", {}).status_code == 403
    assert ran == []
    assert signed_in(app, "staff").post("/later/oversight-note", {}).status_code == 200


def test_a_supervisor_may_change_their_own_password_and_log_out(app):
    supervisor = signed_in(app, "supervisor")
    response = supervisor.submit(
        "/account/password",
        {
            "current_password": PASSWORD,
            "new_password": "a new long passphrase",
            "confirm": "a new long passphrase",
        },
    )
    assert response.status_code == 302
    assert supervisor.post("/logout").status_code == 302
    assert not supervisor.signed_in()


def test_a_supervisor_lands_on_a_home_page_with_their_pages_and_no_forms(app):
    supervisor = signed_in(app, "supervisor")
    html = supervisor.html("/dashboard")
    assert "/supervision/" in html and "/supervision/audit" in html
    assert "只能查阅" in html
    for page in ("/supervision/", "/supervision/audit", "/supervision/audit/verify"):
        html = supervisor.html(page)
        assert 'method="post"' not in html.split("</header>", 1)[1], page  # no form of theirs
        assert "期限监督" in html  # the nav shows their pages


@pytest.mark.parametrize("page", ["/staff/notices/", "/staff/projects/", "/staff/pool/"])
def test_the_office_s_working_pages_stay_the_office_s(app, page):
    """Decided: supervisors read the oversight pages and the public record; the office's
    working pages (forms on every one) are not theirs."""
    assert signed_in(app, "supervisor").get(page).status_code == 403
