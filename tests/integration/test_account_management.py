"""An administrator manages accounts (app/auth/accounts.py): who may disable, enable, reset and
change whose account, each refusal with its message and nothing written, each change audited."""

from __future__ import annotations

import threading

import pytest
from sqlalchemy import func, select

from app.audit import AuditEntry, verify_chain
from app.auth import accounts
from app.auth.accounts import AccountChange
from app.auth.errors import AccountError, AccountForbidden, LoginRefused
from app.auth.models import User
from app.auth.services import NewUser, authenticate, change_password, create_user
from app.errors import NotFound
from app.extensions import db
from tests.factories import (
    PASSWORD,
    at_once,
    default_district,
    make_office,
    make_user,
    use_cheap_password_hashes,
)


@pytest.fixture(autouse=True)
def _cheap(monkeypatch):
    use_cheap_password_hashes(monkeypatch)


def _audit_count() -> int:
    return db.session.scalar(select(func.count(AuditEntry.id)))


def _entries(user, action: str) -> list[AuditEntry]:
    return [e for e in accounts.history(user.id) if e.action == action]


@pytest.fixture
def world(app):
    """The default district with a platform, another district, and their accounts."""
    district = default_district()
    street = make_office("street-a", "甲街道", parent=district)
    other = make_office("other", "乙区公管办", kind="district")
    return {
        "root": make_user("admin", "root", office=None),
        "admin": make_user("admin", "dadmin"),
        "street_admin": make_user("admin", "sadmin", office=street),
        "staff": make_user("staff", "clerk"),
        "street_staff": make_user("staff", "sclerk", office=street),
        "other_staff": make_user("staff", "oclerk", office=other),
        "company": make_user("contractor", "company"),
        "district": district,
        "street": street,
        "other": other,
    }


def test_a_district_admin_disables_an_account_of_its_district_who_can_no_longer_sign_in(world):
    admin, clerk = world["admin"], world["staff"]
    version = clerk.session_version
    accounts.disable_account(clerk.id, actor=admin)
    db.session.expire_all()
    user = db.session.get(User, clerk.id)
    assert not user.is_active_account
    assert user.session_version == version + 1  # every session of it ended
    with pytest.raises(LoginRefused, match="该账户已停用"):
        authenticate("clerk", PASSWORD)
    [entry] = _entries(clerk, "user:disabled")
    assert entry.actor_id == admin.id and entry.office_id == world["district"].id

    accounts.enable_account(clerk.id, actor=admin)
    assert authenticate("clerk", PASSWORD).id == clerk.id
    assert [e.action for e in accounts.history(clerk.id)][:2] == ["user:enabled", "user:disabled"]
    assert verify_chain().ok


def test_a_district_admin_manages_its_platforms_accounts_and_a_deployment_admin_any(world):
    accounts.disable_account(world["street_staff"].id, actor=world["admin"])
    accounts.disable_account(world["other_staff"].id, actor=world["root"])
    accounts.disable_account(world["company"].id, actor=world["root"])
    assert all(
        not db.session.get(User, world[k].id).is_active_account
        for k in ("street_staff", "other_staff", "company")
    )


OUT_OF_SCOPE = "只能管理本机构及其下属平台的账户"


@pytest.mark.parametrize(
    ("actor", "target", "error", "message"),
    [
        ("admin", "admin", AccountError, "不能停用自己的账户"),
        ("admin", "other_staff", AccountForbidden, OUT_OF_SCOPE),
        ("admin", "company", AccountForbidden, OUT_OF_SCOPE),
        ("admin", "root", AccountForbidden, OUT_OF_SCOPE),
        ("street_admin", "staff", AccountForbidden, OUT_OF_SCOPE),
        ("street_admin", "admin", AccountForbidden, OUT_OF_SCOPE),
        ("staff", "street_staff", AccountForbidden, "只有管理员可以管理账户"),
        ("root", "root", AccountError, "不能停用自己的账户"),
    ],
)
def test_a_disabling_not_allowed_is_refused_with_its_message_and_nothing_written(
    world, actor, target, error, message
):
    before = _audit_count()
    with pytest.raises(error, match=message):
        accounts.disable_account(world[target].id, actor=world[actor])
    db.session.expire_all()
    assert db.session.get(User, world[target].id).is_active_account
    assert _audit_count() == before


def test_an_account_disabled_or_enabled_twice_is_refused_the_second_time(world):
    accounts.disable_account(world["staff"].id, actor=world["admin"])
    with pytest.raises(AccountError, match="该账户已停用"):
        accounts.disable_account(world["staff"].id, actor=world["admin"])
    accounts.enable_account(world["staff"].id, actor=world["admin"])
    with pytest.raises(AccountError, match="该账户已是启用状态"):
        accounts.enable_account(world["staff"].id, actor=world["admin"])


