"""The home page's lists (app.home.home_lists) are written once while what they show is
unchanged — a request compares what it reads and renders no template for them (issue 14) — and
show any change on the next request, however it was made: a notice published, a project or an
office renamed in SQL by hand, a publicity or a project's responses ending by the clock, the
clock set back."""

from __future__ import annotations

from contextlib import contextmanager

from flask import template_rendered
from sqlalchemy import update

from app import clock
from app.extensions import db
from app.offices.models import Office
from contracts.models import Project
from tests.factories import DEFAULT_DISTRICT, Browser, make_notice, make_user
from tests.pool_factories import at
from tests.trading_factories import active_pool, announced


@contextmanager
def lists_written(app):
    """The languages of the home lists written while it is open."""
    written = []

    def record(_sender, template, context, **_extra):
        if template.name == "public/_home_lists.html":
            written.append(context["current_locale"])

    template_rendered.connect(record, app)
    try:
        yield written
    finally:
        template_rendered.disconnect(record, app)


def home(app, lang: str = "zh") -> str:
    browser = Browser(app)
    browser.client.set_cookie("lang", lang)
    return browser.html("/")


def anew(app, lang: str) -> str:
    """The page as a process that kept nothing writes it (what the app keeps is left as it was)."""
    kept = app.extensions.pop("smallworks.home_lists", None)
    try:
        return home(app, lang)
    finally:
        if kept is not None:
            app.extensions["smallworks.home_lists"] = kept


def test_an_unchanged_home_page_writes_its_lists_once_for_each_language(app, now):
    now(2026, 11, 25, 10, 0)
    make_notice(make_user("staff"), title="甬江街道<某村>道路硬化工程交易公告")
    with lists_written(app) as written:
        pages = [home(app, lang) for lang in ("zh", "zh", "en", "en", "zh")]
    assert [str(locale)[:2] for locale in written] == ["zh", "en"]
    assert pages[0] == pages[1] == pages[4] != pages[2] == pages[3]
    assert "甬江街道&lt;某村&gt;道路硬化工程交易公告" in pages[0]


def test_the_home_page_shows_every_change_on_its_next_request(app):
    staff = make_user("staff")
    # The project's responses close and its notice's publicity ends on 12-03 00:00.
    project, _trading = announced(active_pool(), make_user("owner"))
    clock.set_now(at(2026, 11, 30, 10, 0))  # a notice whose publicity ends on 12-04 00:00
    shown = {}

    def page(step: str) -> str:
        for lang in ("en", "zh"):
            kept = home(app, lang)
            assert kept == anew(app, lang), (step, lang)
        shown[step] = kept
        return shown[step]

    name = f">{project.name}</a>"
    assert name in page("announced")
    make_notice(staff, title="新的交易公告 <甲&乙>")
    assert "新的交易公告 &lt;甲&amp;乙&gt;" in page("published")

    db.session.execute(update(Project).where(Project.id == project.id).values(name="改名"))
    db.session.commit()
    assert name not in page("renamed") and ">改名</a>" in shown["renamed"]

    district = db.session.scalar(db.select(Office).where(Office.code == DEFAULT_DISTRICT[0]))
    db.session.execute(
        update(Office).where(Office.id == district.id).values(name_en="Renamed & <Co>")
    )
    db.session.commit()
    page("office renamed")
    assert "Renamed &amp; &lt;Co&gt;" in home(app, "en")

    # Each end changes the page by the clock alone, and setting it back shows it as it was.
    states = []
    for moment in (at(2026, 12, 3, 9, 0), at(2026, 12, 4, 9, 0), at(2026, 11, 30, 10, 0)):
        clock.set_now(moment)
        states.append(page(f"at {moment}"))
    assert len({shown["office renamed"], *states[:2]}) == 3
    assert states[2] == shown["office renamed"]
