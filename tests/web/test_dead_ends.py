"""Issue 13, item 10 ("Dead ends and rough edges"), first half: pages that led nowhere or read
badly — the console of a draw run at the award meeting, the names in a project's 办理记录, line
breaks in free text, the announce form's order and earliest meeting date, the notice editor's
table help, the draw page's verification column."""

from __future__ import annotations

import pytest

from app.extensions import db
from lottery.models import Draw
from tests.factories import make_user, signed_in, use_cheap_password_hashes


@pytest.fixture(autouse=True)
def _cheap_password_hashes(monkeypatch):
    use_cheap_password_hashes(monkeypatch)


def _draw_row(draw_id: str) -> tuple:
    db.session.rollback()
    d = db.session.scalar(db.select(Draw).where(Draw.draw_id == draw_id))
    return tuple(getattr(d, c.key) for c in Draw.__table__.columns)


# ---- (a) the console of a draw run at the award meeting ----------------------------------------


@pytest.fixture
def trading_draw(app):
    from tests.trading_factories import active_pool, announced

    # A trading's award draw, committed with its notice: candidates are frozen at the meeting.
    _project, t = announced(active_pool(), make_user("owner"))
    return db.session.scalar(db.select(Draw).where(Draw.draw_id == t.award_draw_id))


def test_the_console_of_an_award_meeting_draw_links_to_the_meeting_and_offers_nothing(
    app, trading_draw
):
    staff = signed_in(app)
    page = staff.html(f"/staff/draws/{trading_draw.draw_id}/console")
    assert f'href="/staff/projects/{trading_draw.subject_code}/meeting"' in page
    assert "项目的定标会议页面" in page
    # Not the dead end it was: no "list not final", no entries form, no abandonment.
    assert "候选名单尚未确定" not in page
    assert 'name="entries"' not in page and "作废抽签" not in page
    staff.client.set_cookie("lang", "en")
    english = staff.html(f"/staff/draws/{trading_draw.draw_id}/console")
    assert "the project&#39;s award meeting page" in english


def test_entries_posted_to_an_award_meeting_draw_are_refused_by_the_service(app, trading_draw):
    staff = signed_in(app)
    before = _draw_row(trading_draw.draw_id)
    response = staff.post(f"/staff/draws/{trading_draw.draw_id}/console", {"entries": "37"})
    assert response.status_code == 400
    assert "此抽签须在项目的定标会议页面进行" in response.get_data(as_text=True)
    abandon = staff.post(
        f"/staff/draws/{trading_draw.draw_id}/abandon", {"reason": "会议取消", "confirm": "y"}
    )
    assert abandon.status_code == 302
    assert _draw_row(trading_draw.draw_id) == before  # nothing shown, nothing abandoned


# ---- (b) the names in a project's 办理记录 --------------------------------------------------------


def _section(html: str, anchor: str) -> str:
    start = html.index(f'id="{anchor}"')
    return html[start : html.index("</section>", start)]


def test_the_history_names_people_and_companies_not_usernames_and_roles(app):
    from app import audit
    from app.audit import Action
    from contractors.models import Contractor
    from tests.pool_factories import user_of
    from tests.trading_factories import active_pool, drawn

    phase = active_pool()
    owner = make_user("owner", display_name="李业主")
    project, t = drawn(phase, owner)
    # A step the system took (a job): no account.
    audit.record(Action.TRADING_POSTED, "trading", t.code, actor=None, office_id=project.office_id)
    db.session.commit()
    history = _section(signed_in(app).html(f"/staff/projects/{project.code}"), "history")
    winner = db.session.scalar(db.select(Contractor).where(Contractor.uscc == t.winner_uscc))
    assert winner.name in history and user_of(winner).display_name in history
    assert "李业主" in history and phase.staff.display_name in history
    assert '<td data-label="操作人">系统</td>' in history
    assert "(staff)" not in history and "(contractor)" not in history and "(owner)" not in history
    assert "system" not in history


# ---- (c) free text keeps its line breaks -------------------------------------------------------

REASONS = "一、缺少工程量清单\n二、控制价与概算不符"


def test_a_send_back_reason_keeps_its_line_breaks_for_the_owner_and_staff(app):
    from pathlib import Path

    from app import clock
    from contracts import services
    from tests.pool_factories import at
    from tests.trading_factories import active_pool, project_input

    phase = active_pool()
    owner = signed_in(app, "owner")
    clock.set_now(at(2026, 11, 26, 9, 0))
    p = services.submit_project(project_input(), actor=owner.user)
    services.send_back(p.code, REASONS, reviewed=services.fingerprint(p), actor=phase.staff)
    kept = f'class="keep-lines">{REASONS}<'
    assert kept in owner.html(f"/owner/projects/{p.code}")
    assert kept in owner.html(f"/owner/projects/{p.code}/edit")
    assert kept in _section(signed_in(app).html(f"/staff/projects/{p.code}"), "history")
    css = Path(app.static_folder, "css", "site.css").read_text()
    assert ".keep-lines { white-space: pre-line; }" in css


