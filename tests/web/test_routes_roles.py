"""Every route × every role: each page admits exactly the roles it declares, refuses the others
the intended way, and never answers 500.

The intended answer is read from the view itself, not from a list kept here: `roles_required`
leaves `allowed_roles` on the view, Flask-Login's `login_required` wraps it in its own function,
and anything else is public. A route added tomorrow is covered without editing this file; a staff
page that forgets its guard is caught by `test_every_staff_page_declares_the_roles_it_admits`.

Each request runs in a fresh application context (see `tests.factories.Browser`): the `app`
fixture keeps one context pushed for the whole test, and Flask reuses a pushed context for
test-client requests, so `g` — where Flask-Login caches `current_user` — would otherwise leak one
client's login into the next client's request.
"""

from __future__ import annotations

import io
import re
import shutil
import tempfile
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest
from flask import url_for
from flask_login import login_required
from sqlalchemy import inspect, text

from app import clock, create_app
from app.auth.guards import OWN_ACCOUNT_ENDPOINTS
from app.auth.roles import READ_ONLY_ROLES
from app.extensions import csrf, db
from config import TestingConfig
from notices import services
from tests.conftest import build_app
from tests.factories import (
    PDF,
    Browser,
    make_notice,
    make_user,
    signed_in,
    use_cheap_password_hashes,
)

ROLES = ("anonymous", "staff", "reviewer", "owner", "contractor", "admin", "supervisor")
UNKNOWN_ID = 987_654
PUBLIC, LOGIN = "public", "login"
ARG_RE = re.compile(r"<(?:(?P<conv>\w+)(?:\([^)]*\))?:)?(?P<name>\w+)>")


# ---- the routes, read from a throw-away app at collection time ---------------------------------


@dataclass(frozen=True)
class Route:
    rule: str
    endpoint: str
    methods: frozenset[str]
    #: argument name → converter name ("default" for a plain <name>)
    args: tuple[tuple[str, str], ...]

    @property
    def id(self) -> str:
        return f"{'+'.join(sorted(self.methods))} {self.rule}"

    @property
    def post_only(self) -> bool:
        return self.methods == {"POST"}

    @property
    def id_args(self) -> tuple[str, ...]:
        """The arguments that name a record: `<int:notice_id>`, `<draw_id>`…"""
        return tuple(name for name, conv in self.args if conv == "int" or name.endswith("id"))

    def unknown(self, name: str) -> int | str:
        return UNKNOWN_ID if dict(self.args)[name] == "int" else f"no-such-{UNKNOWN_ID}"


def _discover() -> list[Route]:
    with tempfile.TemporaryDirectory(prefix="smallworks-routes-") as tmp:
        app = create_app(
            TestingConfig, SQLALCHEMY_DATABASE_URI="sqlite://", UPLOAD_FOLDER=f"{tmp}/uploads"
        )
        routes = [
            Route(
                rule=rule.rule,
                endpoint=rule.endpoint,
                methods=frozenset(rule.methods - {"HEAD", "OPTIONS"}),
                args=tuple((m["name"], m["conv"] or "default") for m in ARG_RE.finditer(rule.rule)),
            )
            for rule in app.url_map.iter_rules()
            if rule.endpoint != "static"
        ]
    return sorted(routes, key=lambda r: (r.rule, sorted(r.methods)))


ROUTES = _discover()
ID_ROUTES = [r for r in ROUTES if r.id_args]


# ---- what each view intends --------------------------------------------------------------------

_LOGIN_REQUIRED_CODE = login_required(lambda: None).__code__


def intended_access(view) -> str | frozenset[str]:
    """PUBLIC, LOGIN (any signed-in role) or the set of roles the view admits."""
    layer, login = view, False
    while layer is not None:
        roles = getattr(layer, "allowed_roles", None)
        if roles is not None:
            return frozenset(roles)
        login = login or getattr(layer, "__code__", None) is _LOGIN_REQUIRED_CODE
        layer = getattr(layer, "__wrapped__", None)
    return LOGIN if login else PUBLIC


def expected(access, role: str, *, writes: bool = False, endpoint: str = "") -> str:
    """One of: allowed; login (anonymous sent to the login page); forbidden (403).

    A read-only role (the supervisors) is refused every write whatever the view admits, but for
    its own session and password (app.auth.guards)."""
    if writes and role in READ_ONLY_ROLES and endpoint not in OWN_ACCOUNT_ENDPOINTS:
        return "forbidden"
    if access == PUBLIC:
        return "allowed"
    if role == "anonymous":
        return "login"
    if access == LOGIN or role in access:
        return "allowed"
    return "forbidden"


def csrf_exempt(app, endpoint: str) -> bool:
    """Signed webhooks are the only views allowed to skip CSRF (DESIGN.md, Security defaults)."""
    view = app.view_functions[endpoint]
    name = f"{view.__module__}.{view.__name__}"
    blueprint = endpoint.rsplit(".", 1)[0] if "." in endpoint else None
    return name in csrf._exempt_views or blueprint in csrf._exempt_blueprints


# ---- helpers -----------------------------------------------------------------------------------


