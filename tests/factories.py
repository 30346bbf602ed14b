"""Factories as plain functions, and `Browser`: a test client that sends forms with their CSRF token
and signs in through the login form (`signed_in`)."""

from __future__ import annotations

import re
import threading
from contextlib import contextmanager
from urllib.parse import urlsplit

from werkzeug.datastructures import MultiDict

PASSWORD = "correct horse battery"


#: Roles whose accounts `make_user` puts in the default district unless told otherwise.
_DISTRICT_ROLES = ("staff", "reviewer", "owner", "supervisor", "admin")


def make_user(role: str = "staff", username: str | None = None, **overrides):
    """An account; staff, reviewers, owners, supervisors and admins belong to the default
    district unless `office=` names another office (an Office, or None for no office)."""
    from app.auth.services import NewUser, create_user

    username = username or f"{role}{make_user.counter}"
    make_user.counter += 1
    if "office" in overrides:
        office = overrides["office"]
    else:
        office = default_district() if role in _DISTRICT_ROLES else None
    return create_user(
        NewUser(
            username=username,
            display_name=overrides.get("display_name", f"测试{role}"),
            role=role,
            password=overrides.get("password", PASSWORD),
            organisation=overrides.get("organisation", "测试单位"),
            office_id=office.id if office is not None else None,
        )
    )


DEFAULT_DISTRICT = ("district", "测试区公共资源交易管理办公室")


def default_district():
    """The district every test's records belong to unless a test makes others (made once)."""
    from sqlalchemy import select

    from app.extensions import db
    from app.offices.models import Office

    code, name = DEFAULT_DISTRICT
    office = db.session.scalar(select(Office).where(Office.code == code))
    return office or make_office(code, name, kind="district")


def make_office(code: str, name: str, *, kind: str = "street", parent=None):
    """An office: a platform under `parent` (the default district unless given), or a district."""
    from app.offices.services import NewOffice, create_office

    if kind == "street" and parent is None:
        parent = default_district()
    return create_office(
        NewOffice(code=code, name=name, kind=kind, parent_id=parent.id if parent else None)
    )


def many_offices(districts: int, platforms: int = 3, start: int = 1) -> list:
    """`districts` more districts (`d01`, 第1区公管办 …, numbered from `start`), each with
    `platforms` platforms (`d01-p0`, 第1区第0街道 …), in one transaction: a province's offices for
    the pages that list them. Inserted as rows rather than through `create_office`, which commits
    and audits each office (the pages read the offices, not their audit). The districts, in order."""
    from app import clock
    from app.extensions import db
    from app.offices.models import Office

    made, rows = [], []
    for i in range(start, start + districts):
        district = Office(
            code=f"d{i:02d}",
            name=f"第{i}区公管办",
            name_en=f"District {i}",
            kind="district",
            sort_order=i,
            created_at=clock.now(),
        )
        made.append(district)
        rows.append(district)
        rows.extend(
            Office(
                code=f"d{i:02d}-p{j}",
                name=f"第{i}区第{j}街道",
                kind="street",
                parent=district,
                sort_order=j,
                created_at=clock.now(),
            )
            for j in range(platforms)
        )
    db.session.add_all(rows)
    db.session.commit()
    return made


def two_platforms():
    """The default district and two platforms under it: a = 甲街道 (zh-jia), b = 乙镇 (zh-yi)."""
    from types import SimpleNamespace

    district = default_district()
    return SimpleNamespace(
        district=district,
        a=make_office("zh-jia", "甲街道", parent=district),
        b=make_office("zh-yi", "乙镇", parent=district),
    )


make_user.counter = 1


def make_notice(actor=None, publish: bool = True, **overrides):
    """A published trading notice by default, or a draft of a policy (publish=False).

    Staff write only the types rules.NoticeType.by_hand allows (create_draft, then publish); the
    others are published at once by a domain service, so they are made the way those services
    make them (publish_new) and never as drafts.
    """
    from notices import rules, services

    type_ = overrides.pop("type", "trading_notice" if publish else "policy")
    data = services.NoticeInput(
        type=type_,
        title=overrides.pop("title", "甬江街道某村道路硬化工程交易公告"),
        issuing_body=overrides.pop("issuing_body", "区公共资源交易管理办公室"),
        legal_basis=overrides.pop("legal_basis", "交易公告不少于3个工作日"),
        body=overrides.pop("body", "**控制价**：862,300.00元"),
        office_id=overrides.pop("office_id", None) or default_district().id,
        **overrides,
    )
    info = rules.NOTICE_TYPES.get(type_)  # an unknown type goes to create_draft, which refuses it
    if info is not None and not info.by_hand:
        assert publish, f"a {type_} is published by its service at once; it has no draft"
        return services.publish_new(data, actor=actor)
    notice = services.create_draft(data, actor=actor)
    return services.publish(notice.id, actor=actor) if publish else notice


PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"

#: A 2027 arrangement shaped like the State Council's (the statutory festivals as holidays), for
#: tests that confirm 2027 (app.calendar.rules refuses anything less). 2027-01-04..08 are worked.
NOTICE_2027 = "国办发明电〔2026〕12号"
HOLIDAYS_2027 = (
    "2027-01-01~2027-01-03\n2027-02-06~2027-02-12\n2027-04-03~2027-04-05\n"
    "2027-05-01~2027-05-05\n2027-06-09\n2027-09-15\n2027-10-01~2027-10-07"
)

CSRF_RE = re.compile(
    r'name="csrf_token" type="hidden" value="([^"]+)"|name="csrf_token" value="([^"]+)"'
)

#: A create form's once-only token (app.once), drawn by `form.hidden_tag()`.
ONCE_RE = re.compile(r'name="once" type="hidden" value="([^"]+)"|name="once" value="([^"]+)"')


def queue_notice_texts(staff, contractors, *, title: str | None = None, deadline: str = "11月5日"):
    """A published trading notice, and one text about it queued to each contractor (in the
    caller's transaction: the caller commits)."""
    from notices.sms import services

    notice = make_notice(staff, **({"title": title} if title else {}))
    services.queue(
        subject_type="notice",
        subject_id=str(notice.id),
        purpose="trading_notice",
        template="trading_notice",
        recipients=[services.Recipient(c.id, c.contact_mobile) for c in contractors],
        values={"title": notice.title, "category": "建筑工程", "deadline": deadline},
        notice_id=notice.id,
    )
    return notice


def with_field(data, key: str, value):
    """Add a field to form data given as a dict or as (name, value) pairs (repeated names)."""
    if isinstance(data, list):
        return MultiDict([*data, (key, value)])
    return {**(data or {}), key: value}


class Browser:
    """A browser of its own: the test client, each request in a fresh app context as in production.

    (The `app` fixture keeps one context pushed for the test; without a context per request Flask
    would reuse it, and Flask-Login's cached `current_user` in `g` would leak between browsers.)
    Requests come from `address` (the login rate limit is per address). `post` adds the session's
    CSRF token unless told `token=False`; `submit` takes it from the form's own page.
    """

    def __init__(self, app, address: str = "127.0.0.1"):
        self.app = app
        self.client = app.test_client()
        self.client.environ_base["REMOTE_ADDR"] = address
        self.user = None  # the account, when signed in through `signed_in`

    def open(self, path: str, method: str = "GET", **kw):
        with self.app.app_context():
            return self.client.open(path, method=method, **kw)

    def get(self, path: str, **kw):
        return self.open(path, "GET", **kw)

    def html(self, path: str, status: int = 200) -> str:
        response = self.get(path)
        assert response.status_code == status, (path, response.status_code)
        return response.get_data(as_text=True)

    def token(self, page: str | None = None) -> str:
        """The session's CSRF token, read from `page`; by default from a page that always carries
        it: the login form for the anonymous, the header's logout button for the signed in."""
        page = page or ("/" if self.user else "/login")
        match = CSRF_RE.search(self.html(page))
        assert match, f"no CSRF token on {page}"
        return match.group(1) or match.group(2)

    def post(self, path: str, data: dict | list | None = None, *, token: bool = True, **kw):
        """POST form data (a dict, or (name, value) pairs for repeated names), with the session's
        CSRF token unless `token=False`."""
        if token:
            data = with_field(data, "csrf_token", self.token())
        elif isinstance(data, list):
            data = MultiDict(data)
        return self.open(path, "POST", data=data, **kw)

    def submit(self, path: str, data=None, *, form_page: str | None = None, **kw):
        """POST a form with the CSRF token of its page (`form_page`, else `path` itself), and
        the page's once-only token (app.once) if it draws one and `data` has none."""
        page = self.html(form_page or path)
        match = CSRF_RE.search(page)
        assert match, f"no CSRF token on {form_page or path}"
        data = with_field(data, "csrf_token", match.group(1) or match.group(2))
        once = ONCE_RE.search(page)
        if once and "once" not in data:
            data = with_field(data, "once", once.group(1) or once.group(2))
        return self.post(path, data, token=False, **kw)

    def login(self, username: str, password: str, *, path: str = "/login", **extra):
        data = {"username": username, "password": password, **extra}
        return self.submit(path, data, form_page="/login")

    def signed_in(self) -> bool:
        return self.get("/dashboard").status_code == 200


