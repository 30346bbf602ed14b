"""The audit log page of staff and supervisors: filters (action prefix, actor, role, dates,
subject), newest first, paged, each row's link checked, the whole chain verified, CSV export."""

from __future__ import annotations

import csv
import io
import re

import pytest

from app import audit, clock
from app.audit import Action
from app.extensions import db
from app.supervision.queries import AUDIT_PER_PAGE
from tests.factories import default_district, signed_in, use_cheap_password_hashes
from tests.integration.test_audit import _bypass_guard_and_run


@pytest.fixture(autouse=True)
def _cheap(monkeypatch):
    use_cheap_password_hashes(monkeypatch)


def write(action, subject_type, subject_id, actor=None, after=None):
    # The default district's records: its supervisors read them (an entry of no office is the
    # deployment administrator's alone).
    entry = audit.record(
        action, subject_type, subject_id, actor=actor, after=after, office_id=default_district().id
    )
    db.session.commit()
    return entry


@pytest.fixture
def log(app, now):
    """A supervisor and a staff member signed in, then a few days of entries."""
    now(2026, 9, 28, 9, 0)
    supervisor = signed_in(app, "supervisor")
    staff = signed_in(app, "staff")
    now(2026, 9, 29, 10, 0)
    write(Action.NOTICE_DRAFTED, "notice", 7, actor=staff.user, after={"title": "甲"})
    write(Action.NOTICE_PUBLISHED, "notice", 7, actor=staff.user)
    now(2026, 9, 30, 23, 30)  # local: late on the 30th (15:30 UTC)
    write(Action.POOL_OBJECTION_FILED, "pool_objection", 12, actor="=cmd|' /C calc'!A0")
    now(2026, 10, 8, 0, 10)  # local: just after midnight on the 8th (the 7th in UTC)
    write(Action.TRADING_RESPONDED, "trading", "XM-2026-001")
    return supervisor, staff


def seqs(html: str) -> list[int]:
    return [int(s) for s in re.findall(r"<tr[^>]*>\s*<td[^>]*>(\d+)</td>", html)]


def test_the_log_is_newest_first_with_every_entry_s_link_checked(log):
    supervisor, _ = log
    html = supervisor.html("/supervision/audit")
    shown = seqs(html)
    assert shown == sorted(shown, reverse=True) and len(shown) >= 4
    assert html.count("badge-running") == len(shown)  # each link holds
    assert "badge-bad" not in html


def test_the_log_filters_by_action_prefix(log):
    supervisor, _ = log
    html = supervisor.html("/supervision/audit?action=notice:")
    assert "notice:drafted" in html and "notice:published" in html
    assert "pool_objection:filed" not in html and "user:created" not in html


def test_the_log_filters_by_actor_and_role(log):
    supervisor, staff = log
    html = supervisor.html(f"/supervision/audit?actor={staff.user.username.upper()}")
    assert "notice:drafted" in html and "trading:responded" not in html
    html = supervisor.html("/supervision/audit?role=staff")
    assert "notice:published" in html and "pool_objection:filed" not in html
    html = supervisor.html("/supervision/audit?role=system")
    assert "trading:responded" in html and "pool_objection:filed" in html
    assert "notice:drafted" not in html


def test_the_log_filters_by_local_dates_inclusive(log):
    supervisor, _ = log
    html = supervisor.html("/supervision/audit?since=2026-09-30&until=2026-09-30")
    assert "pool_objection:filed" in html  # 23:30 local on the 30th
    assert "notice:drafted" not in html and "trading:responded" not in html
    html = supervisor.html("/supervision/audit?since=2026-10-08")
    assert seqs(html) and "trading:responded" in html and "pool_objection:filed" not in html


def test_the_log_filters_by_subject(log):
    supervisor, _ = log
    html = supervisor.html("/supervision/audit?subject=notice:7")
    assert len(seqs(html)) == 2
    html = supervisor.html("/supervision/audit?subject=XM-2026")
    assert "trading:responded" in html and "notice:drafted" not in html
    html = supervisor.html("/supervision/audit?subject=%25")  # a LIKE wildcard is just text
    assert seqs(html) == []


def test_the_log_is_paged(log, now):
    supervisor, _ = log
    for n in range(AUDIT_PER_PAGE):
        write(Action.SMS_QUEUED, "sms", n)
    first = seqs(supervisor.html("/supervision/audit"))
    second = seqs(supervisor.html("/supervision/audit?page=2"))
    assert len(first) == AUDIT_PER_PAGE and second and max(second) < min(first)
    assert seqs(supervisor.html("/supervision/audit?page=99999999999999999999")) == []


@pytest.mark.parametrize(
    "query",
    [
        "since=2026-13-01",
        "since=yesterday",
        "since=9999-12-31",
        "until=0001-01-01",
        "since=2026-10-02&until=2026-10-01",
        "role=root",
        "action=" + "x" * 200,
        "actor=a%00b",
        "subject=" + "长" * 500,
    ],
)
def test_bad_filters_are_a_400_with_a_message_never_a_server_error(log, query):
    supervisor, _ = log
    for path in ("/supervision/audit", "/supervision/audit.csv"):
        response = supervisor.get(f"{path}?{query}")
        assert response.status_code == 400, (path, query)


def test_a_tampered_entry_is_marked_on_the_page_and_by_the_verification(log):
    supervisor, _ = log
    target = db.session.scalar(
        db.select(audit.AuditEntry).where(audit.AuditEntry.action == "notice:published")
    )
    _bypass_guard_and_run(
        f"UPDATE audit_entries SET actor_label = 'someone else' WHERE seq = {target.seq}"
    )
    html = supervisor.html("/supervision/audit")
    assert html.count("badge-bad") == 1
    verified = supervisor.html("/supervision/audit/verify")
    assert f"第{target.seq}条" in verified and "审计链断裂" in verified


def test_an_intact_chain_says_so(log):
    supervisor, _ = log
    assert "审计链完整" in supervisor.html("/supervision/audit/verify")


def test_the_csv_holds_the_filtered_rows_with_a_bom_and_no_formula(log):
    supervisor, _ = log
    clock.reset()
    response = supervisor.get("/supervision/audit.csv?role=system&action=pool_objection")
    assert response.status_code == 200
    assert response.headers["Content-Disposition"].startswith('attachment; filename="audit-')
    data = response.get_data()
    assert data.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(data.decode("utf-8-sig"))))
    assert rows[0][:4] == ["序号", "时间", "操作人", "操作"]
    assert len(rows) == 2
    assert rows[1][2] == "'=cmd|' /C calc'!A0"  # the formula is text
    assert rows[1][3] == "pool_objection:filed" and rows[1][8] == "完整"


def test_the_csv_keeps_json_and_chinese_readable(log):
    supervisor, _ = log
    response = supervisor.get("/supervision/audit.csv?action=notice:drafted")
    rows = list(csv.reader(io.StringIO(response.get_data().decode("utf-8-sig"))))
    assert rows[1][7] == '{"title": "甲"}'
