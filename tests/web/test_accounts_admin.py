"""The administrator opens accounts, supervisors' included, on the accounts page and with
`flask users create`; a supervisor so made signs in and lands on their home page."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from app.auth.models import User
from app.extensions import db
from tests.factories import Browser, default_district, signed_in, use_cheap_password_hashes


@pytest.fixture(autouse=True)
def _cheap(monkeypatch):
    use_cheap_password_hashes(monkeypatch)


NEW = {
    "username": "jijian01",
    "display_name": "孙国平",
    "role": "supervisor",
    "organisation": "区纪委监委派驻纪检监察组",
    "password": "long enough passphrase",
}


def test_an_admin_opens_a_supervisor_account_who_then_signs_in(app):
    admin = signed_in(app, "admin")
    assert "纪检监察与审计人员" in admin.html("/admin/accounts")
    response = admin.submit("/admin/accounts", NEW)
    assert response.status_code == 302
    user = db.session.scalar(select(User).where(User.username == "jijian01"))
    assert user.role == "supervisor"
    assert "jijian01" in admin.html("/admin/accounts")

    supervisor = Browser(app)
    response = supervisor.login("jijian01", NEW["password"])
    assert response.status_code == 302 and response.headers["Location"].endswith("/dashboard")
    assert "/supervision/audit" in supervisor.html("/dashboard")


@pytest.mark.parametrize(
    ("field", "value"),
    [("username", "UPPER CASE!"), ("password", "short"), ("role", "contractor"), ("role", "root")],
)
def test_a_bad_account_is_refused_on_its_field_and_nothing_is_made(app, field, value):
    admin = signed_in(app, "admin")
    count = db.session.scalar(select(db.func.count(User.id)))
    response = admin.submit("/admin/accounts", {**NEW, field: value})
    assert response.status_code == 400
    assert 'aria-invalid="true"' in response.get_data(as_text=True)
    assert db.session.scalar(select(db.func.count(User.id))) == count


def test_a_taken_username_is_refused(app):
    admin = signed_in(app, "admin")
    assert admin.submit("/admin/accounts", NEW).status_code == 302
    response = admin.submit("/admin/accounts", NEW)
    assert response.status_code == 400 and "已被使用" in response.get_data(as_text=True)


@pytest.mark.parametrize("role", ["staff", "supervisor", "reviewer"])
def test_only_the_admin_opens_accounts(app, role):
    who = signed_in(app, role)
    assert who.get("/admin/accounts").status_code == 403
    assert who.post("/admin/accounts", NEW).status_code == 403
    assert db.session.scalar(select(User).where(User.username == "jijian01")) is None


def test_the_cli_creates_a_supervisor(app):
    runner = app.test_cli_runner()
    result = runner.invoke(
        args=["users", "create", "--username", "shenji", "--name", "审计员",
              "--role", "supervisor", "--office", default_district().code,
              "--password", "long enough passphrase"],
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    assert "created shenji (supervisor)" in result.output


def test_the_cli_disables_and_enables_an_account_but_never_the_last_deployment_admin(app):
    from tests.factories import make_user

    make_user("staff", "clerk")
    make_user("admin", "root", office=None)
    runner = app.test_cli_runner()
    result = runner.invoke(args=["users", "disable", "--username", "clerk"])
    assert result.exit_code == 0 and "disabled clerk" in result.output
    assert not db.session.scalar(select(User.is_active_account).where(User.username == "clerk"))
    result = runner.invoke(args=["users", "disable", "--username", "root"])
    assert result.exit_code == 1 and "最后一个启用的部署管理员" in result.output
    result = runner.invoke(args=["users", "enable", "--username", "clerk"])
    assert result.exit_code == 0 and "enabled clerk" in result.output
    result = runner.invoke(args=["users", "enable", "--username", "nobody"])
    assert result.exit_code == 1 and "no account named" in result.output
