"""The staff and reviewer pool pages: procedure A walked through them with the clock moved over the
real 2026 holidays (Mid-Autumn and National Day fall in the call's publicity), refused steps,
roles and CSRF."""

from __future__ import annotations

import re
from html import unescape

import pytest

from app.extensions import db
from contractors import queries, services
from contractors.models import ApplicationEntry, PoolCall
from lottery.models import Draw
from tests.factories import signed_in, simultaneously, use_cheap_password_hashes
from tests.pool_factories import Phase, company, counts, register, user_of

CALL = {
    "title": "2027年度小型建设工程预选承包商名录库征集",
    "quota_JZ": "3",
    "quota_SZ": "3",
    "quota_YL": "0",
    "requirements": "具有相应资质和有效的安全生产许可证。",
    "valid_from": "2026-11-01",
    "valid_until": "2028-10-31",
    "publicity_days": "",
    "meeting_place": "区公共资源交易中心一楼开标室",
}
PLACE = "区公共资源交易中心一楼开标室"


@pytest.fixture(autouse=True)
def _cheap_password_hashes(monkeypatch):
    use_cheap_password_hashes(monkeypatch)  # many logins here


def text_of(html: str) -> str:
    return re.sub(r"\s+", " ", unescape(re.sub(r"<[^>]+>", " ", html)))


def followed(browser, response, status: int = 302) -> str:
    """The text of the page a POST redirected to (flashes included)."""
    assert response.status_code == status, text_of(response.get_data(as_text=True))[:600]
    return text_of(browser.html(response.headers["Location"]))


def next_step(browser, call_id: int) -> str:
    html = browser.html(f"/staff/pool/calls/{call_id}")
    match = re.search(r'<p class="callout next-step[^"]*">(.*?)</p>', html, re.S)
    assert match, "no next step shown"
    return re.sub(r"：\s+", "：", text_of(match.group(1))).strip()


def fresh(model, id_):
    db.session.expire_all()
    return db.session.get(model, id_)


def entry_of(call_id: int, uscc: str, category: str) -> ApplicationEntry:
    db.session.expire_all()
    return next(
        e
        for e in queries.entries_of(call_id)
        if e.application.contractor.uscc == uscc and e.call_category.category.code == category
    )


def hidden(html: str, name: str) -> list[str]:
    return [
        unescape(v)
        for v in re.findall(rf'<input[^>]*name="{re.escape(name)}"[^>]*value="([^"]*)"', html)
    ]


# ---- the whole phase ----------------------------------------------------------------------------


