"""Every create form is once-only (app.once): the same form posted twice — or twenty times at once
on PostgreSQL — creates one row and sends the later posts to it; a post whose token is absent,
forged or issued for another form is refused with 400 and a message, and writes nothing."""

from __future__ import annotations

import io
import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta

import pytest
from sqlalchemy import func, select

from app import clock
from app.calendar.services import build_arrangement, confirm_year
from app.extensions import db
from app.once import FormSubmission
from contractors.models import ContractorDocument, PoolCall
from contractors.queries import active_members
from contracts.complaints.models import Complaint
from contracts.models import BulletinPosting, Project, ProjectAttachment
from notices.guides import services as guides
from notices.guides.models import Guide, GuideAttachment
from notices.models import Notice, NoticeAttachment
from tests.factories import (
    HOLIDAYS_2027,
    NOTICE_2027,
    ONCE_RE,
    PASSWORD,
    PDF,
    Browser,
    make_notice,
    make_user,
    signed_in,
    simultaneously,
    use_cheap_password_hashes,
)
from tests.pool_factories import at, register
from tests.trading_factories import active_pool, announced, member_user
from tests.web.test_complaint_pages import _form as complaint_form
from tests.web.test_pool_staff import CALL
from tests.web.test_project_pages import project_data

THREADS = 20


@pytest.fixture(autouse=True)
def _cheap(monkeypatch):
    use_cheap_password_hashes(monkeypatch)


@dataclass
class Case:
    """One create form: who posts it, the page that draws it, where it posts, what it makes."""

    browser: Browser
    page: str
    path: str
    data: Callable[[], dict]
    model: type
    multipart: bool = False


def _notice(app) -> Case:
    staff = signed_in(app, "staff")
    data = {"type": "policy", "title": "关于小型工程的通知", "body": "正文", "min_working_days": ""}
    return Case(staff, "/staff/notices/new", "/staff/notices/new", lambda: dict(data), Notice)


def _guide(app) -> Case:
    staff = signed_in(app, "staff")
    data = {"kind": "guide", "title": "小型工程交易办事指南", "body": "正文"}
    return Case(staff, "/staff/guides/new", "/staff/guides/new", lambda: dict(data), Guide)


def _project(app) -> Case:
    owner = signed_in(app, "owner")
    return Case(owner, "/owner/projects/new", "/owner/projects/new", project_data, Project)


def _pool_call(app) -> Case:
    staff = signed_in(app, "staff")
    new = "/staff/pool/calls/new"
    return Case(staff, new, new, lambda: dict(CALL), PoolCall)


def _file() -> dict:
    return {"file": (io.BytesIO(PDF), "附件.pdf")}


def _notice_attachment(app) -> Case:
    staff = signed_in(app, "staff")
    draft = make_notice(staff.user, publish=False)
    page = f"/staff/notices/{draft.id}"
    return Case(staff, page, f"{page}/attachments", _file, NoticeAttachment, multipart=True)


def _guide_attachment(app) -> Case:
    staff = signed_in(app, "staff")
    g = guides.create_draft(
        guides.GuideInput(kind="guide", title="办事指南", body="正文"), actor=staff.user
    )
    page = f"/staff/guides/{g.id}"
    return Case(staff, page, f"{page}/attachments", _file, GuideAttachment, multipart=True)


def _project_attachment(app) -> Case:
    owner = signed_in(app, "owner")
    response = owner.submit("/owner/projects/new", project_data())
    assert response.status_code == 302, response.get_data(as_text=True)[:2000]
    page = response.headers["Location"]
    return Case(owner, page, f"{page}/attachments", _file, ProjectAttachment, multipart=True)


def _contractor_document(app) -> Case:
    who = signed_in(app, "contractor")
    register(0, user=who.user)
    return Case(
        who,
        "/contractor/",
        "/contractor/documents",
        lambda: {"kind": "business_licence", **_file()},
        ContractorDocument,
        multipart=True,
    )


def _complaint(app) -> Case:
    phase = active_pool()
    _project, t = announced(phase, make_user("owner"))
    confirm_year(build_arrangement(2027, NOTICE_2027, HOLIDAYS_2027, ""), actor=phase.staff)
    user = member_user(active_members("JZ", date(2026, 11, 27))[0].contractor_id)
    clock.set_now(at(2026, 11, 30, 10, 0))
    who = Browser(app)
    assert who.login(user.username, PASSWORD).status_code == 302
    who.user = user
    page = f"/contractor/complaints/new/{t.code}"
    return Case(who, page, page, complaint_form, Complaint, multipart=True)


def _bulletin_posting(app) -> Case:
    # Found against gunicorn: the posting form had no token, and twenty posts at once recorded
    # twenty postings of one board.
    phase = active_pool()
    project, _t = announced(phase, make_user("owner"))
    clock.set_now(at(2026, 11, 27, 16, 0))
    staff = signed_in(app, "staff")
    page = f"/staff/projects/{project.code}/posting"
    data = {"posted_by": "赵六", "posted_at": "2026-11-27T15:30", "place": "某村村务公开栏"}
    return Case(staff, page, page, lambda: dict(data), BulletinPosting, multipart=True)


CASES = {
    "bulletin posting": _bulletin_posting,
    "complaint": _complaint,
    "notice draft": _notice,
    "guide draft": _guide,
    "project": _project,
    "pool call": _pool_call,
    "notice attachment": _notice_attachment,
    "guide attachment": _guide_attachment,
    "project attachment": _project_attachment,
    "contractor document": _contractor_document,
}


def _count(model) -> int:
    db.session.expire_all()
    return db.session.scalar(select(func.count()).select_from(model))


