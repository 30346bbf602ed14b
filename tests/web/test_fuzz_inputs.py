"""Arbitrary input to every route never makes a server error (issue 10, findings 13 and 14).

Every rule of the url_map is requested, as each role that may use it, with values a stranger
could send: NUL and other control characters, lone surrogates (percent-encoded as their UTF-8
bytes would be), numbers past 2**31, 2**63 and 10**30, '1e30', 'NaN', very long text. GET routes
get them in their path and query; POST routes (with a valid CSRF token) in their form fields,
starting from the form as the page shows it — so one field at a time can reach the service.

The world is built once per module: a pool through its roster, a project announced with every
member's response (the clock on the meeting day), a project awaiting filing, a published and a
draft notice with attachments. The forms each role sees are read from its pages (`crawl`).

The broad sweep (hypothesis) runs on SQLite; the database-specific cases — NUL and integers past
PostgreSQL's INTEGER in every path part, query parameter and form field — run on both databases;
odd and overflowing numbers ('1e30', 'NaN', 10**29 with decimals) go into every field a page
shows, one at a time, on SQLite (the Decimal arithmetic is the same on both).
"""

from __future__ import annotations

import importlib
import itertools
import re
import shutil
import tempfile
from dataclasses import dataclass, field
from datetime import date
from html.parser import HTMLParser
from urllib.parse import quote, urlsplit

import pytest
from flask import url_for
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from app import clock, create_app
from app.extensions import db, limiter
from config import TestingConfig
from contractors import queries as pool_queries
from contractors.queries import active_members
from contracts import services as trading
from notices import services as notice_services
from tests.conftest import _BYTECODE, BACKENDS, _truncate_pg
from tests.factories import PASSWORD, PDF, Browser, make_notice, make_user
from tests.pool_factories import at, company, user_of
from tests.trading_factories import active_pool, announced, project_input, respond_all
from tests.web.test_routes_roles import LOGIN, PUBLIC, ROLES, ROUTES, Route, intended_access

MEETING_DAY = (2026, 12, 3, 9, 45)

#: Query parameters the views read (grep `request.args`), and some a probe would try.
QUERY_NAMES = (
    "q",
    "page",
    "since",
    "category",
    "next",
    "m",
    "id",
    "type",
    "status",
    "state",
    "round",
    "corrects",
    "download",
    # the oversight pages' filters (app/supervision)
    "kind",
    "until",
    "action",
    "actor",
    "role",
    "subject",
)
#: Form fields read outside a WTForms form (grep `request.form`).
LOOSE_FORM_NAMES = ("call_id", "entry_id", "edit", "entropy", "candidates_digest")

HUGE = ("2147483648", str(2**63), str(10**30))
SPECIAL = (
    "\x00",
    "staff\x00",
    "\ud800",
    "a\udfffb",
    "\x01\x1f\x7f",
    "\t\r\n",
    "\u200b",
    *HUGE,
    "2147483647",
    "-2147483649",
    "-9223372036854775809",
    "1e30",
    "-0",
    "NaN",
    "Infinity",
    "-1",
    "0",
    "99999999999999999999999999999.001",
    "1_000",
    "１２",
    "%00",
    "../../etc/passwd",
    "<script>alert(1)</script>",
    "' OR 1=1 --",
    "9" * 5000,
    "长" * 300,
)
_alphabet = st.one_of(
    st.characters(exclude_categories=()),
    st.sampled_from(["\x00", "\x01", "\x1f", "\x7f", "\ud800", "\udfff", "\u200b", "\ufffd"]),
)
nasty = st.one_of(
    st.sampled_from(SPECIAL),
    st.text(_alphabet, max_size=40),
    st.integers().map(str),
)


def encode(value: str) -> str:
    """Percent-encode as a client would send the bytes (lone surrogates as their UTF-8 form)."""
    return quote(value.encode("utf-8", "surrogatepass"), safe="")


def form_body(fields: dict[str, str | list[str]]) -> bytes:
    pairs = []
    for name, values in fields.items():
        for v in values if isinstance(values, list) else [values]:
            pairs.append(f"{encode(name)}={encode(v)}")
    return "&".join(pairs).encode("ascii")


# ---- the world -----------------------------------------------------------------------------------


