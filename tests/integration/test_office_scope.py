"""The scope guards the services call: a platform's, a district's and a company's account."""

from __future__ import annotations

import pytest

from app.errors import Forbidden
from app.offices import scope
from tests.factories import default_district, make_office, make_user


@pytest.fixture
def world(app):
    d1 = default_district()
    d2 = make_office("other", "另一区", kind="district")
    s11, s21 = make_office("s11", "甲街道"), make_office("s21", "乙街道", parent=d2)
    return {
        "d1": d1, "d2": d2, "s11": s11, "s21": s21,
        "clerk": make_user("staff", office=s11),
        "district": make_user("staff", office=d1),
        "company": make_user("contractor"),
        "root": make_user("admin", office=None),
    }  # fmt: skip


def test_require_district_refuses_a_platform_another_district_and_a_company(world):
    w = world
    scope.require_district(w["district"], w["d1"].id, Forbidden, "处理", "act")
    scope.require_district(w["root"], w["d1"].id, Forbidden, "处理", "act")
    scope.require_district(None, w["d1"].id, Forbidden, "处理", "act")  # the system
    for actor, district in (("clerk", "d1"), ("district", "d2"), ("company", "d1")):
        with pytest.raises(Forbidden) as e:
            scope.require_district(w[actor], w[district].id, Forbidden, "处理", "act")
        assert "区公管办" in e.value.message and "district" in e.value.message_en


def test_require_scope_and_scope_ids(world):
    w = world
    scope.require_scope(w["district"], w["s11"].id, Forbidden, "办理", "act")
    scope.require_scope(w["clerk"], w["s11"].id, Forbidden, "办理", "act")
    for actor, office in (
        ("clerk", "d1"),
        ("clerk", "s21"),
        ("district", "s21"),
        ("company", "s11"),
    ):
        with pytest.raises(Forbidden):
            scope.require_scope(w[actor], w[office].id, Forbidden, "办理", "act")
    assert sorted(scope.scope_ids(w["district"])) == sorted([w["d1"].id, w["s11"].id])
    assert scope.scope_ids(w["clerk"]) == [w["s11"].id]
    assert scope.scope_ids(w["company"]) == []
    assert scope.scope_ids(w["root"]) is None
    assert scope.district_of(w["s21"].id).id == w["d2"].id


def test_who_creates_an_office_is_the_service_s_rule(world):
    from sqlalchemy import func, select

    from app.extensions import db
    from app.offices.errors import OfficeForbidden
    from app.offices.models import Office
    from app.offices.services import NewOffice, create_office

    w = world
    district_admin = make_user("admin", office=w["d1"])
    platform_admin = make_user("admin", office=w["s11"])
    before = db.session.scalar(select(func.count(Office.id)))
    refused = (
        (w["clerk"], NewOffice("x1", "某街道", "street", w["d1"].id)),  # not an administrator
        (w["district"], NewOffice("x2", "某街道", "street", w["d1"].id)),
        (platform_admin, NewOffice("x3", "某街道", "street", w["d1"].id)),
        (district_admin, NewOffice("x4", "某街道", "street", w["d2"].id)),  # another district
        (district_admin, NewOffice("x5", "新区", "district")),  # a district
    )
    for actor, data in refused:
        with pytest.raises(OfficeForbidden):
            create_office(data, actor=actor)
    assert db.session.scalar(select(func.count(Office.id))) == before
    assert create_office(NewOffice("x6", "某街道", "street", w["d1"].id), actor=district_admin)
    assert create_office(NewOffice("x7", "新区", "district"), actor=w["root"])