def test_the_last_active_deployment_admin_is_never_disabled_or_demoted(world):
    root = world["root"]
    with pytest.raises(AccountError, match="不能停用最后一个启用的部署管理员"):
        accounts.disable_account(root.id, actor=None)  # the command line: no self rule
    with pytest.raises(AccountError, match="不能更改最后一个启用的部署管理员"):
        accounts.change_account(AccountChange(root.id, "admin", world["district"].id), actor=None)
    second = make_user("admin", "root2", office=None)
    accounts.disable_account(second.id, actor=root)  # root stays: allowed
    with pytest.raises(AccountError, match="最后一个启用的部署管理员"):
        accounts.disable_account(root.id, actor=None)
    accounts.enable_account(second.id, actor=root)
    accounts.disable_account(root.id, actor=second)
    assert not db.session.get(User, root.id).is_active_account


def test_a_role_and_office_change_is_audited_with_before_and_after_and_ends_sessions(world):
    clerk = world["staff"]
    version = clerk.session_version
    accounts.change_account(
        AccountChange(clerk.id, "admin", world["street"].id), actor=world["admin"]
    )
    db.session.expire_all()
    user = db.session.get(User, clerk.id)
    assert (user.role, user.office_id) == ("admin", world["street"].id)
    assert user.session_version == version + 1
    [entry] = _entries(clerk, "user:role_changed")
    assert entry.before == {"role": "staff", "office": "district"}
    assert entry.after == {"role": "admin", "office": "street-a"}
    assert entry.actor_id == world["admin"].id


@pytest.mark.parametrize(
    ("actor", "target", "role", "office", "error", "message"),
    [
        # Above the administrator's own scope: a deployment admin, another district, the district.
        ("admin", "staff", "admin", None, AccountForbidden, "只能把账户设在本机构及其下属平台"),
        ("admin", "staff", "staff", "other", AccountForbidden, "只能把账户设在本机构及其下属平台"),
        ("street_admin", "street_staff", "admin", "district", AccountForbidden,
         "只能把账户设在本机构及其下属平台"),
        ("admin", "other_staff", "staff", "district", AccountForbidden, OUT_OF_SCOPE),
        ("admin", "admin", "staff", "district", AccountError, "不能更改自己的账户"),
        ("admin", "staff", "reviewer", "street", AccountError, "须属于区公管办"),
        ("admin", "staff", "supervisor", None, AccountError, "须属于一个机构"),
        ("admin", "staff", "staff", "district", AccountError, "角色和所属机构都没有变化"),
        ("admin", "staff", "contractor", "district", AccountError, "不能设为该角色"),
        ("root", "company", "staff", "district", AccountError, "企业账户的角色和机构不能更改"),
    ],
)  # fmt: skip
def test_a_change_not_allowed_is_refused_with_its_message_and_nothing_written(
    world, actor, target, role, office, error, message
):
    before = _audit_count()
    office_id = world[office].id if office else None
    with pytest.raises(error, match=message):
        accounts.change_account(
            AccountChange(world[target].id, role, office_id), actor=world[actor]
        )
    db.session.expire_all()
    user = db.session.get(User, world[target].id)
    assert (user.role, user.office_id) == (world[target].role, world[target].office_id)
    assert _audit_count() == before


def test_a_reset_password_works_once_and_must_then_be_changed(world):
    clerk = world["staff"]
    first = accounts.reset_password(clerk.id, actor=world["admin"])
    second = accounts.reset_password(clerk.id, actor=world["admin"])
    assert first != second and len(second) >= 10
    for old in (PASSWORD, first):  # the old password and the earlier one-time one are gone
        with pytest.raises(LoginRefused):
            authenticate("clerk", old)
    user = authenticate("clerk", second)
    assert user.must_change_password
    change_password(clerk.id, second, "my own new passphrase")
    assert not db.session.get(User, clerk.id).must_change_password
    with pytest.raises(LoginRefused):
        authenticate("clerk", second)
    assert authenticate("clerk", "my own new passphrase").id == clerk.id
    resets = _entries(clerk, "user:password_reset")
    assert len(resets) == 2 and second not in str([e.payload() for e in resets])


def test_an_admin_resets_no_password_of_its_own_or_outside_its_scope(world):
    with pytest.raises(AccountError, match="请在“修改密码”页面修改自己的密码"):
        accounts.reset_password(world["admin"].id, actor=world["admin"])
    with pytest.raises(AccountForbidden, match=OUT_OF_SCOPE):
        accounts.reset_password(world["other_staff"].id, actor=world["admin"])
    with pytest.raises(NotFound, match="账户不存在"):
        accounts.reset_password(987_654, actor=world["admin"])


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("display_name", "张\x00三", "姓名含有不允许的控制字符"),
        ("display_name", "张" * 10_000, "姓名不能超过100个字符"),
        ("organisation", "单位\x00", "单位或部门含有不允许的控制字符"),
        ("organisation", "x" * 1_000_000, "单位或部门不能超过200个字符"),
        ("username", "zhang\x00san", "用户名只能包含"),
        ("username", "a" * 100_000, "用户名只能包含"),
        ("password", "p" * 100_000, "密码不能超过200个字符"),
    ],
)
def test_nul_bytes_and_huge_input_are_refused_with_a_message(app, field, value, message):
    data = {"username": "zhangsan", "display_name": "张三", "role": "staff",
            "password": PASSWORD, "office_id": default_district().id} | {field: value}  # fmt: skip
    with pytest.raises(AccountError, match=message) as refused:
        create_user(NewUser(**data))
    assert refused.value.field == field
    assert db.session.scalar(select(func.count(User.id))) == 0


