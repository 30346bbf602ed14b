"""The demo companies' credit codes, and the published records checked by the command-line verifier
over HTTP: a draw of its own, and the draws the demo's projects made through the trading services."""

from __future__ import annotations

import json
import subprocess
import sys
import threading
from pathlib import Path

import pytest
from sqlalchemy import select
from werkzeug.serving import make_server

from app.extensions import db
from contracts.models import Trading
from lottery import demo, services
from tests.factories import make_user, placed, use_cheap_password_hashes
from tests.integration.test_lottery_services import draw_as_shown

REPO = Path(__file__).resolve().parents[2]
# GB 32100-2015, as DESIGN.md states it (written again here, independently of lottery.demo).
CHARSET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)


def uscc_is_valid(code: str) -> bool:
    if len(code) != 18 or any(c not in CHARSET for c in code):
        return False
    total = sum(CHARSET.index(c) * w for c, w in zip(code, WEIGHTS, strict=False))
    return code[17] == CHARSET[(31 - total % 31) % 31]


def org_code_is_valid(code: str) -> bool:
    """GB 11714: the 9th character checks the first eight (weights 3 7 9 10 5 8 4 2)."""
    values = [int(c) if c.isdigit() else ord(c) - 55 for c in code[:8]]
    check = 11 - sum(v * w for v, w in zip(values, (3, 7, 9, 10, 5, 8, 4, 2), strict=True)) % 11
    return code[8] == {10: "X", 11: "0"}.get(check, str(check))


@pytest.mark.parametrize("code", [*demo.AWARD_COMPANIES, *demo.WAITING_COMPANIES])
def test_the_demo_companies_have_valid_unified_social_credit_codes_of_jiangbei(code):
    assert uscc_is_valid(code), code
    assert org_code_is_valid(code[8:17]), code
    assert code.startswith("91330205")


def test_the_check_helper_rejects_a_mistyped_code():
    code = next(iter(demo.AWARD_COMPANIES))
    assert not uscc_is_valid(code[:-1] + ("0" if code[-1] != "0" else "1"))


def _run_verifier(source: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "lottery.verify", source],
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=60,
        env={"PYTHONIOENCODING": "utf-8", "PATH": "/usr/bin:/bin"},
    )


def test_the_command_line_verifier_accepts_the_published_record_by_url_and_by_file(app, tmp_path):
    staff = make_user("staff")
    d = services.commit_ranking(
        "PRJ-2026-0009-award",
        "某工程 承接单位摇号",
        placed(services.Subject("project", "PRJ-2026-0009")),
        actor=staff,
    )
    draw_as_shown(d.draw_id, ["37", "张三 5"], sorted(demo.AWARD_COMPANIES), actor=staff)

    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        url = f"http://127.0.0.1:{server.server_port}/api/v1/draws/{d.draw_id}"
        by_url = _run_verifier(url)
        downloaded = app.test_client().get(f"/api/v1/draws/{d.draw_id}?download=1")
    finally:
        server.shutdown()
        thread.join(timeout=10)
    assert by_url.returncode == 0, by_url.stdout + by_url.stderr
    assert "验证通过" in by_url.stdout

    assert "attachment" in downloaded.headers["Content-Disposition"]
    path = tmp_path / f"{d.draw_id}.json"
    path.write_bytes(downloaded.data)
    by_file = _run_verifier(str(path))
    assert by_file.returncode == 0 and "验证通过" in by_file.stdout

    tampered = json.loads(downloaded.data)
    tampered["result"] = tampered["result"][::-1]
    path.write_text(json.dumps(tampered, ensure_ascii=False), encoding="utf-8")
    refused = _run_verifier(str(path))
    assert refused.returncode == 1 and "验证失败" in refused.stdout


def _serve(app):
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    return server, thread


def test_the_command_line_verifier_accepts_the_demo_projects_draws_by_url(app, now, monkeypatch):
    use_cheap_password_hashes(monkeypatch)
    app.config["SMS_RATE_PER_SECOND"] = 1000
    now(2026, 11, 27, 10, 0)
    result = app.test_cli_runner().invoke(args=["demo"])
    assert result.exit_code == 0, result.output
    drawn, failed = (
        db.session.scalars(select(Trading).where(Trading.outcome == outcome)).first()
        for outcome in ("drawn", "failed")
    )
    # A drawn award ranking and rate pick, and an abandoned draw of a failed trading (流标).
    ids = [drawn.award_draw_id, drawn.rate_draw_id, failed.award_draw_id]
    server, thread = _serve(app)
    try:
        runs = {
            i: _run_verifier(f"http://127.0.0.1:{server.server_port}/api/v1/draws/{i}") for i in ids
        }
    finally:
        server.shutdown()
        thread.join(timeout=10)
    for draw_id in ids[:2]:
        assert runs[draw_id].returncode == 0 and "验证通过" in runs[draw_id].stdout, runs[draw_id]
    abandoned = runs[failed.award_draw_id]
    assert abandoned.returncode == 0 and "抽签已作废，公开的种子与承诺一致" in abandoned.stdout