def test_the_whole_pool_phase_runs_through_the_staff_and_reviewer_pages(app, now):
    staff = signed_in(app, "staff")
    reviewer = signed_in(app, "reviewer")

    # Draft (Friday 2026-09-18).
    now(2026, 9, 18, 10, 0)
    r = staff.submit("/staff/pool/calls/new", CALL)
    assert r.status_code == 302
    call_id = int(r.headers["Location"].rsplit("/", 1)[1])
    page = followed(staff, r)
    assert "征集草稿已保存" in page
    assert "尚无部门提出会商意见" in page
    assert next_step(staff, call_id) == "下一步：部门会商 可以进行 最早可进行日期：2026-09-18"

    # Publishing before the departments were consulted is refused with the service's reason.
    before = counts()
    page = followed(staff, staff.post(f"/staff/pool/calls/{call_id}/publish"))
    assert "征集文件尚未经部门会商" in page
    assert counts() == before

    # 会商: the reviewer sees the draft read-only and agrees.
    html = reviewer.html(f"/staff/pool/calls/{call_id}/consult")
    assert "具有相应资质和有效的安全生产许可证" in html and "建筑工程" in html
    r = reviewer.submit(f"/staff/pool/calls/{call_id}/consult", {"opinion": "同意。"})
    assert r.status_code == 400 and "请选择是否同意" in r.get_data(as_text=True)
    r = reviewer.submit(
        f"/staff/pool/calls/{call_id}/consult",
        {"opinion": "同意，类别与数量合理。", "agrees": "yes"},
    )
    assert "会商意见已记录" in followed(reviewer, r)
    assert "当前版本已经部门会商同意，可以发布" in staff.html(f"/staff/pool/calls/{call_id}")

    # Publish on Monday 2026-09-21: ten working days skip Mid-Autumn and National Day (and count
    # the make-up Saturday 10-10), so applications close at the end of 2026-10-12.
    now(2026, 9, 21, 10, 0)
    page = followed(staff, staff.post(f"/staff/pool/calls/{call_id}/publish"))
    assert "征集公告已发布" in page
    assert "2026-10-12 24:00" in page
    assert next_step(staff, call_id).startswith("下一步：资格审查（已审0/0） 等待中")
    assert "最早可进行日期：2026-10-13" in next_step(staff, call_id)

    # Applications (the contractor pages belong to the public side; here through the services).
    now(2026, 9, 22, 9, 0)
    for n in range(5):
        c = register(n)
        services.apply(call_id, ["JZ", "SZ"] if n < 2 else ["JZ"], actor=user_of(c))
    assert "申请期尚未结束" in reviewer.html(f"/staff/pool/calls/{call_id}/review")

    # Too early: the review result cannot be published while the call's publicity runs.
    before = counts()
    page = followed(staff, staff.post(f"/staff/pool/calls/{call_id}/review-results"))
    assert "征集公告公示期至2026-10-12结束，之后才能发布资格审查结果（最早2026-10-13）" in page
    assert counts() == before

    # Review (Tuesday 10-13): a fail without a reason is refused on the form, nothing changed.
    now(2026, 10, 13, 9, 0)
    failing = entry_of(call_id, company(4), "JZ")
    before = counts()
    r = reviewer.post(
        f"/staff/pool/entries/{failing.id}/decision",
        {"call_id": call_id, f"e{failing.id}-decision": "fail"},
    )
    assert r.status_code == 400
    assert "不合格必须从理由列表中选择理由" in text_of(r.get_data(as_text=True))
    assert counts() == before and entry_of(call_id, company(4), "JZ").decision is None

    for e in queries.entries_of(call_id):
        data = {"call_id": call_id, f"e{e.id}-decision": "pass"}
        if e.id == failing.id:
            data |= {
                f"e{e.id}-decision": "fail",
                f"e{e.id}-reason_code": "grade_insufficient",
                f"e{e.id}-reason_text": "资质等级为三级，要求二级",
            }
        assert "审查结论已记录" in followed(
            reviewer, reviewer.post(f"/staff/pool/entries/{e.id}/decision", data)
        )
    html = text_of(reviewer.html(f"/staff/pool/calls/{call_id}/review"))
    assert "已审查 7/7" in html and "资质等级为三级，要求二级" in html

    # The review result needs the meeting first: blocked, and refused with the reason.
    assert "须先确定摇号会议的时间和地点" in next_step(staff, call_id)
    page = followed(staff, staff.post(f"/staff/pool/calls/{call_id}/review-results"))
    assert "请先确定摇号会议的时间和地点" in page
    r = staff.post(f"/staff/pool/calls/{call_id}/meeting", {"meeting_place": PLACE})
    assert r.status_code == 400 and "请填写会议时间" in r.get_data(as_text=True)
    r = staff.post(
        f"/staff/pool/calls/{call_id}/meeting",
        {"meeting_at": "2026-10-19T09:30", "meeting_place": PLACE},
    )
    assert "摇号会议时间地点已确定" in followed(staff, r)
    page = followed(staff, staff.post(f"/staff/pool/calls/{call_id}/review-results"))
    assert "资格审查结果公示已发布" in page and "2026-10-16 24:00" in page
    # Three working days end Friday 10-16; the meeting is set for Monday 10-19.
    assert next_step(staff, call_id).startswith("下一步：摇号会议（各类别摇号或全部入围） 等待中")
    assert "最早可进行日期：2026-10-19" in next_step(staff, call_id)

    # An objection (Wednesday) blocks the meeting until answered.
    now(2026, 10, 14, 15, 0)
    objection = services.file_objection(
        failing.id, "本企业资质满足要求，请复核。", actor=user_of(failing.application.contractor)
    )
    assert "尚有1件异议未答复" in next_step(staff, call_id)

    # Too early for the draw (Thursday): the service's message, nothing changed.
    now(2026, 10, 15, 10, 0)
    before = counts()
    r = staff.post(f"/staff/pool/calls/{call_id}/categories/JZ/settle/confirm", {})
    page = followed(staff, r)
    assert "资格审查结果公示期至2026-10-16结束，之后才能摇号（最早2026-10-17）" in page
    assert counts() == before

    # The objection answered (not upheld).
    r = staff.post(
        f"/staff/pool/objections/{objection.id}/answer",
        {"call_id": call_id, f"o{objection.id}-answer": ""},
    )
    assert r.status_code == 400 and "请填写答复内容" in r.get_data(as_text=True)
    r = staff.post(
        f"/staff/pool/objections/{objection.id}/answer",
        {
            "call_id": call_id,
            f"o{objection.id}-answer": "经复核，资质等级不符合要求，原结论正确。",
            f"o{objection.id}-upheld": "no",
        },
    )
    assert "异议已答复" in followed(staff, r)

    # The meeting (Monday 10-19 09:30): 4 qualified for 3 places in 建筑工程 → a draw with the
    # entropy typed, shown back exactly, then confirmed; 市政 has 2 for 3 → all enter.
    now(2026, 10, 19, 9, 30)
    assert next_step(staff, call_id).startswith("下一步：摇号会议（各类别摇号或全部入围） 可以进行")
    r = staff.post(
        f"/staff/pool/calls/{call_id}/categories/JZ/settle", {"cJZ-entries": "37\n 8812 \n\n"}
    )
    assert r.status_code == 200
    review = r.get_data(as_text=True)
    assert "第二步：核对后确认摇号" in review
    assert "<code>“37”</code>" in review and "<code>“8812”</code>" in review
    assert hidden(review, "entropy") == ["37", "8812"] * 2  # confirm and back-to-edit forms
    draw_id = f"{fresh(PoolCall, call_id).code}-JZ"
    assert db.session.scalar(db.select(Draw).where(Draw.draw_id == draw_id)).status == "committed"

    # Back to edit keeps the entries as they were.
    r = staff.post(
        f"/staff/pool/calls/{call_id}/categories/JZ/settle",
        [("edit", "1"), ("entropy", "37"), ("entropy", "8812")],
    )
    assert r.status_code == 200 and "37\n8812</textarea>" in r.get_data(as_text=True)

    r = staff.post(
        f"/staff/pool/calls/{call_id}/categories/JZ/settle/confirm",
        [
            ("entropy", "37"),
            ("entropy", "8812"),
            ("candidates_digest", hidden(review, "candidates_digest")[0]),
        ],
    )
    page = followed(staff, r)
    assert "“建筑工程”摇号完成，结果已公布" in page
    d = db.session.scalar(db.select(Draw).where(Draw.draw_id == draw_id))
    db.session.refresh(d)
    assert d.status == "drawn" and d.public_entropy == ["37", "8812"]
    timeline = staff.html(f"/staff/pool/calls/{call_id}")
    assert f'href="/draws/{draw_id}/screen"' in timeline and f'href="/draws/{draw_id}"' in timeline

    digest = hidden(timeline, "candidates_digest")[0]
    r = staff.post(
        f"/staff/pool/calls/{call_id}/categories/SZ/settle/confirm", {"candidates_digest": digest}
    )
    assert "“市政公用工程”合格申请人未超过入围数量，全部入围" in followed(staff, r)
    assert next_step(staff, call_id).startswith(
        "下一步：发布入围企业名录公示（不少于5个工作日） 可以进行"
    )

    # Roster publicity (Monday 10-19): five working days, 10-20 to 10-26.
    now(2026, 10, 19, 11, 0)
    page = followed(staff, staff.post(f"/staff/pool/calls/{call_id}/roster-publicity"))
    assert "入围企业名录公示已发布" in page
    assert "最早可进行日期：2026-10-27" in next_step(staff, call_id)

    now(2026, 10, 23, 10, 0)
    before = counts()
    page = followed(staff, staff.post(f"/staff/pool/calls/{call_id}/roster"))
    assert "入围企业名录公示期至2026-10-26结束，之后才能发布入围企业名单（最早2026-10-27）" in page
    assert counts() == before

    now(2026, 10, 27, 9, 0)
    page = followed(staff, staff.post(f"/staff/pool/calls/{call_id}/roster"))
    assert "入围企业名单已发布，名录库生效" in page
    assert "名录库有效期2026-11-01至2028-10-31" in page
    members = queries.active_members(None, on=fresh(PoolCall, call_id).valid_from)
    assert [m.category for m in members].count("JZ") == 3
    assert [m.category for m in members].count("SZ") == 2
    assert "名录库有效" in text_of(staff.html("/staff/pool/"))


