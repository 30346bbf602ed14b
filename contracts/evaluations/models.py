"""Evaluation tables: one evaluation per recorded contract, and its evidence files."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import CheckConstraint, Date, ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.extensions import db
from app.storage import STORED_FILE
from app.types import UTCDateTime
from contracts.evaluations.rules import Aspect, Verdict

_VERDICTS = ", ".join(repr(str(v)) for v in Verdict)


def _verdict(column: str) -> CheckConstraint:
    return CheckConstraint(f"{column} IN ({_VERDICTS})", name=column)


class Evaluation(db.Model):
    """The owner's (or staff's, on the owner's behalf) evaluation of a contract's contractor."""

    __tablename__ = "evaluations"
    __table_args__ = (
        *(_verdict(a.value) for a in Aspect),
        _verdict("result"),
        # The overall result is the rule's (contracts.evaluations.rules.overall), held here too.
        CheckConstraint(
            "(result = 'fail') = (quality = 'fail' OR schedule = 'fail' OR safety = 'fail'"
            " OR cooperation = 'fail')",
            name="overall",
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    #: One evaluation per contract: a second (or a form posted twice) is refused here too.
    contract_id: Mapped[int] = mapped_column(ForeignKey("contracts.id"), unique=True)
    #: The company evaluated: the contract's contractor.
    contractor_id: Mapped[int] = mapped_column(ForeignKey("contractors.id"), index=True)
    #: 完工日期 as entered: not in the future, not before the contract was signed.
    completed_on: Mapped[date] = mapped_column(Date)
    quality: Mapped[str] = mapped_column(String(10))
    schedule: Mapped[str] = mapped_column(String(10))
    safety: Mapped[str] = mapped_column(String(10))
    cooperation: Mapped[str] = mapped_column(String(10))
    #: Reasons per part ("" when none was given); required for every failed part.
    quality_reason: Mapped[str] = mapped_column(Text, default="")
    schedule_reason: Mapped[str] = mapped_column(Text, default="")
    safety_reason: Mapped[str] = mapped_column(Text, default="")
    cooperation_reason: Mapped[str] = mapped_column(Text, default="")
    #: 合格 / 不合格: 不合格 when any part fails.
    result: Mapped[str] = mapped_column(String(10))
    #: The misconduct case a 不合格 opened (contractors.sanctions), once sanctions exist.
    case_ref: Mapped[str | None] = mapped_column(String(80))
    evaluated_at: Mapped[datetime] = mapped_column(UTCDateTime())
    evaluated_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    #: True when staff entered it on the owner's behalf.
    by_staff: Mapped[bool] = mapped_column(default=False)

    evidence: Mapped[list[EvaluationEvidence]] = relationship(
        back_populates="evaluation", order_by="EvaluationEvidence.id"
    )

    def verdict(self, aspect: Aspect) -> Verdict:
        return Verdict(getattr(self, aspect.value))

    def reason(self, aspect: Aspect) -> str:
        return getattr(self, f"{aspect.value}_reason")

    @property
    def failed(self) -> bool:
        return self.result == Verdict.FAILED


class EvaluationEvidence(db.Model):
    """An evidence file of an evaluation (photos, test reports, rectification notices)."""

    __tablename__ = "evaluation_evidence"

    id: Mapped[int] = mapped_column(primary_key=True)
    evaluation_id: Mapped[int] = mapped_column(ForeignKey("evaluations.id"), index=True)
    #: Generated key in the file storage (never the uploaded name).
    storage_key: Mapped[str] = mapped_column(String(100), unique=True, info=STORED_FILE)
    original_name: Mapped[str] = mapped_column(String(255))
    content_type: Mapped[str] = mapped_column(String(100))
    size: Mapped[int] = mapped_column(Integer)
    sha256: Mapped[str] = mapped_column(String(64))

    evaluation: Mapped[Evaluation] = relationship(back_populates="evidence")
