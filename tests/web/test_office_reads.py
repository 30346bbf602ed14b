"""The offices every page reads (app.offices.queries.office_index): built once per process while
the table is unchanged (issue 14), and never stale — an office created through its service, or
a row changed by hand, shows on the very next request."""

from __future__ import annotations

from dataclasses import fields

from sqlalchemy import select, update

from app.extensions import db
from app.offices import queries
from app.offices.models import Office
from tests.factories import Browser, default_district, make_office


def _names(app) -> list[str]:
    """The offices' names as /api/v1/offices lists them, through a fresh request."""
    items = Browser(app).get("/api/v1/offices").get_json()["items"]
    return [item["name"] for item in items]


def test_an_office_created_through_its_service_shows_on_the_next_request(app):
    default_district()
    make_office("zh-a", "甲街道")
    assert "甲街道" in _names(app) and "乙镇" not in _names(app)
    make_office("zh-b", "乙镇")
    assert "乙镇" in _names(app)
    assert "乙镇" in Browser(app).html("/offices/")


def test_a_renamed_office_shows_its_new_name_on_the_next_request(app):
    platform = make_office("zh-a", "甲街道")
    browser = Browser(app)
    assert "甲街道" in browser.html("/offices/zh-a")
    # No service renames an office yet; a change made in the database by hand shows all the same.
    db.session.execute(
        update(Office).where(Office.id == platform.id).values(name="甲镇", name_en="Jia Town")
    )
    db.session.commit()
    page = browser.html("/offices/zh-a")
    assert "甲镇" in page and "甲街道" not in page
    browser.client.set_cookie("lang", "en")
    assert "Jia Town" in browser.html("/offices/zh-a")
    assert "甲镇" in _names(app)


def test_a_moved_or_reordered_office_is_grouped_anew(app):
    district = default_district()
    other = make_office("other", "其他区公管办", kind="district")
    platform = make_office("zh-a", "甲街道", parent=district)
    before = [(d.code, [p.code for p in ps]) for d, ps in _grouped(app)]
    assert (district.code, ["zh-a"]) in before and ("other", []) in before
    db.session.execute(update(Office).where(Office.id == platform.id).values(parent_id=other.id))
    db.session.execute(update(Office).where(Office.id == other.id).values(sort_order=-1))
    db.session.commit()
    after = [(d.code, [p.code for p in ps]) for d, ps in _grouped(app)]
    assert after[0] == ("other", ["zh-a"]) and (district.code, []) in after


def test_an_unchanged_table_is_not_built_again(app):
    make_office("zh-a", "甲街道")
    with app.test_request_context("/"):
        first = queries.office_index()
    with app.test_request_context("/"):
        again = queries.office_index()
    assert again is first
    assert first[default_district().id].is_district


def _grouped(app):
    with app.test_request_context("/"):
        return queries.grouped()


def test_a_read_row_holds_the_models_values(app):
    """Read on the driver's cursor, each value is the one the model gives (an aware created_at
    on SQLite too, where the driver gives text)."""
    make_office("zh-a", "甲街道")
    db.session.expire_all()
    with app.test_request_context("/"):
        rows = queries.office_index()
    for office in db.session.scalars(select(Office)):
        row = rows[office.id]
        assert row.created_at.tzinfo is not None
        assert [getattr(row, f.name) for f in fields(row)] == [
            getattr(office, f.name) for f in fields(row)
        ]
        assert (row.is_district, row.district_id, row.place) == (
            office.is_district,
            office.district_id,
            office.place,
        )
