"""Issue 14 (hoist the translations): a public list looks its words up once per page, not once per
row. Each page is read with a few rows and again with many; a count of the templates' gettext
calls that grows with the rows is a lookup inside the row loop."""

from __future__ import annotations

from collections import Counter
from datetime import timedelta

import pytest
from jinja2 import pass_context
from sqlalchemy import select

from app import clock
from app.extensions import db
from contractors import rules
from contractors.models import Contractor, PoolCallCategory, PoolCategory, PoolSelection
from lottery.demo import uscc
from tests.factories import DEFAULT_DISTRICT, Browser
from tests.web.test_statement_counts import statements

#: The templates' translation functions (app.i18n.install_template_gettext).
GETTEXTS = ("_", "gettext", "ngettext", "pgettext", "npgettext")


@pytest.fixture
def lookups(app, monkeypatch):
    """`lookups(path, lang)`: how many times the page's templates call a gettext function (on
    its second request: the first keeps the layout's navigation)."""
    calls = Counter()
    for name in GETTEXTS:

        def counted(context, *args, _name=name, _original=app.jinja_env.globals[name], **kw):
            calls[_name] += 1
            return _original(context, *args, **kw)

        monkeypatch.setitem(app.jinja_env.globals, name, pass_context(counted))

    def count(path: str, lang: str) -> int:
        browser = Browser(app)
        if lang == "en":
            browser.client.set_cookie("lang", "en")
        browser.get(path)  # the parts kept once per process (app.urls.kept_fragment) are kept
        calls.clear()
        response = browser.get(path)
        assert response.status_code == 200, path
        return sum(calls.values())

    return count


def add_members(n: int, category: str = "JZ") -> None:
    """`n` more checked companies selected into the category of the published roster, with its
    members' dates (inserted as a roster of a province's size is: the walk through the calls
    is tests/integration's)."""
    first = db.session.scalars(
        select(PoolSelection)
        .join(PoolCallCategory, PoolSelection.call_category_id == PoolCallCategory.id)
        .join(PoolCategory, PoolCallCategory.category_id == PoolCategory.id)
        .where(PoolCategory.code == category, PoolSelection.since.is_not(None))
    ).first()
    start = db.session.scalar(select(Contractor.id).order_by(Contractor.id.desc())) or 0
    moment = clock.now() - timedelta(days=30)
    for k in range(start + 1, start + 1 + n):
        company = Contractor(
            uscc=uscc(f"{9_000_000 + k:07d}6"),
            name=f"宁波名录测试建设有限公司{k}",
            legal_representative="张三",
            contact_person="李四",
            contact_mobile=f"1390574{k:04d}",
            address="宁波市江北区某路1号",
            registered_at=moment,
            updated_at=moment,
            checked_at=moment,  # public (rules.is_publicly_listed)
        )
        db.session.add(company)
        db.session.flush()
        db.session.add(
            PoolSelection(
                call_category_id=first.call_category_id,
                contractor_id=company.id,
                status=rules.SelectionStatus.SELECTED,
                position=1000 + k,
                since=first.since,
                until=first.until,
            )
        )
    db.session.commit()


#: The roster of every district, of one district, and of one category.
POOL_PAGES = ("/pool/", f"/pool/?office={DEFAULT_DISTRICT[0]}", "/pool/?category=JZ")


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_the_pool_roster_looks_up_its_words_once_whatever_its_members(app, lookups, now, lang):
    from tests.trading_factories import active_pool

    active_pool()
    now(2026, 11, 25, 10, 0)  # the pool is valid from 2026-11-01
    add_members(17)  # 20 members in all
    few = {path: lookups(path, lang) for path in POOL_PAGES}
    few_statements = {path: statements(app, path) for path in POOL_PAGES}
    add_members(180)  # 200
    many = {path: lookups(path, lang) for path in POOL_PAGES}
    many_statements = {path: statements(app, path) for path in POOL_PAGES}
    assert Browser(app).html(POOL_PAGES[1]).count("宁波名录测试建设有限公司") == 197
    grown = {path: (few[path], many[path]) for path in POOL_PAGES if many[path] != few[path]}
    assert not grown, f"translation lookups (20 members, 200) that grow with the rows: {grown}"
    assert many_statements == few_statements


#: Project lists: every project, and an office's.
PROJECT_PAGES = ("/projects/", f"/offices/{DEFAULT_DISTRICT[0]}")


def test_the_project_lists_look_up_their_words_once_for_few_and_more_projects(app, lookups):
    from tests.factories import make_user
    from tests.trading_factories import active_pool, announced

    phase = active_pool()
    owner = make_user("owner")
    # Past the office page's ten notices (its "更多" link) already: only the rows differ.
    for i in range(8):
        announced(phase, owner, name=f"甬江街道某村道路硬化工程{i}")
    few = {path: lookups(path, "zh") for path in PROJECT_PAGES}
    for i in range(8, 14):
        announced(phase, owner, name=f"甬江街道某村道路硬化工程{i}")
    many = {path: lookups(path, "zh") for path in PROJECT_PAGES}
    grown = {path: (few[path], many[path]) for path in PROJECT_PAGES if many[path] != few[path]}
    assert not grown, f"translation lookups (8 projects, 14) that grow with the rows: {grown}"
