"""Issue 17 (feeds): Atom feeds of the published notices, with the filters of the notice list, and
advertised on the pages they mirror."""

from __future__ import annotations

import xml.etree.ElementTree as ET

import pytest
from sqlalchemy import select, update

from app.extensions import db
from tests.factories import DEFAULT_DISTRICT, Browser, make_notice, make_office, make_user

ATOM = "{http://www.w3.org/2005/Atom}"


@pytest.fixture
def frozen(now):
    return now(2026, 11, 25, 10, 0)


def read(client, path: str) -> ET.Element:
    response = client.get(path)
    assert response.status_code == 200, path
    assert response.content_type == "application/atom+xml; charset=utf-8"
    feed = ET.fromstring(response.get_data())  # noqa: S314 (our own feed)
    for element in ("id", "title", "updated"):  # what Atom requires of a feed
        assert feed.find(ATOM + element).text, element
    return feed


def entries(feed: ET.Element) -> list[tuple[str, str]]:
    """(title, link) of each entry, in the feed's order."""
    return [
        (e.find(ATOM + "title").text, e.find(ATOM + "link").get("href"))
        for e in feed.findall(ATOM + "entry")
    ]


def test_the_feed_gives_published_notices_newest_first_and_no_draft(app, frozen, now):
    staff = make_user("staff")
    first = make_notice(staff, title="第一条交易公告")
    now(2026, 11, 25, 11, 0)
    second = make_notice(staff, title="第二条交易公告")
    make_notice(staff, publish=False, title="尚未发布的草稿")
    feed = read(Browser(app), "/notices/feed.atom")
    got = entries(feed)
    assert [title for title, _link in got] == ["第二条交易公告", "第一条交易公告"]
    assert got[0][1].endswith(f"/notices/{second.id}") and got[1][1].endswith(
        f"/notices/{first.id}"
    )
    assert got[0][1].startswith("http")  # absolute: a feed reader has no page to resolve from
    assert feed.find(ATOM + "updated").text.startswith("2026-11-25T03:00:00")


def test_a_correction_updates_its_notices_entry_and_says_so(app, frozen, now):
    staff = make_user("staff")
    notice = make_notice(staff, title="某村道路硬化工程交易公告")
    now(2026, 11, 26, 9, 0)
    make_notice(staff, type="correction", corrects_id=notice.id, title="更正公告")
    feed = read(Browser(app), "/notices/feed.atom?type=trading_notice")
    (entry,) = feed.findall(ATOM + "entry")
    assert entry.find(ATOM + "updated").text.startswith("2026-11-26T01:00:00")
    assert entry.find(ATOM + "published").text.startswith("2026-11-25T02:00:00")
    assert "已更正" in entry.find(ATOM + "summary").text


def test_the_feed_keeps_the_lists_type_and_office_filters(app, frozen):
    staff = make_user("staff")
    platform = make_office("feed-street", "订阅街道")
    make_notice(staff, title="区里的交易公告")
    make_notice(staff, title="街道的交易公告", office_id=platform.id, issuing_body="订阅街道")
    make_notice(staff, publish=False, type="policy", title="一条政策")
    client = Browser(app)
    titles = lambda path: {title for title, _link in entries(read(client, path))}  # noqa: E731
    assert titles("/notices/feed.atom?type=trading_notice") == {"区里的交易公告", "街道的交易公告"}
    assert titles("/notices/feed.atom?office=feed-street") == {"街道的交易公告"}
    # A district's feed has its platforms' notices, as its list has.
    assert titles(f"/notices/feed.atom?office={DEFAULT_DISTRICT[0]}") == {
        "区里的交易公告",
        "街道的交易公告",
    }
    assert client.get("/notices/feed.atom?office=no-such-office").status_code == 404
    assert client.get("/notices/feed.atom?type=%00").status_code == 400


def test_the_pages_advertise_the_feed_they_mirror(app, frozen):
    client = Browser(app)
    home = client.html("/")
    assert 'type="application/atom+xml"' in home and 'href="/notices/feed.atom"' in home
    listing = client.html("/notices/?type=trading_notice")
    assert 'rel="alternate" type="application/atom+xml"' in listing
    assert 'href="/notices/feed.atom?type=trading_notice"' in listing


