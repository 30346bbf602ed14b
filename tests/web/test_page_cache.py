"""Issue 14 (scale), item 3: anonymous public pages and API GETs are kept as rendered
(app.pagecache) — served again with the same bytes and ETag and no SQL, until a commit writes
something or the clock reaches a moment at which what they show changes; never for a signed-in
visitor, flashed messages, another language, or anything personal."""

from __future__ import annotations

import os
import secrets

import pytest
from flask import current_app
from sqlalchemy import event, update

from app import clock
from app.extensions import db
from app.offices.models import Office
from app.pagecache.edges import TIME_EDGES
from app.pagecache.serving import CACHED_ENDPOINTS
from app.wiring import registry
from config import TestingConfig
from notices.models import Notice
from tests.conftest import build_app
from tests.factories import Browser, default_district, make_notice, make_user, signed_in
from tests.pool_factories import Phase, at
from tests.trading_factories import announced

#: Public pages and API reads of every domain, each cached.
PAGES = (
    "/",
    "/notices/",
    "/notices/?type=trading_notice",
    "/api/v1/notices",
    "/projects/",
    "/api/v1/projects",
    "/draws/",
    "/api/v1/draws",
    "/stats/",
    "/api/v1/stats",
    "/pool/",
    "/offices/",
    "/api/v1/offices",
    "/sanctions/",
    "/search?q=道路",
    "/notices/feed.atom",
    "/notices/timeliness",
)


@pytest.fixture(autouse=True)
def _page_cache_on(monkeypatch):
    """TestingConfig has the page cache off; these tests' apps (the `app` fixture's, built after
    this one) have it on, each in its own in-process store."""
    monkeypatch.setattr(TestingConfig, "PAGE_CACHE", True)


@pytest.fixture
def frozen(now):
    return now(2026, 11, 25, 10, 0)


def read(path: str, browser=None, **kw):
    response = (browser or Browser(current_app._get_current_object())).get(path, **kw)
    assert response.status_code in (200, 304), (path, response.status_code)
    return response


def source(response) -> str | None:
    return response.headers.get("X-Page-Cache")


def statements_of(fn):
    """(what `fn()` returned, the SQL statements it ran)."""
    seen = []
    listener = lambda *args: seen.append(args[2])  # noqa: E731
    event.listen(db.engine, "before_cursor_execute", listener)
    try:
        return fn(), seen
    finally:
        event.remove(db.engine, "before_cursor_execute", listener)


def test_a_hit_serves_the_same_bytes_and_etag_without_a_statement(app, frozen):
    make_notice(make_user("staff"), title="某村道路硬化工程交易公告")
    for path in PAGES:
        first = read(path)
        assert source(first) == "miss", path
        again, sql = statements_of(lambda path=path: read(path))
        assert source(again) == "hit", path
        assert again.get_data() == first.get_data(), path
        assert again.headers["ETag"] == first.headers["ETag"], path
        assert again.headers["Cache-Control"] == first.headers["Cache-Control"], path
        assert again.headers["Content-Type"] == first.headers["Content-Type"], path
        assert sql == [], (path, sql)  # the in-process store: no statement at all


def test_a_hit_answers_if_none_match_with_304_and_api_answers_carry_an_etag(app, frozen):
    make_notice(make_user("staff"))
    for path in ("/", "/notices/", "/api/v1/notices", "/notices/feed.atom"):
        first = read(path)
        etag = first.headers["ETag"]
        assert read(path).headers["ETag"] == etag  # a hit, same ETag
        cached = read(path, headers={"If-None-Match": etag})
        assert cached.status_code == 304 and cached.get_data() == b"", path
        assert source(cached) == "hit", path
        other = read(path, headers={"If-None-Match": '"something-else"'})
        assert other.status_code == 200 and other.get_data() == first.get_data(), path


def test_publishing_a_notice_through_the_service_changes_the_cached_pages(app, frozen):
    staff = make_user("staff")
    make_notice(staff, title="第一条交易公告")
    paths = ("/", "/notices/", "/api/v1/notices")
    for path in paths:
        read(path)
        assert source(read(path)) == "hit", path
    make_notice(staff, title="第二条交易公告")  # create_draft + publish: two commits
    for path in paths:
        fresh = read(path)
        assert source(fresh) == "miss", path
        assert "第二条交易公告" in fresh.get_data(as_text=True), path


