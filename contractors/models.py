"""Pool tables: categories and fail reasons (data), contractors, calls, applications, review
decisions, objections and the pool's members."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import (
    JSON,
    Boolean,
    CheckConstraint,
    Date,
    ForeignKey,
    Integer,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.extensions import db
from app.storage import STORED_FILE
from app.types import UTCDateTime
from contractors import rules


class PoolCategory(db.Model):
    """A category of the pool (建筑工程, 市政公用工程…): data, inserted by the migration."""

    __tablename__ = "pool_categories"

    id: Mapped[int] = mapped_column(primary_key=True)
    #: Short ASCII code used in draw ids and the API (`?category=JZ`).
    code: Mapped[str] = mapped_column(String(20), unique=True)
    name: Mapped[str] = mapped_column(String(100), unique=True)
    #: Shown on the English site (app.i18n.named); empty: the Chinese name serves both.
    name_en: Mapped[str] = mapped_column(String(100), default="", server_default="")
    sort_order: Mapped[int] = mapped_column(Integer, default=0)
    #: A retired category stays for history but is offered in no new call.
    is_active: Mapped[bool] = mapped_column(Boolean, default=True)


class FailReason(db.Model):
    """A reason a review may give for a fail (资质类别不符…): data, inserted by the migration."""

    __tablename__ = "pool_fail_reasons"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(40), unique=True)
    label: Mapped[str] = mapped_column(String(100))
    #: Shown on the English site; empty: the Chinese label serves both.
    label_en: Mapped[str] = mapped_column(String(100), default="", server_default="")
    sort_order: Mapped[int] = mapped_column(Integer, default=0)
    #: "other" needs free text: the list alone does not say what was wrong.
    needs_text: Mapped[bool] = mapped_column(Boolean, default=False)


class Contractor(db.Model):
    """A registered company (企业). A contractor account owns exactly one."""

    __tablename__ = "contractors"

    id: Mapped[int] = mapped_column(primary_key=True)
    #: 统一社会信用代码, normalised by contractors.identity (GB 32100-2015).
    uscc: Mapped[str] = mapped_column(String(18), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    legal_representative: Mapped[str] = mapped_column(String(100))
    contact_person: Mapped[str] = mapped_column(String(100))
    #: Mainland mobile in E.164 (+861XXXXXXXXXX): where the pool's SMS go.
    contact_mobile: Mapped[str] = mapped_column(String(16))
    address: Mapped[str] = mapped_column(String(300))
    #: 安全生产许可证 number and its last valid day (local date, inclusive).
    safety_licence_number: Mapped[str] = mapped_column(String(100), default="")
    safety_licence_valid_until: Mapped[date | None] = mapped_column(Date)
    #: The account that owns this company's data (null only for data loaded by staff).
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), unique=True)
    registered_at: Mapped[datetime] = mapped_column(UTCDateTime())
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime())
    #: When trading-office staff checked (核验) the registration: until then, and until the company
    #: applies to a call, it has no public page (contractors.rules.is_publicly_listed).
    checked_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    checked_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))

    qualifications: Mapped[list[Qualification]] = relationship(
        back_populates="contractor", cascade="all, delete-orphan", order_by="Qualification.id"
    )
    documents: Mapped[list[ContractorDocument]] = relationship(
        back_populates="contractor", cascade="all, delete-orphan", order_by="ContractorDocument.id"
    )


class Qualification(db.Model):
    """A qualification certificate (资质证书): category, grade, number, validity."""

    __tablename__ = "contractor_qualifications"

    id: Mapped[int] = mapped_column(primary_key=True)
    contractor_id: Mapped[int] = mapped_column(
        ForeignKey("contractors.id", ondelete="CASCADE"), index=True
    )
    #: 资质类别 as printed, e.g. 建筑工程施工总承包.
    category: Mapped[str] = mapped_column(String(100))
    #: 等级, e.g. 三级.
    grade: Mapped[str] = mapped_column(String(50))
    number: Mapped[str] = mapped_column(String(100))
    #: Last valid day (local date, inclusive).
    valid_until: Mapped[date | None] = mapped_column(Date)

    contractor: Mapped[Contractor] = relationship(back_populates="qualifications")


class ContractorDocument(db.Model):
    """An uploaded licence, certificate or permit, stored under a generated name."""

    __tablename__ = "contractor_documents"

    id: Mapped[int] = mapped_column(primary_key=True)
    contractor_id: Mapped[int] = mapped_column(
        ForeignKey("contractors.id", ondelete="CASCADE"), index=True
    )
    #: business_licence, qualification, safety_licence or other (contractors.rules.DOCUMENT_KINDS).
    kind: Mapped[str] = mapped_column(String(30))
    storage_key: Mapped[str] = mapped_column(String(100), unique=True, info=STORED_FILE)
    original_name: Mapped[str] = mapped_column(String(255))
    content_type: Mapped[str] = mapped_column(String(100))
    size: Mapped[int] = mapped_column(Integer)
    sha256: Mapped[str] = mapped_column(String(64))
    uploaded_at: Mapped[datetime] = mapped_column(UTCDateTime())

    contractor: Mapped[Contractor] = relationship(back_populates="documents")


class PoolCall(db.Model):
    """A pool call (征集): drafted, consulted (会商), published as a `pool_call` notice.

    Its state is derived from its notices and the clock (contractors.rules), never stored.
    """

    __tablename__ = "pool_calls"
    __table_args__ = (CheckConstraint("valid_until >= valid_from", name="validity"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    #: Public code, e.g. POOL-2026-01; the pool draws are `<code>-<category code>`.
    code: Mapped[str] = mapped_column(String(40), unique=True)
    title: Mapped[str] = mapped_column(String(200))
    #: The office it belongs to (app.offices): the district whose pool it fills.
    office_id: Mapped[int] = mapped_column(ForeignKey("offices.id"), index=True)
    #: 申请条件, Markdown.
    requirements: Mapped[str] = mapped_column(Text, default="")
    #: The pool's validity (local dates, both inclusive as printed: "2027-01-01至2028-12-31").
    valid_from: Mapped[date] = mapped_column(Date)
    valid_until: Mapped[date] = mapped_column(Date)
    #: Working days of the call's publicity (≥ 10); applications are accepted during it.
    publicity_days: Mapped[int] = mapped_column(Integer, default=10)
    #: Bumped by each edit of the draft: consultation opinions apply to one revision.
    revision: Mapped[int] = mapped_column(Integer, default=1)
    #: 摇号会议: time and place, printed in the review-result publicity.
    meeting_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), index=True)
    meeting_place: Mapped[str] = mapped_column(String(200), default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    call_notice_id: Mapped[int | None] = mapped_column(ForeignKey("notices.id"))
    review_notice_id: Mapped[int | None] = mapped_column(ForeignKey("notices.id"))
    roster_publicity_notice_id: Mapped[int | None] = mapped_column(ForeignKey("notices.id"))
    roster_notice_id: Mapped[int | None] = mapped_column(ForeignKey("notices.id"))

    categories: Mapped[list[PoolCallCategory]] = relationship(
        back_populates="call", cascade="all, delete-orphan", order_by="PoolCallCategory.sort_order"
    )
    consultations: Mapped[list[Consultation]] = relationship(
        back_populates="call", cascade="all, delete-orphan", order_by="Consultation.id"
    )
    call_notice = relationship("Notice", foreign_keys=[call_notice_id])
    review_notice = relationship("Notice", foreign_keys=[review_notice_id])
    roster_publicity_notice = relationship("Notice", foreign_keys=[roster_publicity_notice_id])
    roster_notice = relationship("Notice", foreign_keys=[roster_notice_id])


class PoolCallCategory(db.Model):
    """A category offered by a call, its quota (入围数量) and its pool draw."""

    __tablename__ = "pool_call_categories"
    __table_args__ = (
        UniqueConstraint("call_id", "category_id"),
        CheckConstraint("quota >= 1", name="quota"),
        CheckConstraint("outcome IS NULL OR outcome IN ('drawn','all_enter')", name="outcome"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    call_id: Mapped[int] = mapped_column(ForeignKey("pool_calls.id", ondelete="CASCADE"))
    category_id: Mapped[int] = mapped_column(ForeignKey("pool_categories.id"))
    quota: Mapped[int] = mapped_column(Integer)
    sort_order: Mapped[int] = mapped_column(Integer, default=0)
    #: The ranking draw committed with the review result (LOTTERY.md: commitment printed there).
    draw_id: Mapped[str | None] = mapped_column(String(80), unique=True)
    #: Settled at the meeting: "drawn" (over quota) or "all_enter" (the draw was abandoned as
    #: not needed); null before.
    outcome: Mapped[str | None] = mapped_column(String(20))
    settled_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    call: Mapped[PoolCall] = relationship(back_populates="categories")
    category: Mapped[PoolCategory] = relationship()

    @property
    def is_drawn(self) -> bool:
        """Settled by the ranking draw (more qualified than the quota)."""
        return self.outcome == rules.Settlement.DRAWN

    @property
    def all_entered(self) -> bool:
        """Settled without a draw: every qualified applicant entered."""
        return self.outcome == rules.Settlement.ALL_ENTER


class Consultation(db.Model):
    """A department's opinion on the call documents (会商), given by a reviewer account."""

    __tablename__ = "pool_consultations"

    id: Mapped[int] = mapped_column(primary_key=True)
    call_id: Mapped[int] = mapped_column(ForeignKey("pool_calls.id", ondelete="CASCADE"))
    reviewer_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    #: The reviewer's department at the time (the account's organisation).
    department: Mapped[str] = mapped_column(String(200))
    #: The call's revision the opinion is about.
    revision: Mapped[int] = mapped_column(Integer)
    agrees: Mapped[bool] = mapped_column(Boolean)
    opinion: Mapped[str] = mapped_column(Text)
    recorded_at: Mapped[datetime] = mapped_column(UTCDateTime())

    call: Mapped[PoolCall] = relationship(back_populates="consultations")
    reviewer = relationship("User")