def visitor(app, role: str) -> Browser:
    """An anonymous visitor, or one signed in through the login form as a new account of `role`."""
    return Browser(app) if role == "anonymous" else signed_in(app, role)


def state(app) -> dict:
    """Every row of every table, and the stored files: to show that a refusal changed nothing."""
    with app.app_context():
        existing = set(inspect(db.engine).get_table_names())
        quote = db.engine.dialect.identifier_preparer.quote
        rows = {}
        # Plain SQL: a select() built per table is compiled again by each test's new engine,
        # and that was a third of this file's time.
        for table in db.metadata.sorted_tables:
            if table.name in existing:
                order = list(table.primary_key.columns) or list(table.columns)
                sql = f"SELECT * FROM {quote(table.name)} ORDER BY " + ", ".join(
                    quote(c.name) for c in order
                )
                rows[table.name] = [tuple(r) for r in db.session.execute(text(sql))]
        folder = Path(app.config["UPLOAD_FOLDER"])
        rows["files"] = sorted(str(p) for p in folder.rglob("*")) if folder.exists() else []
        return rows


@dataclass(frozen=True)
class World:
    """A published notice and a draft, each with an attachment, so that every id exists."""

    published: int
    published_attachment: int
    draft: int
    draft_attachment: int

    def values(self, route: Route, public: bool) -> dict:
        notice = self.published if public else self.draft
        attachment = self.published_attachment if public else self.draft_attachment
        known = {"notice_id": notice, "attachment_id": attachment, "code": "en"}
        return {name: known.get(name, 1 if conv == "int" else "x") for name, conv in route.args}

    def url(self, app, route: Route, public: bool, **override) -> str:
        with app.test_request_context():
            return url_for(route.endpoint, **{**self.values(route, public), **override})


def build_world() -> World:
    staff = None  # the system: no account, so no extra login-capable user in the matrix
    published = make_notice(staff, publish=False, title="甬江街道某村道路硬化工程交易公告")
    published_attachment = services.add_attachment(published.id, "交易文件.pdf", PDF, actor=staff)
    services.publish(published.id, actor=staff)
    draft = make_notice(staff, publish=False, title="尚未发布的草稿")
    draft_attachment = services.add_attachment(draft.id, "草稿附件.pdf", PDF, actor=staff)
    return World(published.id, published_attachment.id, draft.id, draft_attachment.id)


def post_data() -> dict:
    return {"file": (io.BytesIO(PDF), "附件.pdf")}  # harmless for forms without a file field


def is_login_redirect(response) -> bool:
    return response.status_code == 302 and urlsplit(response.headers["Location"]).path == "/login"


def assert_outcome(response, outcome: str, url: str, *, what: str) -> None:
    code = response.status_code
    assert code < 500, f"{what}: server error {code}"
    if outcome == "login":
        assert is_login_redirect(response), f"{what}: expected a redirect to /login, got {code}"
        location = urlsplit(response.headers["Location"])
        assert parse_qs(location.query).get("next") == [url], f"{what}: next= is {location.query}"
    elif outcome == "forbidden":
        assert code == 403, f"{what}: expected 403, got {code}"
    else:
        assert code != 403, f"{what}: an admitted role got 403"
        assert not is_login_redirect(response), f"{what}: an admitted role was sent to log in"


@pytest.fixture(autouse=True)
def _cheap_password_hashes(monkeypatch):
    use_cheap_password_hashes(monkeypatch)  # hundreds of logins here


#: A fixed working week in a year chinese-calendar covers, so publishing never depends on the
#: day the suite runs (late December would touch an unconfirmed year).
FROZEN = (2026, 11, 25, 10, 0)


@pytest.fixture
def frozen(now):
    return now(*FROZEN)


@pytest.fixture(scope="module")
def built_world(sqlite_template, tmp_path_factory) -> tuple[Path, World]:
    """The world built once for the module, on SQLite: its folder (the database file, uploads
    and built PDFs) and its ids. Each case of the matrix starts from a copy of the folder, as
    if it had built the world itself (building it was a quarter of each case's time)."""
    folder = tmp_path_factory.mktemp("routes-world")
    shutil.copyfile(sqlite_template, folder / "test.sqlite3")
    app = build_app(f"sqlite:///{folder / 'test.sqlite3'}", folder)
    with pytest.MonkeyPatch.context() as monkeypatch, app.app_context():
        use_cheap_password_hashes(monkeypatch)
        clock.set_now(datetime(*FROZEN, tzinfo=clock.TZ))
        try:
            world = build_world()
        finally:
            clock.reset()
            db.session.remove()
            db.engine.dispose()
    return folder, world


@pytest.fixture
def world_app(built_world, tmp_path, frozen):
    """The app on the test's own copy of the built world (SQLite), and the world."""
    folder, world = built_world
    shutil.copytree(folder, tmp_path, dirs_exist_ok=True)
    app = build_app(f"sqlite:///{tmp_path / 'test.sqlite3'}", tmp_path)
    with app.app_context():
        yield app, world
        db.session.remove()
        db.engine.dispose()


# ---- the tests ---------------------------------------------------------------------------------