# ---- the call form ------------------------------------------------------------------------------


def test_a_call_without_any_category_is_refused_on_the_form(app, now):
    now(2026, 9, 18, 10, 0)
    staff = signed_in(app, "staff")
    before = counts()
    r = staff.submit("/staff/pool/calls/new", {**CALL, "quota_JZ": "0", "quota_SZ": ""})
    assert r.status_code == 400
    assert "请至少选择一个类别" in r.get_data(as_text=True)
    assert counts() == before


def test_editing_a_draft_shows_its_quotas_and_asks_for_a_new_consultation(app, now):
    now(2026, 9, 18, 10, 0)
    phase = Phase()
    call = phase.draft_and_consult()
    staff = signed_in(app, "staff")
    html = staff.html(f"/staff/pool/calls/{call.id}/edit")
    assert re.search(r'name="quota_JZ"[^>]*value="3"', html)
    r = staff.submit(f"/staff/pool/calls/{call.id}/edit", {**CALL, "quota_JZ": "5"})
    assert "须重新会商" in followed(staff, r)
    assert fresh(PoolCall, call.id).revision == 2
    page = followed(staff, staff.post(f"/staff/pool/calls/{call.id}/publish"))
    assert "征集文件尚未经部门会商" in page
    assert "旧版本" in page


