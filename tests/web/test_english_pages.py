"""The English site reads English: the main public pages and each role's main page, opened with the
English locale, carry no Chinese but the data people typed (a project's or a company's name, a
notice's title…). Categories and offices have English names (name_en) and show them; the kind, the
funding, the site's and the office's names, brackets and separators follow the language.

Found in issue 13: "市政公用工程（Construction）", the home heading in Chinese, a breadcrumb "Text"."""

from __future__ import annotations

import re
from datetime import date

import pytest
from sqlalchemy import inspect, select

from app.auth.models import User
from app.extensions import db
from app.offices.models import Office
from contractors.models import (
    ApplicationEntry,
    Consultation,
    Contractor,
    ContractorDocument,
    PoolCall,
    PoolCategory,
    Qualification,
)
from contractors.queries import active_members
from contracts.models import Project, Trading
from lottery.models import Draw
from notices.models import Notice
from tests.factories import (
    PASSWORD,
    Browser,
    default_district,
    make_office,
    make_user,
    use_cheap_password_hashes,
)
from tests.trading_factories import active_pool, announced, member_user

#: Chinese characters and full-width punctuation (、，：（）…).
CJK = re.compile(r"[\u3000-\u303f\u3400-\u9fff\uff00-\uffef]")
#: What the English site keeps in Chinese on purpose: the link back to the Chinese site.
KEPT = ("中文",)
#: Records whose text people typed (or that a notice prints as written): allowed in Chinese.
TYPED = (
    Project,
    Contractor,
    Qualification,
    ContractorDocument,
    PoolCall,
    Consultation,
    ApplicationEntry,
    Notice,
    Trading,
    User,
    Draw,
)


@pytest.fixture(autouse=True)
def _setup(app, monkeypatch):
    use_cheap_password_hashes(monkeypatch)


def _typed_texts() -> list[str]:
    """Every string the TYPED records hold, line by line, longest first (so that a name is taken
    out before a part of it)."""
    texts = set()
    for model in TYPED:
        columns = [c.key for c in inspect(model).column_attrs]
        for row in db.session.scalars(select(model)):
            for key in columns:
                value = getattr(row, key)
                if isinstance(value, str) and CJK.search(value):
                    # A Markdown text (a notice, a project's documents) by its lines' text.
                    lines = (re.sub(r"^[-#*>\s]+", "", line) for line in value.splitlines())
                    cells = (cell.strip() for line in lines for cell in line.split("|"))
                    texts.update(cell for cell in cells if CJK.search(cell))
    texts.discard("")
    return sorted(texts, key=len, reverse=True)


def _visible(html: str) -> str:
    """The page's text and its attributes people read (title, aria-label, data-label…)."""
    html = re.sub(r"<(script|style)\b.*?</\1>", " ", html, flags=re.S)
    # A notice's or a project's documents are Chinese texts as published (their Markdown body).
    html = re.sub(r'<div class="body">.*?</div>', " ", html, flags=re.S)
    # The draw's check as `python -m lottery.verify` prints it: bilingual on purpose.
    html = re.sub(r"<pre\b.*?</pre>", " ", html, flags=re.S)
    # The draw's checks as `python -m lottery.verify` names them: bilingual on purpose.
    html = re.sub(r"<tbody>(?:<tr><td>[^<]* / [^<]*</td>.*?</tr>)+</tbody>", " ", html, flags=re.S)
    html = re.sub(r'<td class="verifier-detail"[^>]*>.*?</td>', " ", html, flags=re.S)
    html = re.sub(r"验证通过 / VERIFIED[^<]*", " ", html)
    # What screen readers skip and the eye reads as a picture (the header's emblem 公).
    html = re.sub(r'<(\w+)[^>]*aria-hidden="true"[^>]*>[^<]*</\1>', " ", html)
    attributes = " ".join(
        re.findall(r'(?:title|aria-label|data-label|placeholder|alt)="([^"]*)"', html)
    )
    return re.sub(r"<[^>]+>", "\n", html) + "\n" + attributes


def _chinese_left(html: str, typed: list[str]) -> list[str]:
    text = _visible(html)
    for value in (*typed, *KEPT):
        text = text.replace(value, " ")
    return sorted({line.strip() for line in text.splitlines() if CJK.search(line)})


def _browser(app, user=None) -> Browser:
    browser = Browser(app)
    browser.get("/lang/en")
    if user is not None:
        assert browser.login(user.username, PASSWORD).status_code == 302
    return browser


def _world():
    """A district with an English name, a platform, a pool run to its roster (建筑工程, 市政公用工程),
    a project of the platform announced in 建筑工程 with state funds."""
    district = default_district()
    district.name_en = "Test District Public Resource Trading Office"
    # Not named as the project's town (typed data, allowed in Chinese): its name must not hide.
    platform = make_office("yongjiang", "甬江平台")
    platform.name_en = "Yongjiang Platform"
    phase = active_pool()
    owner = make_user("owner", office=platform)
    project, _trading = announced(phase, owner, funding="state")
    db.session.commit()
    return phase, owner, project


def test_the_main_pages_read_english_but_for_typed_data(app):
    phase, owner, project = _world()
    member = active_members("JZ", date(2026, 11, 27))[0]
    call = phase.call
    draw = db.session.scalars(select(Draw)).first()
    notice = db.session.scalars(select(Notice).where(Notice.title.contains("交易公告"))).first()
    pages = {
        None: [
            "/",
            "/projects/",
            f"/projects/{project.code}",
            "/pool/",
            "/pool/calls/",
            f"/pool/calls/{call.id}",
            f"/contractors/{member.uscc}",
            "/offices/",
            "/offices/district",
            "/offices/yongjiang",
            "/draws/",
            f"/draws/{draw.draw_id}",
            "/notices/",
            f"/notices/{notice.id}",
            "/notices/timeliness",
            "/stats/",
        ],
        owner: [f"/owner/projects/{project.code}"],
        phase.staff: ["/staff/projects/", "/staff/pool/"],
        member_user(member.contractor_id): ["/contractor/", "/contractor/projects/"],
        make_user("supervisor"): ["/supervision/"],
    }
    typed = _typed_texts()
    found = {}
    for user, paths in pages.items():
        browser = _browser(app, user)
        for path in paths:
            left = _chinese_left(browser.html(path), typed)
            if left:
                found[path] = left
    assert found == {}, "\n".join(f"{path}: {left}" for path, left in found.items())


def test_categories_offices_kind_and_funding_show_their_english_names(app):
    _phase, _owner, project = _world()
    page = _browser(app).html(f"/projects/{project.code}")
    assert "Building works (Construction)" in page
    assert "State funds" in page
    assert "Yongjiang Platform" in page
    assert "Small Construction Works Trading Platform" in page
    # The Chinese site keeps the Chinese names.
    chinese = Browser(app).html(f"/projects/{project.code}")
    assert "建筑工程（施工）" in chinese and "甬江平台" in chinese and "国有资金" in chinese
    roster = _browser(app).html("/pool/")
    assert "Municipal works (2)" in roster


def test_an_office_and_a_category_without_an_english_name_show_the_chinese_one(app):
    make_office("zh-jia", "甲街道")
    category = db.session.scalar(select(PoolCategory).where(PoolCategory.code == "SZ"))
    category.name_en = ""
    db.session.commit()
    assert db.session.scalar(select(Office.name_en).where(Office.code == "zh-jia")) == ""
    assert "甲街道" in _browser(app).html("/offices/")
    assert "市政公用工程" in _browser(app).html("/pool/")