@dataclass
class World:
    app: object
    users: dict  # role → account (None: anonymous)
    #: path argument → values naming records that exist (records in different states)
    known: dict
    #: (path, role) → the fields of the first form posting to that path, as a page shows them
    forms: dict = field(default_factory=dict)

    def choices(self, route: Route) -> dict[str, list]:
        values = {}
        for name, conv in route.args:
            if name == "code" and "/categories/" in route.rule:
                values[name] = ["JZ", "SZ"]
            elif name == "code" and route.rule.startswith("/lang/"):
                values[name] = ["en", "zh_CN"]
            else:
                values[name] = self.known.get(name, [1 if conv == "int" else "x"])
        return values

    def urls(self, route: Route) -> list[str]:
        """The route's URL for every combination of the known values."""
        choices = self.choices(route)
        with self.app.test_request_context():
            return [
                url_for(route.endpoint, **dict(zip(choices, combo, strict=True)))
                for combo in itertools.product(*choices.values())
            ]

    def browser(self, role: str) -> Browser:
        browser = Browser(self.app)
        user = self.users.get(role)
        if user is not None:
            response = browser.login(user.username, PASSWORD)
            assert response.status_code == 302, f"{role} could not log in"
            browser.user = user
        browser.csrf = browser.token()
        return browser