def test_a_statement_through_the_session_counts_as_a_write(app, frozen):
    # Some services write with one UPDATE (a draw is closed so): no flush sees it.
    office = default_district()
    db.session.commit()
    read("/offices/")
    assert source(read("/offices/")) == "hit"
    db.session.execute(update(Office).where(Office.id == office.id).values(name="新名称管理办公室"))
    db.session.commit()
    fresh = read("/offices/")
    assert source(fresh) == "miss" and "新名称管理办公室" in fresh.get_data(as_text=True)


def test_the_home_pages_office_directory_shows_an_office_added_or_renamed_since_it_was_kept(
    app, frozen
):
    from tests.factories import make_office, many_offices

    default_district()
    first = many_offices(4, 3)[0]  # past HOME_CARDS_UP_TO: a directory, not cards
    kept = read("/")
    assert "office-directory" in kept.get_data(as_text=True)
    assert source(read("/")) == "hit"
    make_office("d01-new", "新设街道", parent=first)
    added = read("/", headers={"If-None-Match": kept.headers["ETag"]})
    assert added.status_code == 200 and source(added) == "miss"
    assert 'href="/offices/d01-new">新设街道</a>' in added.get_data(as_text=True)
    assert source(read("/")) == "hit"
    db.session.execute(update(Office).where(Office.id == first.id).values(name="改名区公管办"))
    db.session.commit()
    renamed = read("/", headers={"If-None-Match": added.headers["ETag"]})
    assert renamed.status_code == 200 and source(renamed) == "miss"
    assert 'href="/offices/d01">改名区公管办</a>' in renamed.get_data(as_text=True)


def test_a_rolled_back_write_and_a_sign_in_keep_the_cached_pages(app, frozen):
    make_notice(make_user("staff"))
    read("/")
    db.session.execute(update(Office).values(name="未提交的名称"))
    db.session.rollback()
    assert source(read("/")) == "hit"
    signed_in(app, "staff")  # the account, its throttle and audit rows: no public page shows them
    assert source(read("/")) == "hit"


def test_a_notice_s_publicity_ending_by_the_clock_ends_the_cached_pages(app, now):
    now(2026, 11, 25, 10, 0)
    # Its publicity ends at 15:00, not at midnight: only the notices' time edge ends the entry.
    # (Published notices are immutable and services end publicity at midnight: made directly.)
    notice = Notice(
        type="trading_notice",
        title="公示到下午三点的交易公告",
        office_id=default_district().id,
        issuing_body="区公共资源交易管理办公室",
        legal_basis="交易公告不少于3个工作日",
        status="published",
        min_working_days=3,
        published_at=clock.now(),
        created_at=clock.now(),
        publicity_ends_at=at(2026, 11, 27, 15, 0),
    )
    db.session.add(notice)
    db.session.commit()
    paths = (f"/notices/{notice.id}", "/notices/", "/")
    now(2026, 11, 27, 14, 59)
    for path in paths:
        assert "badge-running" in read(path).get_data(as_text=True), path
    now(2026, 11, 27, 14, 59, 59)
    for path in paths:
        assert source(read(path)) == "hit", path
    now(2026, 11, 27, 15, 0)  # no write: only the clock moved
    for path in paths:
        page = read(path)
        assert source(page) == "miss", path
        html = page.get_data(as_text=True)
        assert "badge-ended" in html and "badge-running" not in html, path


def test_a_cached_page_ends_at_local_midnight(app, now):
    now(2026, 11, 25, 23, 59)
    assert "2026-11-25" in read("/pool/").get_data(as_text=True)  # 截至2026-11-25
    assert source(read("/pool/")) == "hit"
    now(2026, 11, 26, 0, 0)
    page = read("/pool/")
    assert source(page) == "miss" and "2026-11-26" in page.get_data(as_text=True)
    # A clock moved back (a test, the demo) is not served a page rendered later either.
    now(2026, 11, 25, 23, 0)
    assert source(read("/pool/")) == "miss"


def test_the_meeting_time_ends_the_cached_project_page(app):
    """Objections to the meeting may be raised from its appointed time (09:30, not midnight):
    the project's page cached a minute before says so at 09:30 without any write."""
    project, _t = announced(Phase().through_roster(), make_user("owner"))  # meeting 12-03 09:30
    path = f"/projects/{project.code}"
    clock.set_now(at(2026, 12, 3, 9, 29))  # responses closed at 00:00; the meeting not begun
    assert "现可提出" not in read(path).get_data(as_text=True)
    clock.set_now(at(2026, 12, 3, 9, 29, 59))
    assert source(read(path)) == "hit"
    clock.set_now(at(2026, 12, 3, 9, 30))
    page = read(path)
    assert source(page) == "miss" and "现可提出" in page.get_data(as_text=True)