# ---- (d) the announce form: publicity first, the earliest meeting date shown --------------------


def test_the_announce_form_asks_for_the_publicity_first_and_shows_the_earliest_meeting(app):
    from app import clock
    from contracts import services
    from tests.pool_factories import at
    from tests.trading_factories import active_pool, project_input

    phase = active_pool()
    owner = make_user("owner")
    clock.set_now(at(2026, 11, 26, 9, 0))
    p = services.submit_project(project_input(), actor=owner)
    services.file_project(p.code, reviewed=services.fingerprint(p), actor=phase.staff)
    clock.set_now(at(2026, 11, 27, 10, 0))  # a Friday: 3 working days are 11-30 to 12-02
    staff = signed_in(app)
    page = staff.html(f"/staff/projects/{p.code}/announce")
    assert page.index('name="publicity_days"') < page.index('name="meeting_at"')
    assert "定标会议最早可定于2026-12-03" in page and "公示期至2026-12-02 24:00" in page
    # The hint and the check are one rule: the day before is refused, that day accepted.
    assert services.earliest_meeting(3) == at(2026, 12, 3, 0, 0)
    form = {
        "publicity_days": "3",
        "meeting_place": "区公共资源交易中心二楼",
        "rates": "3.00, 3.50",
    }
    early = staff.post(
        f"/staff/projects/{p.code}/announce", {**form, "meeting_at": "2026-12-02T09:30"}
    )
    assert early.status_code == 400 and "定标会议须在交易公告公示期结束后召开" in early.get_data(
        as_text=True
    )
    ok = staff.post(
        f"/staff/projects/{p.code}/announce", {**form, "meeting_at": "2026-12-03T09:30"}
    )
    assert ok.status_code == 200 and 'name="reviewed"' in ok.get_data(as_text=True)
    # A longer publicity moves the hint (the form shown again keeps the days typed).
    longer = staff.post(
        f"/staff/projects/{p.code}/announce",
        {**form, "publicity_days": "5", "meeting_at": "2026-12-03T09:30"},
    )
    assert longer.status_code == 400
    assert services.earliest_meeting(5) == at(2026, 12, 5, 0, 0)  # after Friday 12-04 ends
    assert "公示5个工作日的，公示期至2026-12-04 24:00，定标会议最早可定于2026-12-05" in (
        longer.get_data(as_text=True)
    )


# ---- (e) the notice editor's table help ----------------------------------------------------------


def test_the_notice_editor_shows_a_table_example_that_renders_as_a_table(app):
    from html import unescape

    from notices import markup

    page = signed_in(app).html("/staff/notices/new")
    assert "| 分隔的表格" not in page
    help_ = page[page.index('class="format-help"') : page.index("</details>")]
    source = unescape(help_[help_.index("<pre><code>") + 11 : help_.index("</code></pre>")])
    assert source.splitlines()[1] == "|---|---|---|"
    # Typed as shown, the example is a table — and the help shows it rendered as one.
    assert "<table" in markup.render(source) and "<th>企业名称</th>" in markup.render(source)
    # (three columns: a card on a phone, each cell labelled with its column — issue 13)
    assert (
        "<th>企业名称</th>" in help_
        and '<td data-label="企业名称">宁波某建设有限公司</td>' in help_
    )


# ---- (f) the draw page's verification: its summary in the reader's language, 通过 unbroken --------


def _verification(html: str, heading: str = "本平台验证结果") -> str:
    start = html.index(f"<h2>{heading}</h2>")
    return html[start : html.index("</section>", start)]


def test_the_draw_page_verification_reads_in_the_page_language_and_keeps_its_verdicts_whole(app):
    from tests.factories import Browser
    from tests.integration.test_lottery_services import (
        CODES,
        COMPANIES,
        commit_award,
        draw_as_shown,
    )

    d = commit_award(make_user("staff"), candidates=CODES, candidate_labels=COMPANIES)
    draw_as_shown(d.draw_id, ["37"], actor=make_user("staff"))
    winner = _draw_row_obj(d.draw_id).result[0]
    browser = Browser(app)
    section = _verification(browser.html(f"/draws/{d.draw_id}"))
    assert f"验证通过：抽签 {d.draw_id}（" in section and COMPANIES[winner] in section
    assert "VERIFIED" not in section and "seed commitment" not in section
    assert '<td class="nowrap" data-label="结论">通过</td>' in section
    browser.client.set_cookie("lang", "en")
    english = _verification(browser.html(f"/draws/{d.draw_id}"), "This platform's verification")
    assert f"Verified: draw {d.draw_id} (" in english and "验证通过" not in english
    assert "seed commitment" in english and "种子承诺" not in english


def _draw_row_obj(draw_id: str) -> Draw:
    db.session.rollback()
    return db.session.scalar(db.select(Draw).where(Draw.draw_id == draw_id))
