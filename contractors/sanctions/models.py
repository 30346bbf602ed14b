"""Tables of misconduct cases (不良行为), their sanctions (处理), the changes of a published sanction
(arts. 10–11), correction requests (art. 13) and the reserves that entered after a removal."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import JSON, Boolean, CheckConstraint, Date, ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.extensions import db
from app.types import UTCDateTime
from contractors.models import Contractor, PoolSelection

from .rules import CaseSource, Outcome, SanctionKind


def _in(column: str, values) -> str:
    return f"{column} IN ({','.join(repr(str(v)) for v in values)})"


class MisconductCase(db.Model):
    """A case against a company (不良行为案件): opened, the company heard, then decided."""

    __tablename__ = "misconduct_cases"
    __table_args__ = (
        CheckConstraint(_in("source", CaseSource), name="source"),
        CheckConstraint(f"outcome IS NULL OR {_in('outcome', Outcome)}", name="outcome"),
        CheckConstraint(
            f"proposal IS NULL OR {_in('proposal', Outcome)}",
            name="proposal",
        ),
        CheckConstraint("statement_days >= 3", name="statement_days"),
        # Decided once, and a decision carries its basis and deciding body.
        CheckConstraint(
            "(decided_at IS NULL AND outcome IS NULL) OR (decided_at IS NOT NULL AND "
            "outcome IS NOT NULL AND basis IS NOT NULL AND deciding_body IS NOT NULL)",
            name="decided",
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    contractor_id: Mapped[int] = mapped_column(ForeignKey("contractors.id"), index=True)
    #: The office it belongs to (app.offices): the district that decides it.
    office_id: Mapped[int] = mapped_column(ForeignKey("offices.id"), index=True)
    #: rules.CaseSource; `ref` names what it came from (a trading code, "evaluation:12").
    source: Mapped[str] = mapped_column(String(20))
    ref: Mapped[str | None] = mapped_column(String(80))
    #: What a rule proposes (e.g. "suspension" after two failed evaluations in 12 months).
    proposal: Mapped[str | None] = mapped_column(String(20))
    #: The facts as recorded when the case was opened.
    facts: Mapped[str] = mapped_column(Text)
    opened_at: Mapped[datetime] = mapped_column(UTCDateTime())
    opened_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    #: 陈述申辩期 in 工作日 and its exclusive end (00:00 +08:00), stored as given.
    statement_days: Mapped[int] = mapped_column(Integer)
    statement_ends_at: Mapped[datetime] = mapped_column(UTCDateTime())
    #: The company's statement (陈述申辩), by its account or entered by staff from paper.
    statement: Mapped[str | None] = mapped_column(Text)
    stated_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    stated_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    #: The decision: rules.Outcome, the act found, its legal basis, the deciding body.
    outcome: Mapped[str | None] = mapped_column(String(20))
    act: Mapped[str | None] = mapped_column(Text)
    basis: Mapped[str | None] = mapped_column(Text)
    deciding_body: Mapped[str | None] = mapped_column(String(200))
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))

    contractor: Mapped[Contractor] = relationship()
    sanction: Mapped[Sanction | None] = relationship(back_populates="case", uselist=False)


class Sanction(db.Model):
    """A sanction decided in a case, published as a `sanction` notice within 20 工作日 (art. 6)."""

    __tablename__ = "sanctions"
    __table_args__ = (
        CheckConstraint(_in("kind", SanctionKind), name="kind"),
        CheckConstraint("until IS NULL OR until > starts_on", name="period"),
        CheckConstraint("kind <> 'suspension' OR until IS NOT NULL", name="suspension_until"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("misconduct_cases.id"), unique=True)
    contractor_id: Mapped[int] = mapped_column(ForeignKey("contractors.id"), index=True)
    #: The office it belongs to (app.offices): the district that decides it.
    office_id: Mapped[int] = mapped_column(ForeignKey("offices.id"), index=True)
    kind: Mapped[str] = mapped_column(String(20))
    #: The act (违法行为), basis (处理依据) and decision (处理决定) as published (art. 8).
    reason: Mapped[str] = mapped_column(Text)
    basis: Mapped[str] = mapped_column(Text)
    decision: Mapped[str] = mapped_column(Text)
    decided_at: Mapped[datetime] = mapped_column(UTCDateTime())
    decided_by: Mapped[str] = mapped_column(String(200))
    #: Local dates: first day (inclusive), first day no longer in force (exclusive; None: for
    #: good, or a warning that restricts nothing).
    starts_on: Mapped[date] = mapped_column(Date)
    until: Mapped[date | None] = mapped_column(Date)
    #: 公开时限: 00:00 +08:00 after the 20th working day following the decision (art. 6); None
    #: while the span touches a year whose working days are not confirmed (computed once it is).
    publish_due_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    notice_id: Mapped[int | None] = mapped_column(ForeignKey("notices.id"), unique=True)
    published_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    #: First local day off the current list (art. 9); None while unpublished or for a removal.
    shown_until: Mapped[date | None] = mapped_column(Date)

    case: Mapped[MisconductCase] = relationship(back_populates="sanction")
    contractor: Mapped[Contractor] = relationship()
    changes: Mapped[list[SanctionChange]] = relationship(order_by="SanctionChange.id")


class SanctionChange(db.Model):
    """A change of a published sanction with its reason and approver (arts. 10–11), public."""

    __tablename__ = "sanction_changes"

    id: Mapped[int] = mapped_column(primary_key=True)
    sanction_id: Mapped[int] = mapped_column(ForeignKey("sanctions.id"), index=True)
    changed_at: Mapped[datetime] = mapped_column(UTCDateTime())
    #: The fields changed, before and after (JSON objects of strings/ISO dates).
    before: Mapped[dict] = mapped_column(JSON)
    after: Mapped[dict] = mapped_column(JSON)
    reason: Mapped[str] = mapped_column(Text)
    approver: Mapped[str] = mapped_column(String(100))
    recorded_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    #: The correction request it answers (art. 13), and the correction notice, if any.
    correction_id: Mapped[int | None] = mapped_column(ForeignKey("sanction_corrections.id"))
    notice_id: Mapped[int | None] = mapped_column(ForeignKey("notices.id"))


class SanctionCorrection(db.Model):
    """A company's request to correct its published record (art. 13), and the office's answer."""

    __tablename__ = "sanction_corrections"
    __table_args__ = (
        CheckConstraint(
            "(answered_at IS NULL AND upheld IS NULL) OR "
            "(answered_at IS NOT NULL AND upheld IS NOT NULL)",
            name="answered",
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    sanction_id: Mapped[int] = mapped_column(ForeignKey("sanctions.id"), index=True)
    request: Mapped[str] = mapped_column(Text)
    asked_at: Mapped[datetime] = mapped_column(UTCDateTime())
    asked_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    #: 00:00 +08:00 after the 5th working day following the request (art. 13).
    answer_due_at: Mapped[datetime] = mapped_column(UTCDateTime())
    answer: Mapped[str | None] = mapped_column(Text)
    upheld: Mapped[bool | None] = mapped_column(Boolean)
    answered_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    answered_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))

    sanction: Mapped[Sanction] = relationship()


class ReserveEntry(db.Model):
    """A reserve (候补) that entered the roster because a member was removed: once per selection
    (the unique key), published as a correction of the roster in the removal's transaction."""

    __tablename__ = "sanction_reserve_entries"

    id: Mapped[int] = mapped_column(primary_key=True)
    sanction_id: Mapped[int] = mapped_column(ForeignKey("sanctions.id"), index=True)
    #: The removed member's selection, and the reserve's selection that replaced it.
    removed_selection_id: Mapped[int] = mapped_column(ForeignKey("pool_selections.id"), unique=True)
    selection_id: Mapped[int] = mapped_column(ForeignKey("pool_selections.id"), unique=True)
    enters_on: Mapped[date] = mapped_column(Date)
    notice_id: Mapped[int] = mapped_column(ForeignKey("notices.id"))

    selection: Mapped[PoolSelection] = relationship(foreign_keys=[selection_id])
    removed: Mapped[PoolSelection] = relationship(foreign_keys=[removed_selection_id])
