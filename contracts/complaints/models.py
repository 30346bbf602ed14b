"""Complaint tables: a complaint about a trading (投诉), its evidence files and the pauses of its
decision clock (专家评审, 检验检测)."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import CheckConstraint, Date, ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.extensions import db
from app.storage import STORED_FILE
from app.types import UTCDateTime
from contracts.complaints.rules import Ground, Matter, Outcome, PauseKind


def _one_of(column: str, values) -> str:
    return f"{column} IN ({', '.join(repr(str(v)) for v in values)})"


class Complaint(db.Model):
    """A complaint to the supervising department about a trading round.

    Its state (contracts.complaints.rules.status_of) is derived from the moments set below, each
    set once by its service; the CHECK constraints hold the combinations the rules name.
    """

    __tablename__ = "complaints"
    __table_args__ = (
        CheckConstraint(_one_of("matter", Matter), name="matter"),
        CheckConstraint(f"outcome IS NULL OR {_one_of('outcome', Outcome)}", name="outcome"),
        CheckConstraint(
            f"refusal_ground IS NULL OR {_one_of('refusal_ground', Ground)}", name="ground"
        ),
        # Accepted or refused, never both; refused with its ground.
        CheckConstraint("accepted_at IS NULL OR refused_at IS NULL", name="accept_or_refuse"),
        CheckConstraint(
            "(refused_at IS NULL) = (refusal_ground IS NULL)", name="refused_with_ground"
        ),
        # Decided only once accepted, with its outcome, facts, basis and text.
        CheckConstraint("(decided_at IS NULL) = (outcome IS NULL)", name="decided_with_outcome"),
        CheckConstraint("decided_at IS NULL OR accepted_at IS NOT NULL", name="decided_accepted"),
        CheckConstraint(
            "decided_at IS NULL OR (decision_basis <> '' AND decision_text <> ''"
            " AND decision_facts <> '')",
            name="decision_complete",
        ),
        # Withdrawn (with its reason) only while neither refused nor decided.
        CheckConstraint(
            "withdrawn_at IS NULL OR (decided_at IS NULL AND refused_at IS NULL"
            " AND withdrawal_reason <> '')",
            name="withdrawn_open",
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    #: The trading complained about (subject {"type": "trading", "code": Trading.code}).
    trading_id: Mapped[int] = mapped_column(ForeignKey("tradings.id"), index=True)
    #: The office it belongs to (app.offices): the platform of the trading; its district handles it.
    office_id: Mapped[int] = mapped_column(ForeignKey("offices.id"), index=True)
    #: contracts.complaints.rules.Matter: the notice, the meeting, the result or other.
    matter: Mapped[str] = mapped_column(String(20))
    #: The complaining company when it filed from its account, or when staff named a registered
    #: company entering a complaint received on paper; null for another complainant.
    complainant_contractor_id: Mapped[int | None] = mapped_column(
        ForeignKey("contractors.id"), index=True
    )
    #: 办法 art. 7: the complainant and the respondent with their contacts (never published).
    complainant_name: Mapped[str] = mapped_column(String(200))
    complainant_contact: Mapped[str] = mapped_column(String(300))
    respondent_name: Mapped[str] = mapped_column(String(200))
    respondent_contact: Mapped[str] = mapped_column(String(300))
    #: The respondent's credit code, when it is a company (a case may be opened against it).
    respondent_uscc: Mapped[str | None] = mapped_column(String(18))
    facts: Mapped[str] = mapped_column(Text)
    requests: Mapped[str] = mapped_column(Text)
    #: The day the complainant says it knew of the matter (the 10 日 count from it).
    knew_on: Mapped[date] = mapped_column(Date)
    #: The end of the filing window when it was filed (kept as given).
    window_ends_at: Mapped[datetime] = mapped_column(UTCDateTime())
    received_at: Mapped[datetime] = mapped_column(UTCDateTime())
    #: Who entered it: the complainant's own account, or staff for one received on paper.
    filed_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    on_paper: Mapped[bool] = mapped_column(default=False)
    #: 00:00 +08:00 after the 3rd working day following receipt (art. 61), as given at receipt;
    #: null when a year it spans was unconfirmed then (computed once it is: queries.accept_by).
    accept_by: Mapped[datetime | None] = mapped_column(UTCDateTime())

    accepted_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    accepted_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))

    refused_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    #: contracts.complaints.rules.Ground, with its article.
    refusal_ground: Mapped[str | None] = mapped_column(String(40))
    refusal_reason: Mapped[str] = mapped_column(Text, default="")

    #: Staff recorded that a violation is established: a withdrawal is refused from then on.
    violation_found_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    violation_finding: Mapped[str] = mapped_column(Text, default="")

    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    outcome: Mapped[str | None] = mapped_column(String(20))
    decision_facts: Mapped[str] = mapped_column(Text, default="")
    decision_basis: Mapped[str] = mapped_column(String(500), default="")
    decision_text: Mapped[str] = mapped_column(Text, default="")
    #: The complaint_decision notice that published the decision or the refusal.
    decision_notice_id: Mapped[int | None] = mapped_column(ForeignKey("notices.id"))

    withdrawn_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    withdrawal_reason: Mapped[str] = mapped_column(Text, default="")

    #: When staff suspended the trading on this complaint (art. 62), and resumed it.
    suspended_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    resumed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    evidence: Mapped[list[ComplaintEvidence]] = relationship(
        back_populates="complaint", order_by="ComplaintEvidence.id"
    )
    pauses: Mapped[list[ComplaintPause]] = relationship(
        back_populates="complaint", order_by="ComplaintPause.id"
    )
    #: Read-only: lets a list load its complaints' tradings with the page (queries.public_page).
    trading = relationship("Trading", viewonly=True, lazy="raise_on_sql")


class ComplaintEvidence(db.Model):
    """An evidence file of a complaint (PDF, JPEG, PNG), stored under a generated name."""

    __tablename__ = "complaint_evidence"

    id: Mapped[int] = mapped_column(primary_key=True)
    complaint_id: Mapped[int] = mapped_column(ForeignKey("complaints.id"), index=True)
    storage_key: Mapped[str] = mapped_column(String(100), unique=True, info=STORED_FILE)
    #: The name the file was uploaded under (secure_filename would strip Chinese).
    original_name: Mapped[str] = mapped_column(String(255))
    content_type: Mapped[str] = mapped_column(String(100))
    size: Mapped[int] = mapped_column(Integer)
    sha256: Mapped[str] = mapped_column(String(64))
    uploaded_at: Mapped[datetime] = mapped_column(UTCDateTime())

    complaint: Mapped[Complaint] = relationship(back_populates="evidence")


class ComplaintPause(db.Model):
    """A stop of the decision clock (art. 61 para. 2): its reason, start and end (local days)."""

    __tablename__ = "complaint_pauses"
    __table_args__ = (
        CheckConstraint(_one_of("kind", PauseKind), name="kind"),
        CheckConstraint("ended_on IS NULL OR ended_on >= started_on", name="ordered"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    complaint_id: Mapped[int] = mapped_column(ForeignKey("complaints.id"), index=True)
    #: contracts.complaints.rules.PauseKind: expert review or testing.
    kind: Mapped[str] = mapped_column(String(20))
    reason: Mapped[str] = mapped_column(Text)
    started_on: Mapped[date] = mapped_column(Date)
    ended_on: Mapped[date | None] = mapped_column(Date)
    recorded_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))

    complaint: Mapped[Complaint] = relationship(back_populates="pauses")