def _tokens(case: Case) -> tuple[str, str]:
    """The CSRF token and the once-only token the form's page draws."""
    html = case.browser.html(case.page)
    once = ONCE_RE.search(html)
    assert once, f"no once-only token on {case.page}"
    csrf = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', html)
    return csrf.group(1), once.group(1) or once.group(2)


def _post(case: Case, browser: Browser, csrf: str, once: str | None):
    data = {**case.data(), "csrf_token": csrf} | ({"once": once} if once is not None else {})
    kw = {"content_type": "multipart/form-data"} if case.multipart else {}
    return browser.post(case.path, data, token=False, **kw)


@pytest.fixture(params=sorted(CASES))
def case(request, app, now) -> Case:
    now(2026, 9, 18, 10, 0)
    return CASES[request.param](app)


def test_a_create_form_posted_twice_creates_once_and_sends_the_second_to_the_first(case):
    csrf, once = _tokens(case)
    before = _count(case.model)
    first = _post(case, case.browser, csrf, once)
    assert first.status_code == 302, first.get_data(as_text=True)[:2000]
    second = _post(case, case.browser, csrf, once)
    assert second.status_code == 302
    assert _count(case.model) == before + 1
    page = case.browser.get(second.headers["Location"]).get_data(as_text=True)
    assert "该表单已经提交过" in page
    if case.model is Complaint:
        return  # a second complaint of the same facts is the complaint rules' to refuse
    # A fresh copy of the form is a new submission.
    _csrf, fresh = _tokens(case)
    assert fresh != once
    assert _post(case, case.browser, csrf, fresh).status_code == 302
    assert _count(case.model) == before + 2


@pytest.mark.parametrize("token", [None, "", "forged", "other-form", "other-account"])
def test_an_absent_or_forged_token_is_refused_with_400_and_nothing_is_written(case, app, token):
    csrf, once = _tokens(case)
    if token == "forged":
        token = once[:-3] + ("AAA" if not once.endswith("AAA") else "BBB")
    elif token == "other-form":
        other = "notice" if case.model is not Notice else "guide"
        with app.test_request_context():
            from app import once as once_only

            token = once_only.issue(other, case.browser.user)
    elif token == "other-account":
        with app.test_request_context():
            from app import once as once_only

            token = once_only.issue(ONCE_KIND[case.model], signed_in(app, "staff").user)
    before = (_count(case.model), _count(FormSubmission))
    response = _post(case, case.browser, csrf, token)
    assert response.status_code == 400
    assert "表单凭证缺失或无效" in response.get_data(as_text=True)
    assert (_count(case.model), _count(FormSubmission)) == before


ONCE_KIND = {
    BulletinPosting: "bulletin-posting",
    Complaint: "complaint",
    Notice: "notice",
    Guide: "guide",
    Project: "project",
    PoolCall: "pool-call",
    NoticeAttachment: "notice-attachment",
    GuideAttachment: "guide-attachment",
    ProjectAttachment: "project-attachment",
    ContractorDocument: "contractor-document",
}


def test_twenty_simultaneous_posts_of_one_form_create_once(case, app, database_url):
    if not database_url.startswith("postgresql"):
        pytest.skip("the race is held by PostgreSQL's unique index; SQLite serialises writers")
    csrf, once = _tokens(case)
    before = (_count(case.model), _count(FormSubmission))
    statuses = simultaneously(
        app, case.browser, lambda browser: _post(case, browser, csrf, once), THREADS
    )
    assert statuses == [302] * THREADS
    assert (_count(case.model), _count(FormSubmission)) == (before[0] + 1, before[1] + 1)


def test_a_token_older_than_a_day_is_refused_the_form_keeps_what_was_typed_and_a_fresh_token(
    case,
):
    issued = clock.now()
    csrf, once = _tokens(case)
    before = (_count(case.model), _count(FormSubmission))
    # The CSRF token has its own 4-hour limit on the real clock; the once-only token is on
    # app.clock, which the test moves on past MAX_AGE.
    clock.set_now(issued + timedelta(hours=24, minutes=1))
    response = _post(case, case.browser, csrf, once)
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    assert "表单打开已超过24小时" in page
    assert (_count(case.model), _count(FormSubmission)) == before
    fresh = ONCE_RE.search(page)
    if fresh:  # a form with a page of its own draws it again, with a fresh token
        assert (fresh.group(1) or fresh.group(2)) != once
    # Within the day it is still the same submission.
    clock.set_now(issued + timedelta(hours=23, minutes=59))
    assert _post(case, case.browser, csrf, once).status_code == 302
    assert _count(case.model) == before[0] + 1


def test_pruning_forgets_only_claims_whose_tokens_have_expired(app, now):
    from app import once as once_only

    now(2026, 9, 18, 10, 0)
    staff = signed_in(app, "staff")
    with app.test_request_context():
        old_token = once_only.issue("notice", staff.user)
        db.session.add(FormSubmission(nonce="old", kind="notice", ref="1", claimed_at=clock.now()))
        now(2026, 9, 18, 22, 0)
        db.session.add(FormSubmission(nonce="new", kind="notice", ref="2", claimed_at=clock.now()))
        db.session.commit()
        now(2026, 9, 19, 10, 30)
        assert once_only.prune() == 1
        assert set(db.session.scalars(select(FormSubmission.nonce))) == {"new"}
        # The pruned claim's token can never create again: it is refused as expired.
        with pytest.raises(once_only.SubmissionRefused):
            once_only.check(old_token, "notice", staff.user)
        # The tick does the same in its own session.
        now(2026, 9, 20, 10, 30)
    once_only.prune_tick(app)
    with app.app_context():
        assert _count(FormSubmission) == 0