def test_twenty_simultaneous_creations_of_one_username_make_one_account(app):
    if db.engine.dialect.name != "postgresql":
        pytest.skip("the race of concurrent writers is PostgreSQL's (SQLite has one writer)")
    admin = make_user("admin", "dadmin")
    admin_id, office_id = admin.id, admin.office_id
    threads, barrier, lock = 20, threading.Barrier(20), threading.Lock()
    outcomes: list[str] = []

    def create(i: int) -> None:
        with app.app_context():
            try:
                data = NewUser("samename", f"同名{i}", "staff", PASSWORD, office_id=office_id)
                barrier.wait(timeout=30)  # then each takes a connection: all at once
                create_user(data, actor=db.session.get(User, admin_id))
                outcome = "created"
            except AccountError as e:
                outcome = e.message
            except Exception as e:  # anything else is a failure of the rule
                outcome = repr(e)
            finally:
                db.session.remove()
            with lock:
                outcomes.append(outcome)

    workers = [threading.Thread(target=create, args=(i,)) for i in range(threads)]
    for t in workers:
        t.start()
    for t in workers:
        t.join(timeout=120)
    assert sorted(outcomes) == ["created"] + ["用户名“samename”已被使用"] * 19
    db.session.rollback()
    assert db.session.scalar(select(func.count(User.id)).where(User.username == "samename")) == 1
    created = db.session.scalars(
        select(AuditEntry).where(AuditEntry.action == "user:created")
    ).all()
    assert len(created) == 2  # the admin's and the one account's
    assert verify_chain().ok


def test_two_deployment_admins_disabling_each_other_twenty_times_at_once_leave_one_active(app):
    # "Never the last active deployment admin" counts the others under their row locks: A
    # disabling B and B disabling A at once must not leave none (nor end in a 500).
    if db.engine.dialect.name != "postgresql":
        pytest.skip("the race of concurrent writers is PostgreSQL's (SQLite has one writer)")
    first = make_user("admin", "root", office=None)
    second = make_user("admin", "root2", office=None)
    pairs = [(first.id, second.id), (second.id, first.id)]

    def disable(i: int) -> None:
        actor, target = pairs[i % 2]
        accounts.disable_account(target, actor=db.session.get(User, actor))

    outcomes = at_once(app, disable, 20)

    assert not [o for o in outcomes if o[0] == "error"], outcomes
    assert outcomes.count(("done", "")) == 1, outcomes
    db.session.rollback()
    active = db.session.scalars(
        select(User.username).where(User.role == "admin", User.is_active_account.is_(True))
    ).all()
    assert len(active) == 1


def test_two_deployment_admins_demoting_each_other_twenty_times_at_once_leave_one(app):
    # The same rule through a change of role: both admins' rows are locked in one order, so
    # the second change waits for the first (it had deadlocked disabling, CI 5 December 2026).
    if db.engine.dialect.name != "postgresql":
        pytest.skip("the race of concurrent writers is PostgreSQL's (SQLite has one writer)")
    first = make_user("admin", "root", office=None)
    second = make_user("admin", "root2", office=None)
    district = default_district().id
    db.session.commit()
    pairs = [(first.id, second.id), (second.id, first.id)]

    def demote(i: int) -> None:
        actor, target = pairs[i % 2]
        change = AccountChange(user_id=target, role="staff", office_id=district)
        accounts.change_account(change, actor=db.session.get(User, actor))

    outcomes = at_once(app, demote, 20)

    assert not [o for o in outcomes if o[0] == "error"], outcomes
    db.session.rollback()
    admins = db.session.scalars(
        select(User.username).where(User.role == "admin", User.office_id.is_(None))
    ).all()
    assert len(admins) == 1


def test_a_password_change_begun_before_a_reset_cannot_undo_the_reset(world, app):
    # The change-password form checks the current password against the account as the request
    # loaded it (the signed-in user): an administrator's reset committed in between — the old
    # password known to someone else — was overwritten by that someone's new password, and the
    # one-time password no longer worked.
    clerk, admin_id = world["staff"], world["admin"].id
    held = db.session.get(User, clerk.id)  # the request's signed-in account, before the reset
    assert not held.must_change_password

    def reset(i: int) -> None:
        accounts.reset_password(clerk.id, actor=db.session.get(User, admin_id))

    assert at_once(app, reset, 1) == [("done", "")]
    with pytest.raises(AccountError, match="当前密码不正确"):
        change_password(clerk.id, PASSWORD, "someone else's passphrase")
    db.session.rollback()
    db.session.expire_all()
    assert db.session.get(User, clerk.id).must_change_password
    with pytest.raises(LoginRefused):
        authenticate("clerk", "someone else's passphrase")