def test_the_route_list_is_not_empty_and_covers_the_notice_pages():
    endpoints = {r.endpoint for r in ROUTES}
    assert {"public.home", "auth.login", "notices.detail", "notices_staff.publish"} <= endpoints


# The guards are the same code on any database: the matrix runs once, on SQLite. Unknown ids and
# ids beyond the integer range (which PostgreSQL treats differently) run on both, below.
@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("route", ROUTES, ids=lambda r: r.id)
def test_each_route_admits_the_roles_its_view_declares_and_refuses_the_others(
    world_app, route, role
):
    app, world = world_app
    if getattr(app.view_functions[route.endpoint], "signed_webhook", False):
        pytest.skip(
            "a signed webhook admits by its signature, not a role: tests/web/test_sms_web.py"
        )
    access = intended_access(app.view_functions[route.endpoint])
    outcome = expected(access, role)
    url = world.url(app, route, public=access == PUBLIC)
    who = visitor(app, role)

    if "GET" in route.methods:
        before = state(app)
        response = who.get(url)
        assert_outcome(response, outcome, url, what=f"{role} GET {url}")
        if outcome == "forbidden":
            assert "无权访问" in response.get_data(as_text=True)
        assert state(app) == before, f"GET {url} changed stored data"

    if "POST" in route.methods:
        # Without a token: CSRFProtect checks in before_request, i.e. before the view and its
        # role guard, so every role — admitted or not, even anonymous — gets 400 here. What
        # matters for a refused role is that nothing changed.
        if not csrf_exempt(app, route.endpoint):
            before = state(app)
            response = who.post(url, post_data(), token=False)
            assert response.status_code == 400, f"{role} POST {url} without a token"
            if not route.rule.startswith("/api/"):  # the API answers {"error": 400}
                assert "请求有误" in response.get_data(as_text=True)
            assert state(app) == before, f"{role} POST {url} without a token changed data"

        # With a valid token the role guard decides: 302 to login, 403, or the view runs.
        outcome = expected(access, role, writes=True, endpoint=route.endpoint)
        before = state(app)
        response = who.post(url, post_data())
        assert_outcome(response, outcome, url, what=f"{role} POST {url} with a token")
        if outcome != "allowed":
            assert state(app) == before, f"refused {role} POST {url} changed data"


def test_every_staff_page_declares_the_roles_it_admits(app):
    unguarded = [
        r.id
        for r in ROUTES
        if r.rule.startswith("/staff/")
        and not isinstance(intended_access(app.view_functions[r.endpoint]), frozenset)
    ]
    assert unguarded == []


def test_staff_pages_admit_staff_and_admin_only(app):
    for route in ROUTES:
        if route.rule.startswith("/staff/notices"):
            assert intended_access(app.view_functions[route.endpoint]) == {"staff", "admin"}, (
                route.id
            )


def _id_cases():
    for route in ID_ROUTES:
        yield pytest.param(route, route.id_args, id=f"{route.id} all ids unknown")
        if len(route.id_args) > 1:
            for name in route.id_args:
                yield pytest.param(route, (name,), id=f"{route.id} {name} unknown")


@pytest.mark.parametrize(("route", "unknown"), list(_id_cases()))
def test_an_unknown_id_is_404_and_never_a_server_error(app, frozen, route, unknown):
    world = build_world()
    access = intended_access(app.view_functions[route.endpoint])
    role = {PUBLIC: "anonymous", LOGIN: "staff"}.get(access) or sorted(access)[0]
    url = world.url(app, route, public=access == PUBLIC, **{n: route.unknown(n) for n in unknown})
    who = visitor(app, role)
    before = state(app)
    response = who.get(url) if "GET" in route.methods else who.post(url, post_data())
    assert response.status_code == 404, f"{role} {url}: {response.status_code}"
    assert state(app) == before


def test_an_attachment_is_only_served_under_its_own_notice(app, frozen):
    world = build_world()
    other = make_notice(make_user("staff"), title="另一条公告")
    who = Browser(app)
    response = who.get(f"/notices/{other.id}/attachments/{world.published_attachment}")
    assert response.status_code == 404
    # and a draft's attachment is not public through a published notice's address either
    response = who.get(f"/notices/{world.published}/attachments/{world.draft_attachment}")
    assert response.status_code == 404
    assert (
        who.get(f"/notices/{world.draft}/attachments/{world.draft_attachment}").status_code == 404
    )


BEYOND_INTEGER_RANGE = (2**31, 2**63)  # PostgreSQL INTEGER ends at 2**31-1, SQLite at 2**63-1


@pytest.mark.parametrize(
    "path", ["/notices/{}", "/api/v1/notices/{}", "/staff/notices/{}"], ids=lambda p: p
)
def test_an_id_beyond_the_database_integer_range_is_404_not_a_server_error(app, path):
    who = visitor(app, "staff")
    for number in BEYOND_INTEGER_RANGE:
        try:
            response = who.get(path.format(number))
        except Exception as e:  # TESTING propagates exceptions instead of rendering 500
            pytest.fail(f"{path.format(number)} raised {type(e).__name__}")
        assert response.status_code == 404
