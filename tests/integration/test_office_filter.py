"""`?office=<code>` of the public lists: which office ids a code keeps (app.offices.queries)."""

from __future__ import annotations

from app.offices.queries import ids_for_filter, office_filter
from tests.factories import default_district, make_office


def test_no_code_means_no_filter(app):
    default_district()
    assert ids_for_filter(None) is None
    assert ids_for_filter("  ") is None


def test_a_platform_keeps_itself_and_a_district_keeps_its_platforms(app):
    district = default_district()
    a = make_office("zh-a", "甲街道")
    b = make_office("zh-b", "乙镇")
    other = make_office("other", "其他区公管办", kind="district")
    make_office("ot-c", "丙街道", parent=other)
    assert ids_for_filter("zh-a") == [a.id]
    assert sorted(ids_for_filter("district")) == sorted([district.id, a.id, b.id])


def test_an_unknown_or_huge_code_keeps_nothing_and_says_so(app):
    default_district()
    flt = office_filter("nowhere")
    assert flt.ids == [] and flt.unknown and flt.code == "nowhere"
    huge = office_filter("x" * 100_000)
    assert huge.ids == [] and huge.unknown and len(huge.code) <= 41
