"""Issue 14 (lists that do not grow with the table): the public lists and the API are read a page
at a time from a cursor (app.keyset). Following the `next` links lists every row once, newest
first — rows published in the same second included, which only the id tells apart — and the
`prev` links walk back to the same pages; no request counts the table."""

from __future__ import annotations

import re
from urllib.parse import quote

import pytest
from sqlalchemy import event, select

from app import keyset
from app.extensions import db
from lottery.models import Draw
from notices.models import Notice
from tests.factories import Browser, default_district, make_notice, make_office, make_user

NEXT = re.compile(r'href="([^"]+)" rel="next"')
PREV = re.compile(r'href="([^"]+)" rel="prev"')
NOTICE_LINK = re.compile(r'href="/notices/(\d+)"')


@pytest.fixture
def frozen(now):
    # Every notice below is published at this very moment: only the id orders them.
    return now(2026, 11, 25, 10, 0)


def newest_first_ids() -> list[int]:
    return list(
        db.session.scalars(
            select(Notice.id)
            .where(Notice.status == "published")
            .order_by(Notice.published_at.desc(), Notice.id.desc())
        )
    )


def notice_ids(html: str) -> list[int]:
    return list(dict.fromkeys(int(i) for i in NOTICE_LINK.findall(html)))


def unescape(href: str) -> str:
    return href.replace("&amp;", "&")


def walk(browser, first: str, pattern) -> list[tuple[str, list[int]]]:
    pages, url = [], first
    while url:
        html = browser.html(url)
        pages.append((url, notice_ids(html)))
        found = pattern.search(html)
        url = unescape(found.group(1)) if found else None
        assert len(pages) < 50, "the links go round in circles"
    return pages


def test_next_links_list_every_notice_once_newest_first_and_prev_links_walk_back(app, frozen):
    staff = make_user("staff")
    for i in range(7):
        make_notice(staff, title=f"同一时刻发布的公告{i}")
    app.config["NOTICES_PER_PAGE"] = 3
    browser = Browser(app)

    forward = walk(browser, "/notices/", NEXT)
    assert [ids for _url, ids in forward] == [
        newest_first_ids()[0:3],
        newest_first_ids()[3:6],
        newest_first_ids()[6:7],
    ]
    assert all("after=" in url for url, _ids in forward[1:])

    back = walk(browser, forward[-1][0], PREV)
    assert [ids for _url, ids in back] == [ids for _url, ids in reversed(forward)]
    # The first page reached backwards is the first page: nothing newer, no previous link.
    assert 'rel="prev"' not in browser.html(back[-1][0])


def test_a_cursor_continues_after_its_row_even_when_newer_notices_arrive(app, frozen, now):
    staff = make_user("staff")
    for i in range(4):
        make_notice(staff, title=f"公告{i}")
    app.config["NOTICES_PER_PAGE"] = 2
    browser = Browser(app)
    second = unescape(NEXT.search(browser.html("/notices/")).group(1))
    before = notice_ids(browser.html(second))
    now(2026, 11, 25, 11, 0)
    make_notice(staff, title="新发布的公告")  # a page number would now shift by one
    assert notice_ids(browser.html(second)) == before


def test_a_junk_cursor_is_the_first_page_and_an_unknown_row_an_empty_one(app, frozen):
    staff = make_user("staff")
    for i in range(3):
        make_notice(staff, title=f"公告{i}")
    browser = Browser(app)
    first = notice_ids(browser.html("/notices/"))
    assert notice_ids(browser.html("/notices/?after=abc")) == first
    assert notice_ids(browser.html("/notices/?after=-5")) == first
    assert notice_ids(browser.html(f"/notices/?after={2**40}")) == first  # beyond any id
    assert notice_ids(browser.html("/notices/?after=2147483000")) == []
    assert browser.get("/api/v1/notices?after=2147483000").get_json() == {
        "items": [],
        "next": None,
    }


def five_notices_two_a_page(app) -> Browser:
    staff = make_user("staff")
    for i in range(5):
        make_notice(staff, title=f"公告{i}")
    app.config["NOTICES_PER_PAGE"] = 2
    return Browser(app)


