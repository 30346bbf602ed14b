"""Credit checks (信用审查) recorded at the award meeting: one per respondent of a trading."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import CheckConstraint, Date, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from app.extensions import db
from app.storage import STORED_FILE
from app.types import UTCDateTime
from contracts.screening.rules import CheckResult, Source


def _one_of(column: str, values) -> str:
    return f"{column} IN ({', '.join(repr(str(v)) for v in values)})"


class CreditCheck(db.Model):
    """Staff's check of a respondent against the national list of dishonest judgment debtors
    (失信被执行人): when, where, what it said, a screenshot or PDF of the page, a note. Recorded
    again before the freeze it replaces the earlier one (the audit keeps both)."""

    __tablename__ = "credit_checks"
    __table_args__ = (
        UniqueConstraint("trading_id", "contractor_id", name="uq_credit_checks_respondent"),
        CheckConstraint(_one_of("result", CheckResult), name="result"),
        CheckConstraint(_one_of("source", Source), name="source"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    trading_id: Mapped[int] = mapped_column(ForeignKey("tradings.id"), index=True)
    contractor_id: Mapped[int] = mapped_column(ForeignKey("contractors.id"), index=True)
    #: The day the list was consulted.
    checked_on: Mapped[date] = mapped_column(Date)
    #: Where: 信用中国 or 中国执行信息公开网 (contracts.screening.rules.Source).
    source: Mapped[str] = mapped_column(String(20))
    #: listed / not_listed (contracts.screening.rules.CheckResult).
    result: Mapped[str] = mapped_column(String(20))
    note: Mapped[str] = mapped_column(Text, default="")
    #: The screenshot or PDF of the list's answer (storage key, detected type, name, hash).
    evidence_key: Mapped[str] = mapped_column(String(100), unique=True, info=STORED_FILE)
    evidence_type: Mapped[str] = mapped_column(String(100))
    evidence_name: Mapped[str] = mapped_column(String(255))
    evidence_size: Mapped[int] = mapped_column(Integer)
    evidence_sha256: Mapped[str] = mapped_column(String(64))
    recorded_at: Mapped[datetime] = mapped_column(UTCDateTime())
    recorded_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))

    @property
    def is_listed(self) -> bool:
        return self.result == CheckResult.LISTED