def test_the_english_site_gives_the_feed_in_english(app, frozen):
    make_notice(make_user("staff"), title="某村道路硬化工程交易公告")
    client = Browser(app)
    client.get("/lang/en")
    feed = read(client, "/notices/feed.atom?type=trading_notice")
    assert feed.find(ATOM + "title").text.startswith("Trading notice")
    assert feed.get("{http://www.w3.org/XML/1998/namespace}lang") == "en"
    (entry,) = feed.findall(ATOM + "entry")
    assert entry.find(ATOM + "category").get("label") == "Trading notices"


def test_the_list_and_the_feed_of_a_category_keep_its_projects_notices(app):
    from tests.trading_factories import active_pool, announced

    phase = active_pool()
    owner = make_user("owner")
    announced(phase, owner, name="某村道路硬化工程", category_code="JZ")
    announced(phase, owner, name="某村排水管网工程", category_code="SZ")
    client = Browser(app)
    jz = {title for title, _link in entries(read(client, "/notices/feed.atom?category=JZ"))}
    assert any("道路硬化" in t for t in jz) and not any("排水管网" in t for t in jz)
    listing = client.html("/notices/?category=SZ&type=trading_notice")
    assert "某村排水管网工程" in listing and "某村道路硬化工程" not in listing
    assert 'href="/notices/feed.atom?type=trading_notice&amp;category=SZ"' in listing
    # The category's links keep the type, and the type's links keep the category.
    assert 'href="/notices/?type=trading_notice&amp;category=JZ"' in listing
    assert 'href="/notices/?category=SZ" aria-current' not in listing  # "all types" is a link…
    assert 'href="/notices/?category=SZ"' in listing  # …that keeps the category
    assert client.get("/notices/feed.atom?category=NOPE").status_code == 404
    assert client.get("/notices/?category=NOPE").status_code == 404


@pytest.fixture
def categories_restored(app):
    """pool_categories is reference data the PostgreSQL tests keep between tests: put back."""
    from contractors.models import PoolCategory

    columns = (
        PoolCategory.code,
        PoolCategory.name,
        PoolCategory.is_active,
        PoolCategory.sort_order,
    )
    with app.app_context():
        saved = db.session.execute(select(*columns)).all()
    yield
    with app.app_context():
        for code, name, is_active, sort_order in saved:
            db.session.execute(
                update(PoolCategory)
                .where(PoolCategory.code == code)
                .values(name=name, is_active=is_active, sort_order=sort_order)
            )
        db.session.commit()


def test_the_list_offers_the_active_categories_in_their_order_and_no_retired_one(
    app, categories_restored
):
    from contractors.models import PoolCategory
    from contractors.queries import categories
    from notices.categories import Category, find
    from notices.categories import categories as offered

    with app.app_context():
        db.session.execute(
            update(PoolCategory).where(PoolCategory.code == "SZ").values(is_active=False)
        )
        db.session.execute(
            update(PoolCategory).where(PoolCategory.code == "JZ").values(sort_order=999)
        )
        db.session.commit()
        expected = [Category(c.code, c.name, c.name_en) for c in categories()]
        assert offered() == expected  # the active ones, in their sort order
        assert [c.code for c in expected][-1] == "JZ" and "SZ" not in [c.code for c in expected]
        assert find("SZ") is None
    listing = Browser(app).html("/notices/")
    assert 'href="/notices/?category=JZ"' in listing
    assert 'href="/notices/?category=SZ"' not in listing
    assert Browser(app).get("/notices/?category=SZ").status_code == 404


def test_the_lists_kept_filters_follow_the_type_office_category_language_and_names(
    app, categories_restored
):
    from contractors.models import PoolCategory

    browser = Browser(app)
    browser.get("/healthz")  # after the first request the filters are kept (app.urls)
    for _ in range(2):
        page = browser.html("/notices/?type=trading_notice&category=JZ")
        assert 'href="/notices/?type=trading_notice&amp;category=JZ" aria-current="page"' in page
        assert 'href="/notices/?type=trading_notice&amp;category=SZ">' in page
    other = browser.html("/notices/?type=sanction")
    assert 'href="/notices/?type=sanction" aria-current="page"' in other
    assert 'href="/notices/?type=trading_notice">' in other
    with app.app_context():
        category = db.session.scalar(select(PoolCategory).where(PoolCategory.code == "JZ"))
        category.name = "房屋建筑工程（改名）"
        db.session.commit()
    assert "房屋建筑工程（改名）" in browser.html("/notices/?type=trading_notice&category=JZ")
    browser.client.set_cookie("lang", "en")
    english = browser.html("/notices/?type=trading_notice&category=JZ")
    assert ">Trading notices</a>" in english and "按类型筛选" not in english
