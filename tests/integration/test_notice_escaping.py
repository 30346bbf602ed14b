"""Text people typed prints as text in every generated notice (issue 10, finding 8): an owner, a
contact, a place, a call title, a category, company names, reasons and answers carrying links,
images, scripts or emphasis reach the pool call, the review result and its correction, the roster
publicity and roster, the trading notice, the result and the refusal's correction — and the
rendered notices show them literally, with no <a>, <img> or <script> of theirs."""

from __future__ import annotations

from datetime import date
from html.parser import HTMLParser

import pytest
from sqlalchemy import select

from app import clock
from app.extensions import db
from contractors import services as pool
from contractors.models import PoolCategory
from contractors.queries import active_members
from contracts import services
from contracts.models import Project
from notices import markup
from notices.models import Notice
from tests.factories import Browser, make_user, use_cheap_password_hashes
from tests.pool_factories import Phase, at, register, user_of
from tests.trading_factories import hold_meeting, project_input, refuse, respond_all

PAYLOADS = [
    "<a href=https://evil.example>x</a>",
    "[客服](https://evil.example/kf)",
    "https://evil.example",
    "![x](https://evil.example/a.png)",
    "*强调*",
    "`代码`",
    "<script>alert(1)</script>",
]


class _Html(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, dict]] = []
        self.text: list[str] = []

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))

    def handle_data(self, data):
        self.text.append(data)


def _parse(html: str) -> _Html:
    parsed = _Html()
    parsed.feed(html)
    parsed.close()
    return parsed


def _visible(parsed: _Html) -> str:
    return " ".join("".join(parsed.text).split())


@pytest.fixture
def jz_category(app):
    """建筑工程's name as staff may have entered it, restored after (pool_categories is reference
    data, kept between tests on PostgreSQL)."""

    def jz():
        return db.session.scalar(select(PoolCategory).where(PoolCategory.code == "JZ"))

    original = jz().name
    yield jz()
    db.session.rollback()
    jz().name = original
    db.session.commit()


def _walk(payload: str, category: PoolCategory) -> None:
    """Procedure A to the roster and one project to a refusal, with `payload` in every value a
    person typed. Values are written straight into the rows where an entry form might refuse
    them: the escaping must hold whatever the forms let through."""
    # The project's name and the category also go out by SMS, which refuses web addresses
    # (notices.sms.rules): those two carry the payload without its scheme.
    sms_safe = payload.replace("https://", "")
    phase = Phase()
    phase.draft_and_consult()
    phase.call.title = f"征集{payload}"
    category.name = f"建筑{sms_safe}"
    db.session.commit()
    phase.publish_call()  # pool_call
    phase.applicants()
    for n, c in enumerate(phase.contractors):
        c.name = f"{payload}公司{n}"
    db.session.commit()
    phase.review()
    failed = phase.failed_entry()
    failed.reason_text = f"理由{payload}"
    phase.call.meeting_place = f"会场{payload}"
    db.session.commit()
    phase.publish_review()  # review_result
    objector = register(6)
    objection = pool.file_objection(failed.id, "资质已升级", actor=user_of(objector))
    clock.set_now(at(2026, 10, 17, 10, 0))
    pool.answer_objection(objection.id, f"答复{payload}", True, actor=phase.staff)  # correction
    phase.meeting()
    phase.roster_publicity()  # roster_publicity
    phase.roster()  # roster

    owner = make_user("owner")
    clock.set_now(at(2026, 11, 26, 9, 0))
    project = services.submit_project(project_input(), actor=owner)
    services.file_project(project.code, reviewed=services.fingerprint(project), actor=phase.staff)
    p = db.session.get(Project, project.id)
    p.name, p.owner_name = f"项目{sms_safe}", f"洪塘街道{payload}"
    p.town, p.village = f"镇{payload}", f"村{payload}"
    p.contact_person, p.contact_phone = f"联系人{payload}", payload
    db.session.commit()
    clock.set_now(at(2026, 11, 27, 10, 0))
    services.announce(  # trading_notice
        project.code,
        services.TradingInput(at(2026, 12, 3, 9, 30), f"二楼{payload}", ["3.00", "8.50"]),
        reviewed=services.fingerprint(p),
        actor=phase.staff,
    )
    respond_all(project, active_members("JZ", date(2026, 11, 27)))
    clock.set_now(at(2026, 12, 3, 9, 30))
    hold_meeting(project.code, ["37"], actor=phase.staff)  # trading_result
    clock.set_now(at(2026, 12, 7, 10, 0))
    refuse(project.code, actor=owner)  # correction


@pytest.mark.parametrize("payload", PAYLOADS)
def test_user_text_prints_literally_in_every_generated_notice(
    app, payload, jz_category, monkeypatch
):
    use_cheap_password_hashes(monkeypatch)
    _walk(payload, jz_category)

    notices = db.session.scalars(select(Notice).where(Notice.status == "published")).all()
    kinds = sorted(n.type for n in notices)
    assert kinds == [
        "correction",
        "correction",
        "pool_call",
        "review_result",
        "roster",
        "roster_publicity",
        "trading_notice",
        "trading_result",
    ]
    shown = " ".join(payload.split())
    for n in notices:
        parsed = _parse(markup.render(n.body))
        tags = {tag for tag, _attrs in parsed.tags}
        assert not tags & {"a", "img", "script"}, (n.type, n.body)
        # The value's emphasis or code never became formatting: its marks are printed.
        assert shown in _visible(parsed), (n.type, n.body)

    # And so on the public page of the trading notice, which renders the body the same way.
    notice = next(n for n in notices if n.type == "trading_notice")
    html = Browser(app).html(f"/notices/{notice.id}")
    page = _parse(html)
    assert not any(
        "evil.example" in (attrs.get("href") or "") + (attrs.get("src") or "")
        for _tag, attrs in page.tags
    )
    assert "<script>alert" not in html and "<img src=x" not in html
    assert f"洪塘街道{shown}" in _visible(page)