def simultaneously(app, browser: Browser, post, threads: int) -> list:
    """`post(browser)` from `threads` browsers at once, each a tab on `browser`'s session with
    its own client and app context (hence its own database session and connection); the
    statuses, or the repr of an exception (a server error is a failure of the guard)."""
    cookie = browser.client.get_cookie("session")
    barrier = threading.Barrier(threads)
    statuses: list = []
    lock = threading.Lock()

    def attempt() -> None:
        tab = Browser(app)
        tab.client.set_cookie("session", cookie.value, domain=cookie.domain)
        barrier.wait(timeout=30)
        try:
            status = post(tab).status_code
        except Exception as e:
            status = repr(e)
        with lock:
            statuses.append(status)

    running = [threading.Thread(target=attempt) for _ in range(threads)]
    for t in running:
        t.start()
    for t in running:
        t.join(timeout=120)
    return statuses


def plain_actor(user):
    """An account's fields as a plain object, for threads: loading the user in each thread would
    hold a pooled connection at the barrier."""
    from types import SimpleNamespace

    return SimpleNamespace(
        id=user.id,
        role=user.role,
        username=user.username,
        office_id=user.office_id,
        organisation=user.organisation,
        display_name=user.display_name,
    )


def at_once(app, call, threads: int) -> list[tuple[str, str]]:
    """`call(i)` from `threads` threads at once, each in its own app context (hence its own
    session and connection): ("done", ""), ("refused", the Chinese message) for a DomainError,
    or ("error", its repr) for anything else — a failure of the guard."""
    from app.errors import DomainError
    from app.extensions import db

    barrier = threading.Barrier(threads)
    outcomes: list[tuple[str, str]] = []
    lock = threading.Lock()

    def attempt(i: int) -> None:
        with app.app_context():
            try:
                barrier.wait(timeout=30)
                call(i)
                outcome = ("done", "")
            except DomainError as e:
                outcome = ("refused", e.message)
            except Exception as e:
                outcome = ("error", repr(e))
            finally:
                db.session.remove()
            with lock:
                outcomes.append(outcome)

    running = [threading.Thread(target=attempt, args=(i,)) for i in range(threads)]
    for t in running:
        t.start()
    for t in running:
        t.join(timeout=120)
    return outcomes


def signed_in(app, role: str = "staff") -> Browser:
    """A Browser signed in through the login form as a new account of `role` (as `.user`)."""
    user = make_user(role)
    browser = Browser(app)
    response = browser.login(user.username, PASSWORD)
    assert response.status_code == 302, response.get_data(as_text=True)[:500]
    browser.user = user
    return browser


def use_cheap_password_hashes(monkeypatch) -> None:
    """For files with many logins: argon2id at its recommended cost takes ~0.15 s a hash, and the
    cost is not under test there (test_auth_web logs in with the real one)."""
    from argon2 import PasswordHasher

    from app.auth import services as auth_services

    cheap = PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1)
    monkeypatch.setattr(auth_services, "_hasher", cheap)


def browser_host(location: str) -> str | None:
    """The host a browser would go to for this Location (WHATWG: tabs and newlines dropped,
    backslashes read as slashes), or None if it stays on this site."""
    cleaned = re.sub(r"[\t\n\r]", "", location).replace("\\", "/")
    parts = urlsplit(cleaned)
    if parts.scheme and parts.scheme not in ("http", "https"):
        return parts.scheme  # javascript:, data: …: never on this site
    return parts.netloc or None


def placed(subject, office=None):
    """A draw's Subject in `office` (the default district unless given): every draw has one."""
    from dataclasses import replace

    return replace(subject, office_id=(office or default_district()).id)


def run_sql(statement: str, params: dict | None = None) -> None:
    """A change made in SQL by hand, committed (what no service would make, or not that way)."""
    from sqlalchemy import text

    from app.extensions import db

    db.session.execute(text(statement), params or {})
    db.session.commit()


@contextmanager
def published_notices_unguarded():
    """The database's guard that a published notice is immutable (migration 0001) lifted: a
    change by hand that no service could make must show as well."""
    from sqlalchemy import text

    from app.extensions import db

    name = "notices_published_immutable"
    if db.engine.dialect.name == "postgresql":
        run_sql(f"ALTER TABLE notices DISABLE TRIGGER {name}")
        try:
            yield
        finally:
            run_sql(f"ALTER TABLE notices ENABLE TRIGGER {name}")
        return
    sql = db.session.scalar(text("SELECT sql FROM sqlite_master WHERE name = :n"), {"n": name})
    run_sql(f"DROP TRIGGER {name}")
    try:
        yield
    finally:
        run_sql(sql)


@contextmanager
def templates_written(app, name: str):
    """The languages ("zh", "en") of each rendering of template `name` while it is open: what a
    page keeps is rendered only when what it shows changed."""
    from flask import template_rendered

    written = []

    def record(_sender, template, context, **_extra):
        if template.name == name:
            written.append(str(context["current_locale"])[:2])

    template_rendered.connect(record, app)
    try:
        yield written
    finally:
        template_rendered.disconnect(record, app)
