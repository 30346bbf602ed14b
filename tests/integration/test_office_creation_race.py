"""Two administrators adding the same office at once (probe of issue 16): the one that loses the
race gets the service's refusal, never a 500, and exactly one office exists per code."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from app.extensions import db
from app.offices import services
from app.offices.errors import OfficeError
from app.offices.models import Office
from app.offices.services import NewOffice, create_office
from tests.factories import default_district


def _count(code: str) -> int:
    return db.session.scalar(select(func.count()).select_from(Office).where(Office.code == code))


def test_a_code_taken_between_the_check_and_the_insert_is_refused_not_a_500(app, monkeypatch):
    district = default_district()
    create_office(NewOffice("race-a", "赛跑街道", "street", district.id))
    total = db.session.scalar(select(func.count()).select_from(Office))

    # The other writer committed after this one's checks: they saw no office of that code.
    real = db.session.scalar

    def blind(statement, *a, **k):
        if "offices" in str(statement) and "count" not in str(statement).lower():
            return None
        return real(statement, *a, **k)

    monkeypatch.setattr(services.db.session, "scalar", blind)
    with pytest.raises(OfficeError) as refused:
        create_office(NewOffice("race-a", "另一街道", "street", district.id))
    monkeypatch.undo()

    assert refused.value.field == "code"
    assert "race-a" in refused.value.message
    assert _count("race-a") == 1
    assert db.session.scalar(select(func.count()).select_from(Office)) == total


def test_two_districts_of_one_name_are_refused(app):
    create_office(NewOffice("race-d1", "赛跑区公管办", "district"))
    with pytest.raises(OfficeError) as refused:
        create_office(NewOffice("race-d2", "赛跑区公管办", "district"))
    assert refused.value.field == "name"
    assert _count("race-d2") == 0
