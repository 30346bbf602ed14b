"""Irreversible buttons ask for a tick before they act, without JavaScript (issue 13, item 9):
确认发布 and 删除草稿 on a notice's preview, 备案 on a project, 作废 on the draw console. Posted
without the box, each answers 400 with the page again and "请勾选确认" on the box (in English with
the English locale), and nothing is changed; with the box ticked, the action is done. The award
meeting's 确认定标 is the review page's button: posted without the reviewed candidates (not from
that page), nothing is drawn and staff are sent back to the meeting with a message."""

from __future__ import annotations

import re
from html import unescape

import pytest

from app.extensions import db
from contracts.models import Project
from notices.models import Notice
from tests.factories import make_notice, make_user, signed_in, use_cheap_password_hashes
from tests.integration.test_lottery_services import CODES, COMPANIES, commit_award
from tests.trading_factories import reviewed_on
from tests.web.test_lottery_pages import row
from tests.web.test_project_pages import enter


@pytest.fixture(autouse=True)
def _cheap(monkeypatch):
    use_cheap_password_hashes(monkeypatch)


@pytest.fixture
def frozen(now):
    return now(2026, 11, 26, 9, 0)


def text_of(html: str) -> str:
    return re.sub(r"\s+", " ", unescape(re.sub(r"<[^>]+>", " ", html)))


def notice_row(nid: int):
    db.session.rollback()
    n = db.session.get(Notice, nid)
    return None if n is None else (n.status, n.published_at, n.title)


def filing_of(code: str) -> tuple:
    db.session.rollback()
    p = db.session.scalar(db.select(Project).where(Project.code == code))
    return (p.filing, p.filed_at)


# ---- the notice's preview: 确认发布 and 删除草稿 -------------------------------------------------------


@pytest.mark.parametrize("button", ["publish", "delete"])
def test_a_notice_button_without_the_tick_is_refused_on_the_box_and_changes_nothing(
    app, frozen, button
):
    staff = signed_in(app)
    draft = make_notice(publish=False, title="待发布的办事指南")
    nid = draft.id
    before = notice_row(nid)
    page = f"/staff/notices/{nid}"

    response = staff.submit(f"{page}/{button}", form_page=page)

    assert response.status_code == 400
    html = response.get_data(as_text=True)
    assert "请勾选确认" in text_of(html)
    assert 'aria-invalid="true"' in html  # on the box, not a bare error page
    assert text_of(html).count("请勾选确认") == 2  # and at the top: the box is at the foot
    assert "预览：此公告尚未发布" in text_of(html)
    assert notice_row(nid) == before


def test_a_notice_is_published_once_the_box_is_ticked(app, frozen):
    staff = signed_in(app)
    nid = make_notice(publish=False, title="待发布的办事指南").id
    page = f"/staff/notices/{nid}"
    assert "我已核对预览，确认发布" in text_of(staff.html(page))

    response = staff.submit(f"{page}/publish", {"confirm": "y"}, form_page=page)

    assert response.status_code == 302
    assert notice_row(nid)[0] == "published"


def test_a_draft_is_deleted_once_the_box_is_ticked(app, frozen):
    staff = signed_in(app)
    nid = make_notice(publish=False, title="要删除的草稿").id
    page = f"/staff/notices/{nid}"

    response = staff.submit(f"{page}/delete", {"confirm": "y"}, form_page=page)

    assert response.status_code == 302
    assert notice_row(nid) is None


def test_the_refusal_is_in_english_with_the_english_locale(app, frozen):
    staff = signed_in(app)
    staff.client.set_cookie("lang", "en")
    nid = make_notice(publish=False, title="待发布的办事指南").id
    page = f"/staff/notices/{nid}"

    response = staff.submit(f"{page}/publish", form_page=page)

    assert response.status_code == 400
    text = text_of(response.get_data(as_text=True))
    assert "Tick the box to confirm" in text and "请勾选确认" not in text
    assert "cannot be changed or deleted" in text  # the box's own label
    assert notice_row(nid)[0] == "draft"


def test_without_a_csrf_token_the_buttons_stay_a_plain_400(app, frozen):
    staff = signed_in(app)
    nid = make_notice(publish=False, title="待发布的办事指南").id
    before = notice_row(nid)
    for button in ("publish", "delete"):
        response = staff.post(f"/staff/notices/{nid}/{button}", {"confirm": "y"}, token=False)
        assert response.status_code == 400
    assert notice_row(nid) == before


# ---- the project's filing: 备案 --------------------------------------------------------------------


def test_filing_without_the_tick_is_refused_on_the_box_and_files_nothing(app, frozen):
    owner, staff = signed_in(app, "owner"), signed_in(app, "staff")
    p = enter(owner)
    page = f"/staff/projects/{p.code}"
    before = filing_of(p.code)

    response = staff.submit(f"{page}/file", {"reviewed": reviewed_on(staff, page)}, form_page=page)

    assert response.status_code == 400
    html = response.get_data(as_text=True)
    assert text_of(html).count("请勾选确认") == 2 and 'aria-invalid="true"' in html
    assert filing_of(p.code) == before == ("submitted", None)

    response = staff.submit(
        f"{page}/file", {"reviewed": reviewed_on(staff, page), "confirm": "y"}, form_page=page
    )
    assert response.status_code == 302
    assert filing_of(p.code)[0] == "filed"


def test_filing_without_the_tick_is_refused_in_english(app, frozen):
    owner, staff = signed_in(app, "owner"), signed_in(app, "staff")
    staff.client.set_cookie("lang", "en")
    p = enter(owner)
    page = f"/staff/projects/{p.code}"

    response = staff.submit(f"{page}/file", {"reviewed": reviewed_on(staff, page)}, form_page=page)

    assert response.status_code == 400
    assert "Tick the box to confirm" in text_of(response.get_data(as_text=True))
    assert filing_of(p.code)[0] == "submitted"


# ---- the draw console: 作废 and the confirmation without the review -------------------------------


def test_abandoning_a_draw_without_the_tick_is_refused_in_english(app, frozen):
    d = commit_award(make_user("staff"), candidates=CODES, candidate_labels=COMPANIES)
    staff = signed_in(app)
    staff.client.set_cookie("lang", "en")
    before = row(d.draw_id)

    response = staff.post(f"/staff/draws/{d.draw_id}/abandon", {"reason": "会议取消"})

    assert response.status_code == 400
    assert "Tick the box to confirm" in text_of(response.get_data(as_text=True))
    assert row(d.draw_id) == before


def test_a_draw_confirmed_without_the_reviewed_candidates_draws_nothing_and_says_why(app, frozen):
    d = commit_award(make_user("staff"), candidates=CODES, candidate_labels=COMPANIES)
    staff = signed_in(app)
    before = row(d.draw_id)

    response = staff.post(f"/staff/draws/{d.draw_id}/draw", {"entropy": "37"})

    assert response.status_code == 302
    assert response.headers["Location"].endswith(f"/staff/draws/{d.draw_id}/console")
    assert row(d.draw_id) == before
    assert "未经核对页面确认，未摇号" in text_of(staff.html(f"/staff/draws/{d.draw_id}/console"))
