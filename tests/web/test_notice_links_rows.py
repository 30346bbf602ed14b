"""A notice's page reads its related links, its draw ids and its suspension banner as rows of
columns on every request (issue 14): an anonymous reader's trading links are those the objects
give a signed-in one, and a change made by SQL by hand shows on the next request."""

from __future__ import annotations

import re
from html import unescape

import pytest
from sqlalchemy import select, text

from app import clock
from app.extensions import db
from lottery.queries import existing_ids
from notices.models import Notice
from tests.factories import PASSWORD, Browser, make_user, use_cheap_password_hashes
from tests.pool_factories import at
from tests.trading_factories import active_pool, announced, drawn


@pytest.fixture(autouse=True)
def _cheap_password_hashes(monkeypatch):
    use_cheap_password_hashes(monkeypatch)


def _related(html: str) -> dict[str, str]:
    block = re.search(r'<nav class="related".*?</nav>', html, re.S)
    if block is None:
        return {}
    return {
        unescape(href): unescape(re.sub(r"<[^>]+>", "", label)).strip()
        for href, label in re.findall(r'<a href="([^"]+)">(.*?)</a>', block.group(), re.S)
    }


def _staff(app, phase) -> Browser:
    browser = Browser(app)
    assert browser.login(phase.staff.username, PASSWORD).status_code == 302
    return browser


def test_an_anonymous_readers_trading_links_are_the_signed_in_ones(app):
    phase = active_pool()
    project, t = drawn(phase, make_user("owner"))
    staff = _staff(app, phase)
    for notice_id in (t.notice_id, t.result_notice_id):
        page = f"/notices/{notice_id}"
        anonymous, signed_in = _related(Browser(app).html(page)), _related(staff.html(page))
        signed_in.pop(f"/projects/{project.code}/letter.pdf", None)  # the office's to read
        assert anonymous and anonymous == signed_in
    assert f"/projects/{project.code}/bulletin.pdf" in _related(
        Browser(app).html(f"/notices/{t.notice_id}")
    )
    assert f"/projects/{project.code}#round-1-result" in _related(
        Browser(app).html(f"/notices/{t.result_notice_id}")
    )


def test_a_trading_notices_links_and_banner_follow_sql_by_hand(app):
    phase = active_pool()
    _project, t = announced(phase, make_user("owner"))
    page, award = f"/notices/{t.notice_id}", t.award_draw_id
    browser = Browser(app)
    assert f"/draws/{t.award_draw_id}" in _related(browser.html(page))
    assert 'id="suspension"' not in browser.html(page)

    db.session.execute(
        text(
            "INSERT INTO trading_suspensions (trading_id, reason, suspended_at, suspend_notice_id,"
            " resume_reason) VALUES (:t, '因投诉暂停审查', :at, :n, '')"
        ),
        {"t": t.id, "at": at(2026, 11, 30, 9, 0).replace(tzinfo=None), "n": t.notice_id},
    )
    db.session.commit()
    html = browser.html(page)
    assert 'id="suspension"' in html and "因投诉暂停审查" in html
    db.session.execute(
        text("UPDATE trading_suspensions SET resumed_at = :at, resume_reason = '审查完毕'"),
        {"at": at(2026, 12, 1, 9, 0).replace(tzinfo=None)},
    )
    db.session.commit()
    assert 'id="suspension"' not in browser.html(page)

    db.session.execute(
        text("UPDATE tradings SET award_draw_id = award_draw_id || '-x' WHERE id = :t"),
        {"t": t.id},
    )
    db.session.commit()
    links = _related(browser.html(page))
    assert f"/draws/{award}-x" in links and f"/draws/{award}" not in links


def test_a_pool_calls_links_follow_its_categories_draws(app):
    phase = active_pool()
    call = phase.call
    review = db.session.scalar(select(Notice).where(Notice.type == "review_result"))
    page = f"/notices/{review.id}"
    draw = f"/draws/{call.code}-JZ"
    assert draw in _related(Browser(app).html(page))
    for subject in (call.code, str(call.id)):  # a reserve's entry names the call by its id
        db.session.execute(
            text("UPDATE notices SET subject_id = :s WHERE id = :n"), {"s": subject, "n": review.id}
        )
        db.session.commit()
        assert draw in _related(Browser(app).html(page))
    db.session.execute(text("UPDATE pool_call_categories SET draw_id = NULL"))
    db.session.commit()
    links = _related(Browser(app).html(page))
    assert draw not in links and f"/pool/calls/{call.id}" in links


def test_existing_ids_finds_the_draws_among_any_number_of_ids(app):
    phase = active_pool()
    _project, t = announced(phase, make_user("owner"))
    clock.set_now(at(2026, 11, 28, 9, 0))
    real = [t.award_draw_id, t.rate_draw_id]
    for n in range(0, 6):
        asked = real + [f"PRJ-2099-{i:04d}-award" for i in range(n)]
        assert existing_ids(asked) == set(real)
        assert existing_ids(asked[1:]) == {t.rate_draw_id}
    assert existing_ids([]) == set()
