"""A member of the public checks a project in a real browser, on the demo: searches for it by a
two-character word from the box on every page, opens it, takes its OCDS package (which validates
against the official schema with our extension), downloads its award draw's record and the
verifier from the draw's page, and runs the verifier on the record: the draw holds."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from tests.e2e.test_phone_width import build_demo
from tests.ocds_checks import assert_valid

pytestmark = pytest.mark.e2e

TIMEOUT_MS = 15_000


@pytest.fixture(scope="module")
def demo(sqlite_template, tmp_path_factory):
    from tests.e2e.conftest import served

    directory = tmp_path_factory.mktemp("public-journey")
    with served(sqlite_template, directory) as server:
        build_demo(server.app)
        yield server.url


def test_the_public_finds_a_project_takes_its_open_data_and_verifies_its_draw(
    browser, demo, screenshots, tmp_path
):
    from playwright.sync_api import expect

    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="zh-CN")
    context.set_default_timeout(TIMEOUT_MS)
    page = context.new_page()
    page.goto(demo + "/")

    # The search box of every page, a two-character word.
    page.get_by_role("searchbox", name="全站检索").fill("修缮")
    page.get_by_role("button", name="搜索").click()
    expect(page.get_by_role("heading", name="全站检索")).to_be_visible()
    expect(page.locator("mark", has_text="修缮").first).to_be_visible()
    page.screenshot(path=str(screenshots / "e2e-public-search-1280.png"), full_page=True)
    project_link = page.locator("a[href^='/projects/PRJ-']", has_text="修缮").first
    href = project_link.get_attribute("href")
    code = href.rsplit("/", 1)[-1]
    project_link.click()
    expect(page).to_have_url(demo + href)

    # Its open data: the OCDS release package, linked from the project's page.
    ocds = page.get_by_role("link", name="本项目的OCDS数据包（JSON）")
    package = context.request.get(demo + ocds.get_attribute("href"))
    assert package.ok and package.headers["content-type"].startswith("application/json")
    body = package.json()
    assert_valid(body)
    assert any(r["ocid"].endswith(code) for r in body["releases"])
    page.screenshot(path=str(screenshots / "e2e-public-project-1280.png"), full_page=True)

    # Its award draw: the record and the verifier, downloaded from the draw's page.
    page.locator(f"a[href='/draws/{code}-award']").first.click()
    expect(page.get_by_role("heading", name="如何自行验证")).to_be_visible()
    with page.expect_download() as download:
        page.get_by_role("link", name=f"{code}-award.json").click()
    record = tmp_path / f"{code}-award.json"
    download.value.save_as(record)
    assert json.loads(record.read_text(encoding="utf-8"))["draw_id"] == f"{code}-award"
    verifier = context.request.get(
        demo + page.get_by_role("link", name="verify.py").get_attribute("href")
    )
    assert verifier.ok
    (tmp_path / "verify.py").write_bytes(verifier.body())
    context.close()

    # Run by anyone, with nothing but Python: the draw holds.
    run = subprocess.run(
        [sys.executable, str(tmp_path / "verify.py"), str(record)],
        capture_output=True,
        text=True,
        timeout=60,
        cwd=tmp_path,
    )
    assert run.returncode == 0, run.stdout + run.stderr
    assert "验证通过" in run.stdout