class _Forms(HTMLParser):
    """The POST forms of a page: action → [(name, value)], as a browser would submit them."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.forms: list[tuple[str, list[tuple[str, str]]]] = []
        self._fields: list | None = None
        self._textarea: str | None = None
        self._select: str | None = None
        self._select_value: str | None = None

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "form" and (a.get("method") or "").lower() == "post":
            self._fields = []
            self.forms.append((a.get("action") or "", self._fields))
        if tag == "option" and self._select is not None:
            if self._select_value is None or "selected" in a:
                self._select_value = a.get("value", "")
            return
        if self._fields is None or not a.get("name"):
            return
        if tag == "input" and a.get("type") not in ("submit", "file", "button"):
            if a.get("type") in ("checkbox", "radio") and "checked" not in a:
                return
            self._fields.append((a["name"], a.get("value") or ""))
        elif tag == "textarea":
            self._textarea = a["name"]
            self._fields.append((a["name"], ""))
        elif tag == "select":
            self._select, self._select_value = a["name"], None

    def handle_data(self, data):
        if self._textarea is not None and self._fields:
            name, text = self._fields[-1]
            self._fields[-1] = (name, text + data)

    def handle_endtag(self, tag):
        if tag == "form":
            self._fields = None
        elif tag == "textarea":
            self._textarea = None
        elif tag == "select" and self._select is not None:
            if self._fields is not None:
                self._fields.append((self._select, self._select_value or ""))
            self._select = None


def crawl(world: World) -> None:
    """Read every GET page as every role and keep the POST forms they show, per endpoint."""
    for role in ROLES:
        browser = world.browser(role)
        for route in ROUTES:
            if "GET" not in route.methods or role not in ADMITTED[route.endpoint]:
                continue
            for url in world.urls(route):
                response = browser.get(url)
                if response.status_code != 200 or "html" not in (response.content_type or ""):
                    continue
                parser = _Forms()
                parser.feed(response.get_data(as_text=True))
                for action, fields in parser.forms:
                    world.forms.setdefault((urlsplit(action or url).path, role), fields)


def _admitted_roles() -> dict[str, tuple[str, ...]]:
    """endpoint → the roles its view admits (public routes: the anonymous visitor)."""
    with tempfile.TemporaryDirectory(prefix="smallworks-fuzz-") as tmp:
        app = create_app(
            TestingConfig, SQLALCHEMY_DATABASE_URI="sqlite://", UPLOAD_FOLDER=f"{tmp}/uploads"
        )
    admitted = {}
    for endpoint, view in app.view_functions.items():
        access = intended_access(view)
        if access == PUBLIC:
            admitted[endpoint] = ("anonymous",)
        elif access == LOGIN:
            admitted[endpoint] = tuple(r for r in ROLES if r != "anonymous")
        else:
            admitted[endpoint] = tuple(r for r in ROLES if r in access)
    return admitted


ADMITTED = _admitted_roles()


def build_world(app) -> World:
    phase = active_pool()
    owner = make_user("owner")
    project, t = announced(phase, owner)
    members = active_members("JZ", date(2026, 11, 27))
    respond_all(project, members)
    clock.set_now(at(2026, 11, 30, 10, 0))
    waiting = trading.submit_project(project_input(name="洪塘街道某村排水沟改造工程"), actor=owner)
    published = make_notice(phase.staff, publish=False, title="已发布的公告")
    published_attachment = notice_services.add_attachment(
        published.id, "交易文件.pdf", PDF, actor=phase.staff
    )
    notice_services.publish(published.id, actor=phase.staff)
    draft = make_notice(phase.staff, publish=False, title="尚未发布的草稿")
    draft_attachment = notice_services.add_attachment(
        draft.id, "草稿附件.pdf", PDF, actor=phase.staff
    )
    contractor_user = user_of(phase.contractors[0])
    entry = pool_queries.entries_of(phase.call.id)[0]
    known = {
        "notice_id": [published.id, draft.id],
        "attachment_id": [published_attachment.id, draft_attachment.id],
        "call_id": [phase.call.id],
        "code": [project.code, waiting.code],
        "draw_id": [t.award_draw_id, t.rate_draw_id],
        "uscc": [company(0)],
        "entry_id": [entry.id],
        "application_id": [entry.application_id],
        # The account pages act on a bystander: disabling or resetting a role's own account
        # would lock the sweep out of the next routes.
        "user_id": [make_user("staff", display_name="被管理的账户").id],
    }
    users = {
        "anonymous": None,
        "staff": phase.staff,
        "reviewer": phase.reviewer,
        "owner": owner,
        "contractor": contractor_user,
        "admin": make_user("admin"),
    }
    return World(app, users, known)


@pytest.fixture(scope="module", params=BACKENDS)
def database_url(request, tmp_path_factory) -> str:
    """One database for the whole module (the world is built once): named as conftest's
    fixture, so the `sqlite_only` marker keeps the broad sweep to SQLite."""
    if request.param == "sqlite":
        path = tmp_path_factory.mktemp("fuzz") / "fuzz.sqlite3"
        shutil.copyfile(request.getfixturevalue("sqlite_template"), path)
        return f"sqlite:///{path}"
    url = request.getfixturevalue("pg_url")
    _truncate_pg(url)
    return url


@pytest.fixture(scope="module")
def world(database_url, tmp_path_factory):
    from argon2 import PasswordHasher

    from app.auth import services as auth_services

    with pytest.MonkeyPatch.context() as mp:
        # Hundreds of logins: argon2id's cost is not under test here.
        mp.setattr(auth_services, "_hasher", PasswordHasher(time_cost=1, memory_cost=1024))
        app = create_app(
            TestingConfig,
            SQLALCHEMY_DATABASE_URI=database_url,
            UPLOAD_FOLDER=str(tmp_path_factory.mktemp("fuzz-uploads")),
        )
        app.jinja_env.bytecode_cache = _BYTECODE
        limiter.reset()
        with app.app_context():
            world = build_world(app)
            clock.set_now(at(*MEETING_DAY))
            crawl(world)
            clock.reset()
            yield world
            db.session.remove()
            db.engine.dispose()


@pytest.fixture(autouse=True)
def _meeting_day():
    clock.set_now(at(*MEETING_DAY))


# ---- requests ------------------------------------------------------------------------------------


def get(browser: Browser, path: str, query: dict[str, str]):
    qs = "&".join(f"{encode(k)}={encode(v)}" for k, v in query.items())
    return browser.get(path + (f"?{qs}" if qs else ""))


def post(browser: Browser, path: str, fields: dict):
    body = form_body({**fields, "csrf_token": browser.csrf})
    return browser.open(path, "POST", data=body, content_type="application/x-www-form-urlencoded")


def baseline(world: World, url: str, role: str) -> dict:
    """The form posting to `url` as its page shows it (repeated names as lists), without its
    token, blanks filled with "1" (so that a required field lets the others through to the
    service); empty when no page shows one in this world."""
    fields: dict = {}
    for name, value in world.forms.get((url, role), ()):
        if name != "csrf_token":
            fields.setdefault(name, []).append(value or "1")
    return {k: v[0] if len(v) == 1 else v for k, v in fields.items()}


def assert_no_server_error(response, what: str) -> None:
    assert response.status_code < 500, f"{what}: {response.status_code}"


def raw_path(route: Route, url: str, override: dict[str, str]) -> str:
    """`url` (built for `route`) with some path arguments replaced by raw text, percent-encoded."""
    if not override:
        return url
    pattern = re.escape(route.rule)
    for name, _conv in route.args:
        pattern = re.sub(rf"<(?:\w+:)?{name}>", f"(?P<{name}>[^/]+)", pattern)
    values = re.fullmatch(pattern, url).groupdict()
    path = route.rule
    for name, conv in route.args:
        converter = f"{conv}:" if conv != "default" else ""
        value = encode(override[name]) if name in override else values[name]
        path = path.replace(f"<{converter}{name}>", value)
    return path


FUZZED = [r for r in ROUTES if r.endpoint != "static"]
#: Every route as every role it admits.
CASES = [
    pytest.param(route, role, id=f"{route.id} as {role}")
    for route in FUZZED
    for role in ADMITTED[route.endpoint]
]
#: Every route as the first role it admits: the database-specific cases depend on the data types.
FIRST_ROLE_CASES = [
    pytest.param(route, ADMITTED[route.endpoint][0], id=route.id) for route in FUZZED
]


# ---- odd numbers in every shown field (SQLite; first, while the world is as built) ----------

#: Numbers past what a Decimal context or a Numeric(14, 2) column holds, and the odd ones.
NUMBERS = ("99999999999999999999999999999.001", "1e30", "-1e30", "NaN", "Infinity", "-0", "1e-30")


@pytest.mark.sqlite_only
@pytest.mark.parametrize(
    ("route", "role"), [c for c in FIRST_ROLE_CASES if "POST" in c.values[0].methods]
)
def test_odd_and_overflowing_numbers_in_any_form_field_are_never_a_server_error(world, route, role):
    browser = world.browser(role)
    for url in world.urls(route):
        form = baseline(world, url, role)
        for name in sorted(form):
            for value in NUMBERS:
                response = post(browser, url, {**form, name: value})
                assert_no_server_error(response, f"{role} POST {url} {name}={value!r}")


# ---- the broad sweep (SQLite) --------------------------------------------------------------------


@pytest.mark.sqlite_only
@pytest.mark.parametrize(("route", "role"), CASES)
def test_arbitrary_input_to_a_route_is_never_a_server_error(world, route, role):
    browser = world.browser(role)
    urls = world.urls(route)
    shown = {name for url in urls for name, _ in world.forms.get((url, role), ())}
    names = sorted(shown | set(LOOSE_FORM_NAMES) | declared_field_names())
    path_arg = st.sampled_from([n for n, _ in route.args]) if route.args else st.none()

    @settings(
        max_examples=6 if route.methods == {"GET"} else 10,
        deadline=None,
        database=None,
        suppress_health_check=list(HealthCheck),
    )
    @given(
        url=st.sampled_from(urls),
        replace=st.one_of(st.none(), st.tuples(path_arg, nasty)),
        query=st.dictionaries(st.sampled_from(QUERY_NAMES), nasty, max_size=3),
        # Mostly the fields the page shows (they reach the service), sometimes any form's.
        form=st.dictionaries(
            st.one_of(st.sampled_from(sorted(shown)), st.sampled_from(names))
            if shown
            else st.sampled_from(names),
            nasty,
            max_size=3,
        ),
    )
    def attempt(url, replace, query, form):
        path = raw_path(route, url, dict([replace]) if replace and replace[0] else {})
        if "GET" in route.methods:
            assert_no_server_error(get(browser, path, query), f"{role} GET {path} {query!r}")
        if "POST" in route.methods:
            fields = {**baseline(world, url, role), **form}
            assert_no_server_error(post(browser, path, fields), f"{role} POST {path} {form!r}")

    attempt()


FORM_MODULES = (
    "app.auth.forms",
    "app.calendar.forms",
    "app.supervision.forms",
    "contractors.forms.account",
    "contractors.forms.staff",
    "contracts.forms.projects",
    "contracts.forms.responses",
    "contracts.forms.trading",
    "lottery.forms",
    "notices.forms",
)


def declared_field_names() -> set[str]:
    """Every field name declared by a form class of the platform (a superset of any one form)."""
    from app.forms import FlaskForm, Form

    for module in FORM_MODULES:
        importlib.import_module(module)

    names: set[str] = set()
    todo = [FlaskForm, Form]
    while todo:
        cls = todo.pop()
        todo.extend(cls.__subclasses__())
        names.update(n for n, v in vars(cls).items() if hasattr(v, "field_class"))
    return names


# ---- the database-specific cases (both databases) ------------------------------------------------

#: What broke PostgreSQL: NUL in text, and integers past its INTEGER (2**31-1) or BIGINT.
FOCUS = ("a\x00b", *HUGE)


@pytest.mark.parametrize(("route", "role"), FIRST_ROLE_CASES)
def test_nul_and_huge_integers_anywhere_are_never_a_server_error(world, route, role):
    browser = world.browser(role)
    url = world.urls(route)[0]
    for value in FOCUS:
        for name, _conv in route.args:
            path = raw_path(route, url, {name: value})
            response = get(browser, path, {}) if "GET" in route.methods else post(browser, path, {})
            assert_no_server_error(response, f"{role} {path}")
        if "GET" in route.methods:
            query = dict.fromkeys(QUERY_NAMES, value)
            assert_no_server_error(get(browser, url, query), f"{role} GET {url}?…={value!r}")
        if "POST" in route.methods:
            form = baseline(world, url, role)
            for name in sorted(set(form) | set(LOOSE_FORM_NAMES)):
                response = post(browser, url, {**form, name: value})
                assert_no_server_error(response, f"{role} POST {url} {name}={value!r}")