class PoolApplication(db.Model):
    """A contractor's application (申请) to a call; one per contractor and call."""

    __tablename__ = "pool_applications"
    __table_args__ = (UniqueConstraint("call_id", "contractor_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    call_id: Mapped[int] = mapped_column(ForeignKey("pool_calls.id"), index=True)
    contractor_id: Mapped[int] = mapped_column(ForeignKey("contractors.id"), index=True)
    #: Ids of the contractor's documents submitted with it (申请文件).
    document_ids: Mapped[list] = mapped_column(JSON, default=list)
    submitted_at: Mapped[datetime] = mapped_column(UTCDateTime())
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime())
    #: Set when withdrawn; a new application in the window clears it.
    withdrawn_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    call: Mapped[PoolCall] = relationship()
    contractor: Mapped[Contractor] = relationship()
    entries: Mapped[list[ApplicationEntry]] = relationship(
        back_populates="application", cascade="all, delete-orphan", order_by="ApplicationEntry.id"
    )


class ApplicationEntry(db.Model):
    """One category of an application and its review decision (资格审查: pass / fail + reason)."""

    __tablename__ = "pool_application_entries"
    __table_args__ = (
        UniqueConstraint("application_id", "call_category_id"),
        CheckConstraint("decision IS NULL OR decision IN ('pass','fail')", name="decision"),
        # 不合格必须说明理由 (DESIGN.md A.3–4): a fail always has a reason from the list.
        CheckConstraint("decision <> 'fail' OR reason_code IS NOT NULL", name="fail_has_reason"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    application_id: Mapped[int] = mapped_column(
        ForeignKey("pool_applications.id", ondelete="CASCADE"), index=True
    )
    call_category_id: Mapped[int] = mapped_column(ForeignKey("pool_call_categories.id"))
    decision: Mapped[str | None] = mapped_column(String(10))
    reason_code: Mapped[str | None] = mapped_column(String(40))
    reason_text: Mapped[str] = mapped_column(Text, default="")
    reviewed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    reviewed_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))

    application: Mapped[PoolApplication] = relationship(back_populates="entries")
    call_category: Mapped[PoolCallCategory] = relationship()


class Objection(db.Model):
    """An objection (异议) to the review result, filed during its publicity, answered by staff."""

    __tablename__ = "pool_objections"
    # A review objection names the decision; a roster objection the category's drawn roster.
    __table_args__ = (
        CheckConstraint("stage IN ('review', 'roster')", name="stage"),
        CheckConstraint(
            "(stage = 'review' AND entry_id IS NOT NULL)"
            " OR (stage = 'roster' AND call_category_id IS NOT NULL AND answer_by IS NOT NULL)",
            name="subject",
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    call_id: Mapped[int] = mapped_column(ForeignKey("pool_calls.id"), index=True)
    #: A contractors.rules.ObjectionStage: the review result, or the roster publicity.
    stage: Mapped[str] = mapped_column(String(10), default="review", server_default="review")
    #: Who objected.
    contractor_id: Mapped[int] = mapped_column(ForeignKey("contractors.id"))
    #: The decision objected to (a review objection).
    entry_id: Mapped[int | None] = mapped_column(ForeignKey("pool_application_entries.id"))
    #: The category whose drawn roster is objected to (a roster objection).
    call_category_id: Mapped[int | None] = mapped_column(ForeignKey("pool_call_categories.id"))
    #: A roster objection's answer deadline (3 日, exclusive), computed on receipt.
    answer_by: Mapped[datetime | None] = mapped_column(UTCDateTime())
    text: Mapped[str] = mapped_column(Text)
    filed_at: Mapped[datetime] = mapped_column(UTCDateTime())
    answer: Mapped[str | None] = mapped_column(Text)
    upheld: Mapped[bool | None] = mapped_column(Boolean)
    answered_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    answered_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    #: The correction notice (更正公告) an upheld objection published.
    correction_notice_id: Mapped[int | None] = mapped_column(ForeignKey("notices.id"))

    contractor: Mapped[Contractor] = relationship()
    entry: Mapped[ApplicationEntry | None] = relationship(foreign_keys=[entry_id])
    call_category: Mapped[PoolCallCategory | None] = relationship(foreign_keys=[call_category_id])

    @property
    def is_roster(self) -> bool:
        return self.stage == "roster"


class PoolSelection(db.Model):
    """A qualified applicant's place after the meeting: selected (入围) or reserve (候补) in order.

    Membership (active on a date) is `contractors.rules.is_active_member` over these rows, never
    a stored flag: `since` is set by the roster notice.
    """

    __tablename__ = "pool_selections"
    __table_args__ = (
        UniqueConstraint("call_category_id", "contractor_id"),
        CheckConstraint("status IN ('selected','reserve')", name="status"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    call_category_id: Mapped[int] = mapped_column(ForeignKey("pool_call_categories.id"))
    contractor_id: Mapped[int] = mapped_column(ForeignKey("contractors.id"), index=True)
    status: Mapped[str] = mapped_column(String(10))
    #: 1-based place in the draw's ranking (or in code order when all entered).
    position: Mapped[int] = mapped_column(Integer)
    #: First active day (local date, inclusive): the roster notice's date, not before valid_from.
    since: Mapped[date | None] = mapped_column(Date)
    #: First day no longer active (local date, exclusive): the day after the pool's valid_until.
    until: Mapped[date | None] = mapped_column(Date)

    call_category: Mapped[PoolCallCategory] = relationship()
    contractor: Mapped[Contractor] = relationship()

    @property
    def is_selected(self) -> bool:
        """入围 (not a reserve)."""
        return self.status == rules.SelectionStatus.SELECTED


# The sanctions sub-package's tables belong to this domain's metadata (create_app imports this
# module): imported last, as they refer to the tables above.
import contractors.sanctions.models  # noqa: E402, F401
