"""What the sanctions services share: subjects, role guards, loading, the working-day end."""

from __future__ import annotations

from datetime import date

from sqlalchemy import select

from app import clock, errors
from app.calendar.services import current_calendar
from app.errors import role_of  # noqa: F401 (for the sanctions services)
from app.extensions import db
from app.offices import scope
from app.workdays import UnconfirmedYear
from notices.errors import UnconfirmedPublicity

from .errors import SanctionForbidden, SanctionNotFound
from .models import MisconductCase, Sanction

SUBJECT_CASE = "misconduct_case"
SUBJECT_SANCTION = "sanction"
#: The SMS telling the company a case was opened and until when it may state its case.
SMS_OPENED = "case_opened"


stamp = clock.stamp


def require_office(actor, zh: str, en: str) -> None:
    # Supervisors (纪检监察/审计) read every case but change nothing.
    errors.require_office(actor, SanctionForbidden, zh, en)


def require_deciding_district(actor, district_id: int | None, zh: str, en: str) -> None:
    """Cases and sanctions are the deciding district's: its staff (or the deployment's
    administrator) act on them, never a street/town platform nor another district."""
    require_office(actor, zh, en)
    scope.require_district(actor, district_id, SanctionForbidden, zh, en)


def calendar_end(start: date, days: int):
    try:
        return current_calendar().publicity_ends_at(start, days)
    except UnconfirmedYear as e:
        # Never guessed (DESIGN.md): the year must be confirmed first; the demo confirms a
        # labelled one on this error.
        raise UnconfirmedPublicity(str(e), e.message_en, year=e.year) from None


def get_case(case_id: int, *, lock: bool = False) -> MisconductCase:
    stmt = select(MisconductCase).where(MisconductCase.id == case_id)
    if lock:
        # populate_existing: a copy the page loaded earlier is refreshed from the locked row.
        stmt = stmt.with_for_update().execution_options(populate_existing=True)
    c = db.session.scalar(stmt)
    if c is None:
        raise SanctionNotFound("案件不存在", "No such case")
    return c


def get_sanction(sanction_id: int, *, lock: bool = False) -> Sanction:
    stmt = select(Sanction).where(Sanction.id == sanction_id)
    if lock:
        stmt = stmt.with_for_update().execution_options(populate_existing=True)
    s = db.session.scalar(stmt)
    if s is None:
        raise SanctionNotFound("处理记录不存在", "No such sanction")
    return s
