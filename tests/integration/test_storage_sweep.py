"""Uploads whose worker died before the commit: the sweep removes files no row names once they are
older than the grace period, keeps fresh and referenced ones, and finds every table's keys."""

from __future__ import annotations

import os
import re
import time
from pathlib import Path

import pytest

from app.extensions import db
from app.storage import get_storage, referenced_keys, stored_file_columns, sweep_orphans
from contractors import services
from tests.factories import PDF, make_notice, make_user
from tests.pool_factories import register

ROOT = Path(__file__).resolve().parents[2]
GRACE = 3600.0


def _files(app) -> set[str]:
    root = Path(app.config["UPLOAD_FOLDER"])
    return {p.name for p in root.glob("*/*") if p.is_file()}


def _age(app, name: str, seconds: float) -> None:
    path = next(Path(app.config["UPLOAD_FOLDER"]).glob(f"*/{name}"))
    then = time.time() - seconds
    os.utime(path, (then, then))


def _orphan(app) -> str:
    """A file written as an upload whose row never came (the worker died before the commit)."""
    return get_storage().put(PDF, ".pdf")


def test_an_orphan_older_than_the_grace_period_is_removed(app):
    key = _orphan(app)
    _age(app, key, GRACE + 60)
    assert sweep_orphans(GRACE) == [key]
    assert key not in _files(app)
    assert sweep_orphans(GRACE) == []  # idempotent


def test_a_fresh_orphan_is_kept(app):
    key = _orphan(app)
    _age(app, key, GRACE - 60)
    assert sweep_orphans(GRACE) == []
    assert key in _files(app)


def test_an_old_file_a_row_references_is_kept(app):
    staff = make_user("staff")
    company = register(1)
    doc = services.add_document(
        company.id, "business_licence", "营业执照.pdf", PDF, actor=company_user(company)
    )
    from notices import services as notices

    notice = make_notice(actor=staff, publish=False)
    att = notices.add_attachment(notice.id, "附件.pdf", PDF, actor=staff)
    for key in (doc.storage_key, att.storage_key):
        _age(app, key, 30 * 86400)
    orphan = _orphan(app)
    _age(app, orphan, 30 * 86400)
    assert sweep_orphans(GRACE) == [orphan]
    assert {doc.storage_key, att.storage_key} <= _files(app)


def company_user(company):
    from app.auth.models import User

    return db.session.get(User, company.user_id)


def test_the_temporary_file_of_a_killed_upload_is_removed(app, monkeypatch):
    """kill -9 mid-write: the `.part` stays behind, never renamed to a key."""
    killed = KeyboardInterrupt  # not an Exception: no cleanup code runs, as under SIGKILL

    def die(self, target):
        raise killed

    monkeypatch.setattr(Path, "replace", die)
    with pytest.raises(killed):
        get_storage().put(PDF, ".pdf")
    monkeypatch.undo()
    (part,) = _files(app)
    assert part.endswith(".pdf.part")
    assert sweep_orphans(GRACE) == []  # a write may still be under way
    _age(app, part, GRACE + 1)
    assert sweep_orphans(GRACE) == [part]
    assert _files(app) == set()


def test_a_killed_upload_between_the_write_and_the_commit_leaves_a_file_the_sweep_removes(
    app, monkeypatch
):
    company = register(1)
    user = company_user(company)

    def die():
        raise KeyboardInterrupt  # the worker dies at the commit: no rollback, no cleanup

    monkeypatch.setattr(db.session, "commit", die)
    with pytest.raises(KeyboardInterrupt):
        services.add_document(company.id, "business_licence", "执照.pdf", PDF, actor=user)
    monkeypatch.undo()
    db.session.rollback()
    (left,) = _files(app)
    assert left not in referenced_keys()
    _age(app, left, GRACE + 1)
    assert sweep_orphans(GRACE) == [left]


def test_every_column_holding_storage_keys_is_known_to_the_sweep():
    """The sweep's "referenced" set reads the columns marked `info=STORED_FILE`. Every module
    that stores an upload must keep its key in such a column: a new caller of `store_upload`
    fails here until its column is marked (or its files would be swept as orphans)."""
    from app import create_app
    from config import TestingConfig

    create_app(TestingConfig)  # imports every model
    columns = {f"{c.table.name}.{c.name}" for c in stored_file_columns()}
    assert columns == {
        "notice_attachments.storage_key",
        "guide_attachments.storage_key",
        "contractor_documents.storage_key",
        "project_attachments.storage_key",
        "bulletin_postings.photo_key",
        "complaint_evidence.storage_key",
        "evaluation_evidence.storage_key",
        "credit_checks.evidence_key",
    }
    callers = {
        str(p.relative_to(ROOT))
        for folder in ("app", "notices", "lottery", "contractors", "contracts")
        for p in (ROOT / folder).rglob("*.py")
        if re.search(r"\b(store_upload|storage\.put)\(", p.read_text(encoding="utf-8"))
    }
    assert callers == {
        "app/storage.py",
        "notices/services.py",
        "notices/guides/services.py",
        "contractors/services/registration.py",
        "contracts/services/projects.py",
        "contracts/services/posting.py",
        "contracts/complaints/services/filing.py",
        "contracts/evaluations/services.py",
        "contracts/screening/services.py",
    }