def test_old_page_numbers_still_work_and_far_ones_lead_back_to_the_newest(app, frozen):
    browser = five_notices_two_a_page(app)
    assert notice_ids(browser.html("/notices/?page=2")) == newest_first_ids()[2:4]
    far = browser.html(f"/notices/?page={keyset.MAX_OFFSET_PAGE + 1}")
    assert notice_ids(far) == []
    assert 'href="/notices/" rel="first"' in far


def fullwidth(n: int) -> str:
    return str(n).translate({ord(c): ord(c) - ord("0") + ord("０") for c in "0123456789"})


@pytest.mark.parametrize("page", ["２", "٢", "²", " 2", "+2", "2.0"])
def test_a_page_number_not_in_ascii_digits_is_a_bad_one_the_first_page(app, frozen, page):
    # int() read "２" (fullwidth) as 2: ?page=２ was page 2.
    browser = five_notices_two_a_page(app)
    first = newest_first_ids()[:2]
    assert notice_ids(browser.html("/notices/?page=2")) == newest_first_ids()[2:4]
    assert notice_ids(browser.html("/notices/?page=abc")) == first  # any bad page number
    assert notice_ids(browser.html(f"/notices/?page={quote(page)}")) == first
    api = {q: browser.get(f"/api/v1/notices?page={q}").get_json()["items"] for q in ("2", "abc")}
    assert api["2"] == []  # fifty a page
    assert browser.get(f"/api/v1/notices?page={quote(page)}").get_json()["items"] == api["abc"]


def test_an_id_not_in_ascii_digits_names_no_record(app, frozen):
    staff = make_user("staff")
    notices = [make_notice(staff, title=f"公告{i}") for i in range(3)]
    browser = Browser(app)
    first = notice_ids(browser.html("/notices/"))
    after = f"/notices/?after={first[0]}"
    assert notice_ids(browser.html(after)) == first[1:]
    assert notice_ids(browser.html(f"/notices/?after={quote(fullwidth(first[0]))}")) == first
    assert browser.get(f"/notices/{notices[0].id}").status_code == 200
    assert browser.get(f"/notices/{quote(fullwidth(notices[0].id))}").status_code == 404


def test_an_in_memory_list_reads_page_numbers_the_same_way(app):
    from app.keyset import list_window

    with app.test_request_context("/?page=%EF%BC%92"):  # ?page=２
        assert list_window(list("abcde"), 2, key=str, token=str, parse=str).items == ["a", "b"]


def api_walk(browser, first: str) -> list[dict]:
    items, url, pages = [], first, 0
    while url:
        body = browser.get(url).get_json()
        items += body["items"]
        url = body["next"]
        pages += 1
        assert pages < 50
    return items


def test_the_api_lists_follow_next_to_the_end_without_counting(app, frozen, monkeypatch):
    import contracts.api
    import lottery.api
    import notices.api
    from tests.trading_factories import active_pool, announced

    phase = active_pool()
    owner = make_user("owner")
    for i in range(5):
        announced(phase, owner, name=f"甬江街道某村道路硬化工程{i}")  # filed and drawn alike
    for module in (notices.api, contracts.api, lottery.api):
        monkeypatch.setattr(module, "PER_PAGE", 2)
    browser = Browser(app)

    sql: list[str] = []

    def seen(_conn, _cursor, statement, *_args):
        sql.append(statement.lower())

    event.listen(db.engine, "before_cursor_execute", seen)
    try:
        notices = api_walk(browser, "/api/v1/notices")
        projects = api_walk(browser, "/api/v1/projects")
        draws = api_walk(browser, "/api/v1/draws")
    finally:
        event.remove(db.engine, "before_cursor_execute", seen)

    assert [n["id"] for n in notices] == newest_first_ids()
    assert len(projects) == 5 and len({p["code"] for p in projects}) == 5
    expected_draws = db.session.scalars(
        select(Draw.draw_id).order_by(Draw.committed_at.desc(), Draw.id.desc())
    ).all()
    assert [d["draw_id"] for d in draws] == expected_draws and len(draws) >= 10
    assert not [s for s in sql if "count(" in s], "a list counted rows"


