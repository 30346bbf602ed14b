"""The office's table of confirmed years and their days (holidays and make-up working days)."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import CheckConstraint, Date, ForeignKey, Integer, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.extensions import db
from app.types import UTCDateTime


class CalendarYear(db.Model):
    """A year whose arrangement the office entered from the State Council's notice."""

    __tablename__ = "calendar_years"

    year: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    #: The State Council notice's number, e.g. 国办发明电〔2025〕7号.
    notice_number: Mapped[str] = mapped_column(String(100))
    #: True for an arrangement made up by `flask demo` for a year nobody confirmed (labelled on pages).
    is_demo: Mapped[bool] = mapped_column(default=False)
    confirmed_at: Mapped[datetime] = mapped_column(UTCDateTime())
    confirmed_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))

    days: Mapped[list[CalendarDay]] = relationship(
        back_populates="calendar_year", cascade="all, delete-orphan", order_by="CalendarDay.day"
    )


class CalendarDay(db.Model):
    """One exceptional day of a confirmed year."""

    __tablename__ = "calendar_days"
    __table_args__ = (CheckConstraint("kind IN ('holiday','makeup_workday')", name="kind"),)

    day: Mapped[date] = mapped_column(Date, primary_key=True)
    year: Mapped[int] = mapped_column(
        ForeignKey("calendar_years.year", ondelete="CASCADE"), index=True
    )
    #: holiday (non-working even on a weekday) or makeup_workday (调休: a weekend day that is worked).
    kind: Mapped[str] = mapped_column(String(20))

    calendar_year: Mapped[CalendarYear] = relationship(back_populates="days")