def test_a_signed_in_visitor_is_never_served_a_cached_page_nor_stores_one(app, frozen):
    make_notice(make_user("staff"))
    staff = signed_in(app, "staff")
    mine = staff.get("/")
    assert mine.status_code == 200 and source(mine) is None
    assert source(read("/")) == "miss"  # the signed-in visit stored nothing
    assert source(read("/")) == "hit"
    again = staff.get("/")
    assert source(again) is None and staff.user.display_name in again.get_data(as_text=True)
    assert again.headers["Cache-Control"] == "private, no-store"


def test_a_request_with_flashed_messages_is_neither_served_from_nor_stored(app, frozen):
    read("/")
    browser = Browser(app)
    with browser.client.session_transaction() as s:
        s["_flashes"] = [("info", "闪现的消息")]
    flashed = browser.get("/")
    assert source(flashed) is None and "闪现的消息" in flashed.get_data(as_text=True)
    assert "闪现的消息" not in read("/").get_data(as_text=True)


def test_each_language_is_an_entry_of_its_own(app, frozen):
    chinese = read("/").get_data(as_text=True)
    english_browser = Browser(app)
    english_browser.client.set_cookie("lang", "en")
    english = english_browser.get("/")
    assert source(english) == "miss"
    assert english.get_data(as_text=True) != chinese and 'lang="en"' in english.get_data(
        as_text=True
    )
    assert source(english_browser.get("/")) == "hit"
    assert read("/").get_data(as_text=True) == chinese


def test_a_query_string_with_junk_does_not_poison_the_clean_page(app, frozen):
    junk = read("/notices/?x=%3Cscript%3Ealert(1)%3C/script%3E&type=nope")
    assert source(junk) == "miss"
    clean = read("/notices/")
    assert source(clean) == "miss" and "alert(1)" not in clean.get_data(as_text=True)
    # NUL: looked up first (a hit is answered before the input check), found nothing — a 400 is
    # never stored — and refused, the second time as the first.
    for _ in range(2):
        refused = Browser(app).get("/notices/?q=%00")
        assert refused.status_code == 400 and source(refused) == "miss"


def test_errors_redirects_and_personal_pages_are_not_stored(app, frozen):
    for path in ("/notices/999999", "/projects/NO-SUCH"):
        assert Browser(app).get(path).status_code == 404
        assert source(Browser(app).get(path)) == "miss"  # looked up, never kept
    for path in ("/login", "/dashboard", "/staff/notices/", "/lang/en"):
        assert source(Browser(app).get(path)) is None  # never looked up


def test_every_cached_endpoint_is_a_public_get_of_the_app(app):
    rules = {r.endpoint: r for r in app.url_map.iter_rules()}
    for endpoint in CACHED_ENDPOINTS:
        assert endpoint in rules, endpoint
        assert rules[endpoint].methods <= {"GET", "HEAD", "OPTIONS"}, endpoint
        assert not rules[endpoint].rule.startswith(
            ("/staff", "/admin", "/account", "/owner", "/contractor/", "/supervision")
        ), endpoint
    assert sorted(registry(TIME_EDGES)) == ["notices", "pool", "trading"]


def test_the_page_cache_can_be_turned_off(database_url, tmp_path):
    app = build_app(database_url, tmp_path, PAGE_CACHE=False)  # as TestingConfig has it
    with app.app_context():
        assert source(Browser(app).get("/")) is None
        assert source(Browser(app).get("/")) is None
        db.engine.dispose()


# ---- the shared store (production) -----------------------------------------------------------

REDIS_URL = "redis://127.0.0.1:6379/7"


def _redis_or_skip():
    import redis

    try:
        redis.Redis.from_url(REDIS_URL, socket_connect_timeout=1).ping()
    except redis.exceptions.ConnectionError as e:
        if os.environ.get("SMALLWORKS_REQUIRE_E2E") == "1":  # CI: Redis is there
            pytest.fail(f"Redis at {REDIS_URL} is unreachable: {e}")
        pytest.skip(f"Redis at {REDIS_URL} is unreachable (CI requires it)")