def test_an_upheld_objection_against_a_pass_needs_the_new_fail_reason(app, now):
    phase = Phase()
    phase.draft_and_consult()
    phase.publish_call()
    phase.applicants()
    phase.review()
    phase.publish_review()
    now(2026, 10, 14, 10, 0)
    passed = entry_of(phase.call.id, company(0), "JZ")
    o = services.file_objection(
        passed.id, "该企业安全生产许可证已过期。", actor=user_of(phase.contractors[3])
    )
    staff = signed_in(app, "staff")
    data = {
        "call_id": phase.call.id,
        f"o{o.id}-answer": "经复核，异议成立。",
        f"o{o.id}-upheld": "yes",
    }
    before = counts()
    r = staff.post(f"/staff/pool/objections/{o.id}/answer", data)
    assert r.status_code == 400
    assert "不合格必须从理由列表中选择理由" in text_of(r.get_data(as_text=True))
    assert counts() == before
    r = staff.post(
        f"/staff/pool/objections/{o.id}/answer", data | {f"o{o.id}-reason_code": "safety_licence"}
    )
    page = followed(staff, r)
    assert "异议已答复" in page and "查看更正公告" in page
    assert entry_of(phase.call.id, company(0), "JZ").decision == "fail"


# ---- roles and CSRF -----------------------------------------------------------------------------


@pytest.fixture
def drafted(app, now):
    now(2026, 9, 18, 10, 0)
    phase = Phase()
    phase.draft_and_consult()
    return phase


@pytest.mark.parametrize("role", ["contractor", "owner"])
def test_contractors_and_owners_are_refused_every_staff_page(app, drafted, role):
    browser = signed_in(app, role)
    cid = drafted.call.id
    for path in (
        "/staff/pool/",
        "/staff/pool/calls/new",
        f"/staff/pool/calls/{cid}",
        f"/staff/pool/calls/{cid}/edit",
        f"/staff/pool/calls/{cid}/review",
        f"/staff/pool/calls/{cid}/consult",
        f"/staff/pool/calls/{cid}/objections",
    ):
        assert browser.get(path).status_code == 403, path
    assert browser.post(f"/staff/pool/calls/{cid}/publish").status_code == 403


def test_only_reviewers_consult_and_reviewers_sit_on_the_review_panel(app, drafted):
    cid = drafted.call.id
    staff, reviewer, admin = (signed_in(app, r) for r in ("staff", "reviewer", "admin"))
    assert staff.get(f"/staff/pool/calls/{cid}/consult").status_code == 403
    assert admin.get(f"/staff/pool/calls/{cid}/consult").status_code == 403
    assert reviewer.get(f"/staff/pool/calls/{cid}/consult").status_code == 200
    assert reviewer.get(f"/staff/pool/calls/{cid}/review").status_code == 200
    assert reviewer.get(f"/staff/pool/calls/{cid}").status_code == 403
    assert reviewer.post(f"/staff/pool/calls/{cid}/publish").status_code == 403
    # Reviewers find the calls in the list, with links to what they do, not to the timeline.
    html = reviewer.html("/staff/pool/")
    assert f'href="/staff/pool/calls/{cid}/consult"' in html
    assert f'href="/staff/pool/calls/{cid}"' not in html


