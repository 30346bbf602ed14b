"""Entering and revising a project, and its attachments, against a real database: a sent-back
project is revised by its owner (or staff) with the same checks as entering it; files are
attached until the project is filed; every refusal leaves nothing behind, not even a file."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import func, select

from app import clock
from app.audit import Action, AuditEntry
from app.extensions import db
from contracts import services
from contracts.errors import OutOfScope, TradingError, TradingForbidden
from contracts.models import Project, ProjectAttachment
from contracts.services.projects import add_attachment, revise_project
from tests.factories import PDF, make_user, use_cheap_password_hashes
from tests.pool_factories import at

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00\x00\x00\rIHDR" + b"\x00" * 64
EXE = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff\x00\x00" + b"\x00" * 48


@pytest.fixture(autouse=True)
def _setup(app, monkeypatch):
    use_cheap_password_hashes(monkeypatch)
    clock.set_now(at(2026, 11, 26, 9, 0))


def _input(**overrides) -> services.ProjectInput:
    values = {
        "name": "甬江街道某村道路硬化工程",
        "owner_name": "甬江街道某村股份经济合作社",
        "town": "甬江街道",
        "village": "某村",
        "category_code": "JZ",
        "funding": "collective",
        "estimate": "1300000",
        "control_price": "1234567.89",
        "duration_days": 60,
        "contact_person": "王五",
        "contact_phone": "0574-87654321",
        "scope": "道路硬化约1.2公里。",
        **overrides,
    }
    return services.ProjectInput(**values)


def _state(app) -> tuple:
    """Projects as stored, attachments, audit entries and the stored files."""
    db.session.expire_all()
    projects = [
        (p.code, p.name, p.estimate, p.control_price, p.filing, p.sent_back_reasons, p.documents)
        for p in db.session.scalars(select(Project).order_by(Project.id))
    ]
    folder = Path(app.config["UPLOAD_FOLDER"])
    files = sorted(str(f) for f in folder.rglob("*") if f.is_file()) if folder.exists() else []
    return (
        projects,
        db.session.scalar(select(func.count()).select_from(ProjectAttachment)),
        db.session.scalar(select(func.count()).select_from(AuditEntry)),
        files,
    )


def _sent_back(owner, staff) -> Project:
    p = services.submit_project(_input(), actor=owner)
    return services.send_back(
        p.code,
        "控制价未附预算书；工程内容请写明路面宽度。",
        reviewed=services.fingerprint(p),
        actor=staff,
    )


def _last_entry() -> AuditEntry:
    return db.session.scalar(select(AuditEntry).order_by(AuditEntry.seq.desc()).limit(1))


# ---- revising --------------------------------------------------------------------------------


def test_the_owner_revises_a_sent_back_project_and_it_goes_back_to_staff(app):
    owner, staff = make_user("owner"), make_user("staff")
    p = _sent_back(owner, staff)
    revised = revise_project(
        p.code,
        _input(control_price="1200000.00", scope="道路硬化约1.2公里，路面宽4.5米。"),
        actor=owner,
    )
    assert revised.filing == "submitted" and revised.sent_back_reasons == ""
    assert str(revised.control_price) == "1200000.00"
    # The documents are Markdown with the owner's text escaped (notices.markup.md_text).
    documents = revised.documents.replace("\\", "")
    assert "路面宽4.5米" in documents and "控制价：1,200,000.00元" in documents
    entry = _last_entry()
    assert entry.action == Action.PROJECT_REVISED and entry.subject_id == p.code
    # The reasons it was sent back for are kept in the audit entry.
    assert entry.before["sent_back_reasons"].startswith("控制价未附预算书")
    assert entry.before["control_price"] == "1234567.89"
    assert entry.after["filing"] == "submitted" and entry.after["control_price"] == "1200000.00"
    services.file_project(p.code, reviewed=services.fingerprint(p), actor=staff)


def test_staff_may_revise_a_project_still_waiting_for_filing(app):
    owner, staff = make_user("owner"), make_user("staff")
    p = services.submit_project(_input(), actor=owner)
    revised = revise_project(p.code, _input(name="甬江街道某村道路硬化工程（一期）"), actor=staff)
    assert revised.name.endswith("（一期）") and revised.owner_user_id == owner.id


def test_a_revision_that_changes_nothing_records_nothing(app):
    # The form saved as it was (the amount written otherwise, the name padded) is no revision:
    # no audit entry, so no step in the project's history; the project is left as it was.
    owner, staff = make_user("owner"), make_user("staff")
    p = services.submit_project(_input(), actor=owner)
    before = _state(app)
    assert revise_project(p.code, _input(), actor=owner) is None
    same = _input(estimate="1300000.00", name=" 甬江街道某村道路硬化工程 ")
    assert revise_project(p.code, same, actor=staff) is None
    assert _state(app) == before
    # A change to a fact the audit entry does not keep is still a revision.
    assert revise_project(p.code, _input(contact_phone="0574-87654322"), actor=owner) is not None
    assert _last_entry().action == Action.PROJECT_REVISED
    assert _state(app)[2] == before[2] + 1


def test_a_sent_back_project_saved_as_it_was_is_resubmitted_and_recorded(app):
    owner, staff = make_user("owner"), make_user("staff")
    p = _sent_back(owner, staff)
    assert revise_project(p.code, _input(), actor=owner).filing == "submitted"
    entry = _last_entry()
    assert entry.action == Action.PROJECT_REVISED and entry.before["filing"] == "sent_back"


def test_a_revision_is_checked_as_an_entry_is_and_a_refused_one_changes_nothing(app):
    owner, staff = make_user("owner"), make_user("staff")
    p = _sent_back(owner, staff)
    for bad, error, field in (
        ({"estimate": "4000000"}, OutOfScope, "estimate"),
        ({"estimate": "99999.99"}, OutOfScope, "estimate"),
        ({"control_price": "1234567.891"}, TradingError, "control_price"),
        ({"non_competitive_part": "2000000"}, TradingError, "non_competitive_part"),
        ({"town": " "}, TradingError, "town"),
        ({"name": "工" * 201}, TradingError, "name"),
        ({"name": "工" * 101}, TradingError, "name"),
        ({"name": "道路工程 https://evil.example"}, TradingError, "name"),
        ({"name": "道路\u200b工程"}, TradingError, "name"),
        ({"contact_phone": "0574\x00"}, TradingError, "contact_phone"),
        ({"control_price": "999999999999.99"}, TradingError, "control_price"),
        ({"control_price": "1e30"}, TradingError, "control_price"),
        ({"estimate": "99999999999999999999999999999.001"}, TradingError, "estimate"),
        ({"non_competitive_part": "1234567.89"}, TradingError, "non_competitive_part"),
        ({"non_competitive_part": "-0"}, TradingError, "non_competitive_part"),
        ({"duration_days": 2**31}, TradingError, "duration_days"),
        ({"duration_days": 0}, TradingError, "duration_days"),
        ({"category_code": "NOPE"}, TradingError, "category_code"),
    ):
        before = _state(app)
        with pytest.raises(error) as caught:
            revise_project(p.code, _input(**bad), actor=owner)
        assert caught.value.field == field
        assert _state(app) == before
    assert db.session.get(Project, p.id).filing == "sent_back"


def test_the_scope_refusal_of_a_revision_gives_the_statutory_reason(app):
    owner, staff = make_user("owner"), make_user("staff")
    p = _sent_back(owner, staff)
    with pytest.raises(OutOfScope, match="必须招标的工程项目规定"):
        revise_project(p.code, _input(kind="supervision", estimate="1000000"), actor=owner)


def test_only_the_owner_of_the_project_or_staff_may_revise_it(app):
    owner, staff = make_user("owner"), make_user("staff")
    p = _sent_back(owner, staff)
    for outsider in (make_user("owner"), make_user("contractor"), make_user("reviewer")):
        before = _state(app)
        with pytest.raises(TradingForbidden):
            revise_project(p.code, _input(name="别人改的名字"), actor=outsider)
        assert _state(app) == before


def test_a_project_entered_by_staff_is_revised_by_staff_only(app):
    staff = make_user("staff")
    p = services.submit_project(_input(), actor=staff)
    assert p.owner_user_id is None
    with pytest.raises(TradingForbidden):
        revise_project(p.code, _input(), actor=make_user("owner"))


def test_a_filed_project_can_no_longer_be_revised(app):
    owner, staff = make_user("owner"), make_user("staff")
    p = services.submit_project(_input(), actor=owner)
    services.file_project(p.code, reviewed=services.fingerprint(p), actor=staff)
    for actor in (owner, staff):
        before = _state(app)
        with pytest.raises(TradingError, match="已备案"):
            revise_project(p.code, _input(name="备案后再改"), actor=actor)
        assert _state(app) == before


# ---- attachments -----------------------------------------------------------------------------


def test_the_owner_attaches_a_pdf_stored_under_a_generated_name(app):
    owner = make_user("owner")
    p = services.submit_project(_input(), actor=owner)
    a = add_attachment(p.code, PDF, "C:\\资料\\施工图纸.pdf", actor=owner)
    assert a.original_name == "施工图纸.pdf" and a.content_type == "application/pdf"
    assert a.size == len(PDF) and a.project_id == p.id and a.uploaded_by_id == owner.id
    assert "施工图纸" not in a.storage_key and a.storage_key.endswith(".pdf")
    stored = Path(app.config["UPLOAD_FOLDER"]) / a.storage_key[:2] / a.storage_key
    assert stored.read_bytes() == PDF
    entry = _last_entry()
    assert entry.action == Action.PROJECT_ATTACHMENT_ADDED
    assert entry.after == {
        "attachment_id": a.id,
        "name": "施工图纸.pdf",
        "sha256": a.sha256,
        "size": len(PDF),
    }


def test_staff_attach_an_image_to_a_sent_back_project(app):
    owner, staff = make_user("owner"), make_user("staff")
    p = _sent_back(owner, staff)
    a = add_attachment(p.code, PNG, "现场照片.png", actor=staff)
    assert a.content_type == "image/png"


def test_a_bad_attachment_is_refused_and_leaves_no_file(app):
    owner = make_user("owner")
    p = services.submit_project(_input(), actor=owner)
    app.config["MAX_ATTACHMENT_BYTES"] = 1024
    for data, name, message in (
        (EXE, "setup.pdf", "只接受PDF或图片"),
        (b"", "空文件.pdf", "空的"),
        (PDF + b"\x00" * 2048, "太大.pdf", "上限"),
        (PDF, "  ", "请选择要上传的文件"),
    ):
        before = _state(app)
        with pytest.raises(TradingError, match=message) as caught:
            add_attachment(p.code, data, name, actor=owner)
        assert caught.value.field == "file"
        assert _state(app) == before


def test_after_filing_the_documents_are_fixed_and_no_file_is_attached(app):
    owner, staff = make_user("owner"), make_user("staff")
    p = services.submit_project(_input(), actor=owner)
    services.file_project(p.code, reviewed=services.fingerprint(p), actor=staff)
    for actor in (owner, staff):
        before = _state(app)
        with pytest.raises(TradingError, match="已备案，交易文件已固定"):
            add_attachment(p.code, PDF, "补充材料.pdf", actor=actor)
        assert _state(app) == before


def test_another_owner_cannot_attach_files_to_the_project(app):
    owner = make_user("owner")
    p = services.submit_project(_input(), actor=owner)
    other = make_user("owner")
    before = _state(app)
    with pytest.raises(TradingForbidden):
        add_attachment(p.code, PDF, "冒名.pdf", actor=other)
    assert _state(app) == before
