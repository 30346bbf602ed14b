"""Who may change whose account (app/auth/rules.py), pure: scope, self, the last deployment
administrator, roles and text."""

from __future__ import annotations

import pytest

from app.auth.rules import (
    AccountFacts,
    OutOfScope,
    check_account_text,
    check_change,
    check_disable,
    check_enable,
    check_reset,
)
from app.offices.rules import Place
from app.refusal import Refusal

DISTRICT, STREET, OTHER = Place(1, "district", 1), Place(2, "street", 1), Place(3, "district", 3)
ROOT = AccountFacts(10, "admin", None)
DISTRICT_ADMIN = AccountFacts(11, "admin", DISTRICT)
STREET_ADMIN = AccountFacts(12, "admin", STREET)
CLERK = AccountFacts(20, "staff", DISTRICT)
STREET_CLERK = AccountFacts(21, "staff", STREET)
STRANGER = AccountFacts(22, "staff", OTHER)
COMPANY = AccountFacts(23, "contractor", None)


@pytest.mark.parametrize(
    ("actor", "target", "allowed"),
    [
        (ROOT, STRANGER, True),
        (ROOT, COMPANY, True),
        (DISTRICT_ADMIN, CLERK, True),
        (DISTRICT_ADMIN, STREET_CLERK, True),
        (DISTRICT_ADMIN, STREET_ADMIN, True),
        (DISTRICT_ADMIN, STRANGER, False),
        (DISTRICT_ADMIN, COMPANY, False),
        (DISTRICT_ADMIN, ROOT, False),
        (STREET_ADMIN, STREET_CLERK, True),
        (STREET_ADMIN, CLERK, False),
        (STREET_ADMIN, DISTRICT_ADMIN, False),
        (CLERK, STREET_CLERK, False),
    ],
)
def test_an_admin_manages_the_accounts_of_its_scope_only(actor, target, allowed):
    if allowed:
        check_disable(actor, target, others=1)
    else:
        with pytest.raises(OutOfScope):
            check_disable(actor, target, others=1)


def test_an_admin_never_disables_enables_or_changes_itself_nor_resets_its_own_password():
    with pytest.raises(Refusal, match="不能停用自己的账户"):
        check_disable(DISTRICT_ADMIN, DISTRICT_ADMIN, others=1)
    with pytest.raises(Refusal, match="不能启用自己的账户"):
        check_enable(DISTRICT_ADMIN, AccountFacts(11, "admin", DISTRICT, active=False))
    with pytest.raises(Refusal, match="不能更改自己的账户"):
        check_change(DISTRICT_ADMIN, DISTRICT_ADMIN, AccountFacts(11, "staff", DISTRICT), 1)
    with pytest.raises(Refusal, match="修改密码"):
        check_reset(DISTRICT_ADMIN, DISTRICT_ADMIN)


def test_the_last_active_deployment_admin_stays_one():
    with pytest.raises(Refusal, match="最后一个启用的部署管理员"):
        check_disable(None, ROOT, others=0)
    with pytest.raises(Refusal, match="最后一个启用的部署管理员"):
        check_change(None, ROOT, AccountFacts(10, "admin", DISTRICT), others=0)
    check_disable(None, ROOT, others=1)
    check_change(None, ROOT, AccountFacts(10, "admin", DISTRICT), others=1)


@pytest.mark.parametrize(
    ("actor", "target", "changed"),
    [
        (DISTRICT_ADMIN, CLERK, AccountFacts(20, "admin", None)),  # a deployment admin
        (DISTRICT_ADMIN, CLERK, AccountFacts(20, "staff", OTHER)),  # another district
        (STREET_ADMIN, STREET_CLERK, AccountFacts(21, "admin", DISTRICT)),  # its district
    ],
)
def test_no_account_is_raised_above_the_admins_own_scope(actor, target, changed):
    with pytest.raises(OutOfScope, match="只能把账户设在本机构及其下属平台"):
        check_change(actor, target, changed, others=1)


def test_a_district_admin_may_make_an_admin_of_its_district_or_platform():
    check_change(DISTRICT_ADMIN, CLERK, AccountFacts(20, "admin", DISTRICT), others=1)
    check_change(DISTRICT_ADMIN, CLERK, AccountFacts(20, "admin", STREET), others=1)


def test_a_companys_account_keeps_its_role_and_no_one_is_made_a_company():
    with pytest.raises(Refusal, match="企业账户的角色和机构不能更改"):
        check_change(ROOT, COMPANY, AccountFacts(23, "staff", DISTRICT), others=1)
    with pytest.raises(Refusal, match="不能设为该角色"):
        check_change(ROOT, CLERK, AccountFacts(20, "contractor", None), others=1)


@pytest.mark.parametrize(
    ("name", "unit", "message"),
    [
        ("", "", "请填写姓名"),
        ("   ", "", "请填写姓名"),
        ("张\x00三", "", "姓名含有不允许的控制字符"),
        ("张三", "单位\x07", "单位或部门含有不允许的控制字符"),
        ("张" * 101, "", "姓名不能超过100个字符"),
        ("张三", "x" * 201, "单位或部门不能超过200个字符"),
    ],
)
def test_a_name_or_organisation_no_column_holds_is_refused(name, unit, message):
    with pytest.raises(Refusal, match=message):
        check_account_text(name, unit)


def test_names_are_trimmed():
    assert check_account_text(" 张三 ", " 区建设局 ") == ("张三", "区建设局")