def test_a_post_without_the_csrf_token_is_refused_and_changes_nothing(app, drafted):
    staff = signed_in(app, "staff")
    reviewer = signed_in(app, "reviewer")
    cid = drafted.call.id
    before = counts()
    assert staff.post(f"/staff/pool/calls/{cid}/publish", token=False).status_code == 400
    r = reviewer.post(
        f"/staff/pool/calls/{cid}/consult", {"opinion": "同意", "agrees": "yes"}, token=False
    )
    assert r.status_code == 400
    r = staff.post(
        f"/staff/pool/calls/{cid}/meeting",
        {"meeting_at": "2026-10-19T09:30", "meeting_place": PLACE},
        token=False,
    )
    assert r.status_code == 400
    assert counts() == before
    assert fresh(PoolCall, cid).call_notice_id is None


def test_the_pages_read_in_english(app, drafted):
    staff = signed_in(app, "staff")
    staff.client.set_cookie("lang", "en")
    page = text_of(staff.html(f"/staff/pool/calls/{drafted.call.id}"))
    assert "Consult the departments" in page and "Publish the call" in page


def test_an_unknown_call_is_404(app):
    staff = signed_in(app, "staff")
    assert staff.get("/staff/pool/calls/987654").status_code == 404
    assert staff.post("/staff/pool/entries/987654/decision", {"call_id": 987654}).status_code == 404


def test_a_forged_confirmation_of_the_pool_meeting_is_refused_and_draws_nothing(app, now):
    """The probe of issue 10 at the pool's meeting: 11/22/33 shown, chosen-by-staff-7 posted."""
    p = Phase()
    p.draft_and_consult()
    p.publish_call()
    p.applicants()
    p.review()
    p.publish_review()
    now(2026, 10, 19, 9, 30)
    staff = signed_in(app, "staff")
    settle = f"/staff/pool/calls/{p.call.id}/categories/JZ/settle"
    review = staff.post(settle, {"cJZ-entries": "11\n22\n33"})
    assert review.status_code == 200
    digest = hidden(review.get_data(as_text=True), "candidates_digest")[0]
    draw_id = f"{p.call.code}-JZ"
    before = counts()
    r = staff.post(
        settle + "/confirm", [("entropy", "chosen-by-staff-7"), ("candidates_digest", digest)]
    )
    page = followed(staff, r)
    assert "确认的公开随机数与现场大屏上显示的不一致（大屏显示：“11”、“22”、“33”）" in page
    assert counts() == before
    d = db.session.scalar(db.select(Draw).where(Draw.draw_id == draw_id))
    db.session.refresh(d)
    assert d.status == "committed" and d.pending_entropy == ["11", "22", "33"]

    r = staff.post(
        settle + "/confirm",
        [*(("entropy", v) for v in ["11", "22", "33"]), ("candidates_digest", digest)],
    )
    assert "摇号完成" in followed(staff, r)
    db.session.refresh(d)
    assert d.status == "drawn" and d.public_entropy == ["11", "22", "33"]


def test_a_draft_edited_twenty_times_at_once_counts_twenty_revisions(app, now, database_url):
    # The page loaded the call before the service locked it, and the lock did not refresh that
    # copy: twenty edits at once all raised revision 1 to 2, so a consultation recorded for
    # revision 2 covered texts the departments never saw.
    if not database_url.startswith("postgresql"):
        pytest.skip("concurrent writers need PostgreSQL; SQLite has one writer")
    now(2026, 9, 18, 10, 0)
    call = Phase().draft_and_consult()
    staff = signed_in(app, "staff")
    page = f"/staff/pool/calls/{call.id}/edit"
    statuses = simultaneously(app, staff, lambda tab: tab.submit(page, CALL), 20)
    assert statuses == [302] * 20
    assert fresh(PoolCall, call.id).revision == 21
