"""The notice list's lines (notices.lines.kept_list) are written once while what they show is
unchanged — a request reads its rows and compares them, and writes no line (issue 14) — and
show any change on the next request, however it was made: a notice published or corrected, a
title or an office renamed in SQL by hand, a publicity ending by the clock, the clock set back,
another language or address. Each part of what the lines are kept by is changed alone here, so
dropping any of them from the key fails a test."""

from __future__ import annotations

from contextlib import contextmanager
from datetime import timedelta

import pytest
from flask import render_template_string
from sqlalchemy import update

from app import clock
from app.extensions import db
from app.offices.models import Office
from notices import lines, queries
from notices.models import Notice
from tests.factories import Browser, default_district, make_notice, make_office, make_user

KEPT = "smallworks.notice_lists"


@contextmanager
def lines_written(monkeypatch):
    """The number of lists written (not kept) while it is open."""
    written = []
    write = lines.notice_lines

    def counted(*args, **kwargs):
        written.append(args[0])
        return write(*args, **kwargs)

    monkeypatch.setattr(lines, "notice_lines", counted)
    yield written


def page(app, path: str = "/notices/", lang: str = "zh", base: str | None = None) -> str:
    browser = Browser(app)
    browser.client.set_cookie("lang", lang)
    if base is None:
        return browser.html(path)
    response = browser.client.get(path, base_url=base)
    assert response.status_code == 200
    return response.get_data(as_text=True)


def anew(app, *args, **kwargs) -> str:
    """The page as a process that kept nothing writes it (what the app keeps is left as is)."""
    kept = app.extensions.pop(KEPT, None)
    try:
        return page(app, *args, **kwargs)
    finally:
        if kept is not None:
            app.extensions[KEPT] = kept


def same_as_anew(app, *args, **kwargs) -> str:
    kept = page(app, *args, **kwargs)
    assert kept == anew(app, *args, **kwargs), args
    return kept


def the_list(html: str) -> str:
    start = html.index('<ul class="notice-list">')
    return html[start : html.index("</ul>", start)]


@pytest.fixture
def listed(app, now):
    now(2026, 11, 25, 10, 0)
    staff = make_user("staff")
    notice = make_notice(staff, title="甬江街道<某村>道路硬化工程交易公告")
    return staff, notice


def test_an_unchanged_list_writes_its_lines_once_for_each_language(app, listed, monkeypatch):
    with lines_written(monkeypatch) as written:
        pages = [page(app, lang=lang) for lang in ("zh", "zh", "en", "en", "zh")]
    assert len(written) == 2
    assert pages[0] == pages[1] == pages[4] != pages[2] == pages[3]
    assert "甬江街道&lt;某村&gt;道路硬化工程交易公告" in pages[0]


def test_each_page_and_filter_is_kept_by_its_own_rows(app, listed, monkeypatch):
    staff, _notice = listed
    for i in range(25):
        make_notice(staff, title=f"公告{i}")
    paths = ("/notices/", "/notices/?page=2", "/notices/?type=trading_notice", "/notices/?type=x")
    first = {p: same_as_anew(app, p) for p in paths}
    with lines_written(monkeypatch) as written:
        again = {p: page(app, p) for p in paths}
    assert again == first and written == []
    assert first["/notices/"] != first["/notices/?page=2"]
    # Every notice is a trading notice: the same rows, the same lines.
    assert the_list(first["/notices/?type=trading_notice"]) == the_list(first["/notices/?type=x"])


def test_a_notice_published_or_corrected_shows_at_once(app, listed):
    staff, notice = listed
    same_as_anew(app)
    make_notice(staff, title="新的交易公告 <甲&乙>")
    assert "新的交易公告 &lt;甲&amp;乙&gt;" in same_as_anew(app)
    before = same_as_anew(app)
    assert "badge-corrected" not in before
    make_notice(staff, type="correction", corrects_id=notice.id, title="更正")
    assert before.count("badge-corrected") + 1 == same_as_anew(app).count("badge-corrected")


def test_a_row_changed_in_sql_shows_on_the_next_request(app, listed):
    """A published notice's publicity may be lengthened (the database refuses any other change
    of what it says); its office is a column of its row too."""
    _staff, notice = listed
    end = notice.publicity_ends_at
    clock.set_now(end + timedelta(hours=1))
    assert "badge-ended" in same_as_anew(app)
    later = end + timedelta(days=2)
    db.session.execute(update(Notice).where(Notice.id == notice.id).values(publicity_ends_at=later))
    db.session.commit()
    assert "badge-running" in same_as_anew(app)
    street = make_office("kept-b", "乙街道")
    db.session.execute(update(Notice).where(Notice.id == notice.id).values(office_id=street.id))
    db.session.commit()
    assert ">乙街道</span>" in same_as_anew(app)


def test_an_office_renamed_in_sql_shows_on_the_next_request(app, listed):
    """The rows hold the office's id, not its name: the offices are part of the key."""
    same_as_anew(app, lang="en")
    district = default_district()
    db.session.execute(
        update(Office).where(Office.id == district.id).values(name_en="Renamed & <Co>")
    )
    db.session.commit()
    assert "Renamed &amp; &lt;Co&gt;" in same_as_anew(app, lang="en")


def test_the_language_is_part_of_the_key(app, listed):
    zh = same_as_anew(app, lang="zh")
    en = same_as_anew(app, lang="en")
    assert "交易公告</span>" in zh and "交易公告</span>" not in en


def test_the_address_is_part_of_the_key(app, listed):
    _staff, notice = listed
    here = same_as_anew(app)
    there = same_as_anew(app, base="http://example.org/sub/")
    assert f'href="/notices/{notice.id}"' in here
    assert f'href="/sub/notices/{notice.id}"' in there


def test_the_clock_ends_a_publicity_and_setting_it_back_shows_it_again(app, listed):
    _staff, notice = listed
    running = same_as_anew(app)
    assert "badge-running" in running
    end = notice.publicity_ends_at
    clock.set_now(end)  # `until`: the first moment it reads 已结束
    ended = same_as_anew(app)
    assert "badge-ended" in ended and "badge-running" not in ended
    clock.set_now(end - (end - notice.published_at) / 2)  # `since`: back before the end
    assert same_as_anew(app) == running


def test_an_empty_list_and_an_unknown_office(app, now):
    now(2026, 11, 25, 10, 0)
    assert '<li class="empty">' in same_as_anew(app)
    assert '<li class="empty">' in same_as_anew(app, "/notices/?office=nope")
    make_notice(make_user("staff"))
    assert '<li class="empty">' not in same_as_anew(app)


def test_the_kept_list_is_the_macros(app, listed):
    """What the view writes is what the macro `notice_list` wrote in the template, byte for byte,
    whitespace included."""
    staff, notice = listed
    make_notice(staff, type="correction", corrects_id=notice.id, title="更正")
    make_notice(staff, office_id=make_office("kept-a", "甲街道").id, title="街道 & 公告")
    macro = '{% from "_macros/notices.html" import notice_list %}{{ notice_list(items) }}'
    with app.test_request_context("/notices/"):
        for rows in (queries.published_line_rows((), 1, 20).items, ()):
            kept = lines.kept_list(
                rows, queries.line_rows, app.jinja_env.globals["notice_list_repeated"]
            )
            items = queries.line_rows(rows)
            assert str(kept) == render_template_string(macro, items=items)