def _shared_store() -> dict:
    """Settings of a Redis store with a prefix of the test's own: no entry or generation is
    shared with another test."""
    return {
        "CACHE_TYPE": "RedisCache",
        "CACHE_REDIS_URL": REDIS_URL,
        "CACHE_KEY_PREFIX": f"smallworks-test-{secrets.token_hex(6)}:",
    }


def _forget(settings: dict, apps) -> None:
    import redis

    client = redis.Redis.from_url(REDIS_URL)
    for key in client.scan_iter(f"{settings['CACHE_KEY_PREFIX']}*"):
        client.delete(key)
    for app in apps:
        with app.app_context():
            db.session.remove()
            db.engine.dispose()


def test_the_redis_store_is_shared_by_workers_and_bumped_by_any_of_them(
    database_url, tmp_path, now
):
    _redis_or_skip()
    settings = _shared_store()
    first = build_app(database_url, tmp_path / "a", **settings)
    second = build_app(database_url, tmp_path / "b", **settings)  # another worker
    now(2026, 11, 25, 10, 0)
    try:
        with first.app_context():
            make_notice(make_user("staff"), title="第一条交易公告")
            assert source(Browser(first).get("/")) == "miss"
            assert source(Browser(first).get("/")) == "hit"
        with second.app_context():
            hit, sql = statements_of(lambda: Browser(second).get("/"))
            assert source(hit) == "hit" and sql == []  # stored by the other worker
            make_notice(make_user("staff"), title="第二条交易公告")  # bumps in Redis
        with first.app_context():
            fresh = Browser(first).get("/")
            assert source(fresh) == "miss" and "第二条交易公告" in fresh.get_data(as_text=True)
    finally:
        _forget(settings, (first, second))


def test_pages_kept_by_one_build_are_never_served_by_another(
    database_url, tmp_path, now, monkeypatch
):
    """Redis outlives a deploy: the workers of new code (other markup, other words) never serve
    what the old code kept, nor the old ones the new's during a rolling deploy — though both read
    one generation."""
    _redis_or_skip()
    from app.pagecache import store

    settings = _shared_store()
    old = build_app(database_url, tmp_path / "old", **settings)
    monkeypatch.setattr(store, "rendering_fingerprint", lambda root: "another-build")
    new = build_app(database_url, tmp_path / "new", **settings)
    again = build_app(database_url, tmp_path / "again", **settings)  # the new build's 2nd worker
    now(2026, 11, 25, 10, 0)
    try:
        with old.app_context():
            assert source(Browser(old).get("/")) == "miss"
            generation = store._state(old).current_generation()
        with new.app_context():
            assert store._state(new).current_generation() == generation  # one counter
            assert source(Browser(new).get("/")) == "miss"
        with again.app_context():
            assert source(Browser(again).get("/")) == "hit"  # the new build shares its own
        with old.app_context():
            assert source(Browser(old).get("/")) == "hit"  # and the old keeps its own
    finally:
        _forget(settings, (old, new, again))


def test_the_rendering_fingerprint_follows_templates_code_and_words_only(tmp_path):
    from pathlib import Path

    from app.pagecache.store import rendering_fingerprint

    def tree(name: str, changes: dict[str, str]) -> Path:
        root = tmp_path / name
        files = {
            "app/__init__.py": "x = 1\n",
            "templates/base.html": "<p>{{ _('公告') }}</p>\n",
            "app/translations/en/LC_MESSAGES/messages.mo": "catalogue",
            "app/static/css/site.css": "p {}\n",
            **changes,
        }
        for path, text in files.items():
            (root / path).parent.mkdir(parents=True, exist_ok=True)
            (root / path).write_text(text)
        return root

    base = rendering_fingerprint(tree("base", {}))
    assert rendering_fingerprint(tree("same", {})) == base  # a fresh checkout of the same code
    for path, text in {
        "templates/base.html": "<p>{{ _('公示') }}</p>\n",
        "app/__init__.py": "x = 2\n",
        "app/translations/en/LC_MESSAGES/messages.mo": "catalogue 2",
        "app/static/css/site.css": "p { color: red }\n",
        "contracts/views.py": "y = 1\n",  # a new module
    }.items():
        assert rendering_fingerprint(tree(f"t{len(path)}{len(text)}", {path: text})) != base, path
    # What renders nothing: compiled bytecode, an editor's backup, the instance's files.
    ignored = {
        "app/__pycache__/x.cpython-311.pyc": "bytecode",
        "templates/base.html~": "backup",
        "instance/uploads/a.pdf": "upload",
    }
    assert rendering_fingerprint(tree("ignored", ignored)) == base
