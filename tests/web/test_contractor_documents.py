"""A company's uploaded documents (营业执照, licences) are downloads for the company itself, the
trading office and the reviewers of a call they were submitted to — and 404 for everyone else."""

from __future__ import annotations

import pytest

from contractors import services
from tests.factories import PDF, Browser, signed_in, use_cheap_password_hashes
from tests.pool_factories import Phase, register, user_of


@pytest.fixture(autouse=True)
def _cheap(monkeypatch):
    use_cheap_password_hashes(monkeypatch)


@pytest.fixture
def world(app):
    phase = Phase()
    phase.draft_and_consult()
    phase.publish_call()
    phase._set_now((2026, 9, 22, 9, 0))
    owner = signed_in(app, "contractor")
    company = register(1, user=owner.user)
    submitted = services.add_document(
        company.id, "business_licence", "营业执照.pdf", PDF, actor=owner.user
    )
    kept_back = services.add_document(
        company.id, "safety_licence", "安全生产许可证.pdf", PDF, actor=owner.user
    )
    application = services.apply(phase.call.id, ["JZ"], [submitted.id], actor=owner.user)
    other = signed_in(app, "contractor")
    register(2, user=other.user)
    return {
        "phase": phase,
        "owner": owner,
        "other": other,
        "company": company,
        "submitted": submitted.id,
        "kept_back": kept_back.id,
        "application": application.id,
    }


def url(doc_id: int) -> str:
    return f"/contractor/documents/{doc_id}"


def assert_download(response) -> None:
    assert response.status_code == 200
    assert response.data == PDF
    assert response.headers["Content-Disposition"].startswith("attachment")
    assert response.headers["Content-Type"] == "application/pdf"
    assert "sandbox" in response.headers["Content-Security-Policy"]


# role → (may read the submitted document, may read the one never submitted)
MATRIX = {
    "own company": (True, True),
    "other company": (False, False),
    "staff": (True, True),
    "admin": (True, True),
    "reviewer": (True, False),
    "owner": (False, False),
}


@pytest.mark.parametrize("who", MATRIX)
def test_each_role_reads_exactly_the_documents_it_may(app, world, who):
    if who == "own company":
        browser = world["owner"]
    elif who == "other company":
        browser = world["other"]
    else:
        browser = signed_in(app, who)
    for doc, allowed in zip(("submitted", "kept_back"), MATRIX[who], strict=True):
        response = browser.get(url(world[doc]))
        if allowed:
            assert_download(response)
        else:
            # The same answer as for a document that does not exist: no existence oracle.
            assert response.status_code == 404, (who, doc)
    assert browser.get(url(987_654)).status_code == 404


def test_the_anonymous_are_sent_to_log_in(app, world):
    response = Browser(app).get(url(world["submitted"]))
    assert response.status_code == 302
    assert "/login" in response.headers["Location"]


def test_a_withdrawn_application_no_longer_opens_its_documents_to_reviewers(app, world):
    reviewer = signed_in(app, "reviewer")
    assert reviewer.get(url(world["submitted"])).status_code == 200
    services.withdraw_application(world["application"], actor=user_of(world["company"]))
    assert reviewer.get(url(world["submitted"])).status_code == 404
    assert world["owner"].get(url(world["submitted"])).status_code == 200


def test_the_review_panel_and_the_company_page_link_the_documents(app, world):
    call_id = world["phase"].call.id
    for browser in (signed_in(app, "reviewer"), signed_in(app, "staff")):
        page = browser.html(f"/staff/pool/calls/{call_id}/review")
        assert url(world["submitted"]) in page
        assert url(world["kept_back"]) not in page  # not part of the application
    home = world["owner"].html("/contractor/")
    assert url(world["submitted"]) in home and url(world["kept_back"]) in home