def test_a_page_of_the_html_lists_never_counts_the_table(app, frozen):
    from tests.trading_factories import active_pool, announced

    announced(active_pool(), make_user("owner"))
    sql: list[str] = []

    def seen(_conn, _cursor, statement, *_args):
        sql.append(statement.lower())

    browser = Browser(app)
    event.listen(db.engine, "before_cursor_execute", seen)
    try:
        for path in ("/notices/", "/projects/", "/draws/", "/search?q=道路", "/api/v1/complaints"):
            assert browser.get(path).status_code == 200, path
    finally:
        event.remove(db.engine, "before_cursor_execute", seen)
    assert not [s for s in sql if "count(" in s]


def test_an_in_memory_list_continues_after_its_cursor_even_when_that_item_is_gone(app):
    from app.keyset import list_window

    def page(items, query):
        with app.test_request_context(query):
            return list_window(items, 2, key=str, token=str, parse=lambda t: t)

    first = page(list("abcde"), "/")
    assert first.items == ["a", "b"] and first.next_args() == {"after": "b"}
    assert page(list("abcde"), "/?after=b").items == ["c", "d"]
    # "b" left and "a0" arrived before the cursor: the next page neither repeats nor skips.
    assert page(["a", "a0", "c", "d", "e"], "/?after=b").items == ["c", "d"]
    last = page(list("abcde"), "/?after=d")
    assert last.items == ["e"] and last.next_args() is None
    assert page(list("abcde"), "/?page=2").items == ["c", "d"]  # old links still work


def test_a_kept_listing_reads_the_same_pages_as_its_statement_built_anew(app, frozen):
    # notices.queries keeps a list's statements per process (keyset.Listing, issue 14): its
    # numbered pages take their LIMIT and OFFSET as parameters, and must read what the same
    # statement built on each request reads, at every page and cursor.
    staff = make_user("staff")
    for i in range(7):
        make_notice(staff, title=f"公告{i}")
    with app.test_request_context():
        stmt = select(Notice.id, Notice.published_at).where(Notice.status == "published")
        kept = keyset.listing(stmt, Notice.published_at, Notice.id)
        ids = newest_first_ids()
        for cursor in [
            *(keyset.Cursor(page=p) for p in (1, 2, 3, 4, 51)),
            keyset.Cursor(after=ids[2]),
            keyset.Cursor(before=ids[5]),
        ]:
            built, reused = (
                keyset.window(s, cursor, 3, Notice.published_at, Notice.id) for s in (stmt, kept)
            )
            assert reused == built
            assert [r.id for r in reused.items] == [r.id for r in built.items]


def test_the_api_list_reads_the_same_pages_from_its_kept_statements(app, frozen, monkeypatch):
    # notices.entries keeps the API list's statements per process too (`_kept_pages`), and
    # builds them anew for `?since=` (a moment: never kept). Every page of every filter,
    # followed by its `next`, is what the statement built anew gives with a `since` before
    # every notice, and what the kept statements give again.
    from notices import api, entries

    monkeypatch.setattr(api, "PER_PAGE", 3)
    staff = make_user("staff")
    other = make_office("qt", "另一区公管办", kind="district")
    for i in range(7):
        make_notice(staff, title=f"公告{i}", type="trading_notice" if i % 2 else "pool_call")
    make_notice(staff, title="另一区的公告", office_id=other.id)
    district = default_district().code

    def walk(path: str) -> list[list[int]]:
        pages = []
        while path:
            body = Browser(app).get(path).get_json()
            assert "items" in body, (path, body)
            pages.append([item["id"] for item in body["items"]])
            path = body.get("next") and "/api/v1/notices?" + body["next"].split("?", 1)[1]
        return pages

    for query in (
        "",
        "type=trading_notice",
        f"type=pool_call,trading_notice&office={district}",
        "office=qt",
    ):
        built = walk(f"/api/v1/notices?{query}&since=2000-01-01T00:00:00%2B08:00")
        entries._kept_pages.cache_clear()
        kept = walk(f"/api/v1/notices?{query}")
        again = walk(f"/api/v1/notices?{query}")  # from the kept statements
        assert entries._kept_pages.cache_info().hits > 0
        assert kept == again == built, query
    assert len(walk("/api/v1/notices")) == 3  # 8 notices, 3 a page
    assert walk("/api/v1/notices?page=2") == walk("/api/v1/notices")[1:]  # an old-style link
