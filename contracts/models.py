"""Trading tables: projects, their tradings (one per announcement), response commitments, signed
contracts and refusals to sign."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import (
    JSON,
    CheckConstraint,
    Date,
    ForeignKey,
    Index,
    Integer,
    Numeric,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.extensions import db
from app.storage import STORED_FILE
from app.types import UTCDateTime
from contracts.rules import Facts, Filing, Outcome, stage_of

Money = Numeric(14, 2)


def _one_of(column: str, values) -> str:
    return f"{column} IN ({', '.join(repr(str(v)) for v in values)})"


def _initial_stage(context) -> str:
    """The stage of a project inserted without one: of its filing alone (no trading yet)."""
    return str(stage_of(Facts(context.get_current_parameters()["filing"])))


class Project(db.Model):
    """A small work entered by its owner (业主) or staff, filed (备案) by staff before trading."""

    __tablename__ = "projects"
    # The stored facts the state rule reads hold together (contracts.rules.Filing): a filed
    # project has its filing moment and nothing else has one; a sent-back one has its reasons.
    __table_args__ = (
        CheckConstraint(_one_of("filing", Filing), name="filing"),
        CheckConstraint(
            f"(filing = '{Filing.FILED}' AND filed_at IS NOT NULL)"
            f" OR (filing <> '{Filing.FILED}' AND filed_at IS NULL)",
            name="filed",
        ),
        CheckConstraint(
            f"filing <> '{Filing.SENT_BACK}' OR sent_back_reasons <> ''", name="sent_back"
        ),
        # An office's newest projects (its page, the home page's cards) without a sort.
        Index("ix_projects_office_filed", "office_id", "filed_at", "id"),
        # The public list and the API, newest filing first (app.keyset).
        Index("ix_projects_filing_filed", "filing", "filed_at", "id"),
        # The public list's ?state=, newest filing first (contracts.stage); the responses' close
        # in the index answers an announced project's clock without reading its row or trading.
        Index("ix_projects_stage_filed", "stage", "filed_at", "id", "responses_close_at"),
        # The same of a district (`?office=&state=`): a range per office (contracts.queries.public).
        Index(
            "ix_projects_office_stage_filed",
            "office_id",
            "stage",
            "filed_at",
            "id",
            "responses_close_at",
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    #: Public code, e.g. PRJ-2026-0007; its tradings' draws are `<trading code>-award` / `-rate`.
    code: Mapped[str] = mapped_column(String(40), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    #: 业主 as printed (a unit, a 街道/镇 or a village collective).
    owner_name: Mapped[str] = mapped_column(String(200))
    #: The owner account that entered it (null when staff entered it for the owner).
    owner_user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), index=True)
    #: The office it belongs to (app.offices): the platform (or district) that trades it.
    office_id: Mapped[int] = mapped_column(ForeignKey("offices.id"), index=True)
    #: 街道/镇 and 村 (the bulletin board where the notice is posted).
    town: Mapped[str] = mapped_column(String(100))
    village: Mapped[str] = mapped_column(String(100), default="")
    #: The pool category whose active members are told and may respond.
    category_code: Mapped[str] = mapped_column(ForeignKey("pool_categories.code"), index=True)
    #: construction / supervision: which statutory threshold applies (contracts.rules.KINDS).
    kind: Mapped[str] = mapped_column(String(20), default="construction")
    #: state (国有) / collective (村集体).
    funding: Mapped[str] = mapped_column(String(20))
    #: 单项合同估算价, yuan.
    estimate: Mapped[Decimal] = mapped_column(Money)
    #: 控制价, yuan; the discount applies to (control − non_competitive_part).
    control_price: Mapped[Decimal] = mapped_column(Money)
    #: 不可竞争费用 (e.g. 安全文明施工费), yuan; 0 when the rate applies to the whole price.
    non_competitive_part: Mapped[Decimal] = mapped_column(Money, default=Decimal("0.00"))
    duration_days: Mapped[int] = mapped_column(Integer)
    scope: Mapped[str] = mapped_column(Text, default="")
    contact_person: Mapped[str] = mapped_column(String(100))
    contact_phone: Mapped[str] = mapped_column(String(40))
    #: The trading documents generated from the model text (交易文件示范文本), Markdown.
    documents: Mapped[str] = mapped_column(Text, default="")
    #: Filing, a staff decision: a contracts.rules.Filing (submitted / sent_back / filed).
    filing: Mapped[str] = mapped_column(String(20), default=Filing.SUBMITTED)
    #: The clock-free part of its state, a stored copy of its facts (contracts.rules.stage_of:
    #: the state but that an announced project awaits its meeting once its responses closed).
    #: Kept by contracts.stage on every flush; the public list's ?state= reads it by the
    #: (stage, filed_at, id) index (issue 14). The state itself is never stored.
    stage: Mapped[str] = mapped_column(String(20), default=_initial_stage)
    #: Its latest trading's responses close (None before any trading), copied with the stage by
    #: contracts.stage: the one moment at which the clock changes its state (an announced
    #: project then awaits its meeting), read from the list's index with the stage.
    responses_close_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    #: Why staff sent it back (shown to the owner).
    sent_back_reasons: Mapped[str] = mapped_column(Text, default="")
    filed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    filed_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))

    tradings: Mapped[list[Trading]] = relationship(
        back_populates="project", order_by="Trading.round"
    )

    @property
    def is_filed(self) -> bool:
        """备案: its facts and documents are fixed (whatever happened to its tradings since)."""
        return self.filing == Filing.FILED

    @property
    def is_sent_back(self) -> bool:
        return self.filing == Filing.SENT_BACK


class Trading(db.Model):
    """One announcement of a project: its notice, the two committed draws and the meeting.

    Open or closed by the clock (the notice's publicity end); `outcome` records what the meeting
    decided. A failed trading (流标) may be followed by a new round with new draws.
    """

    __tablename__ = "tradings"
    # What the meeting decided comes with its facts (contracts.rules.Outcome), set in one step
    # of contracts.services.award / contract. `held_at` is set before the draws (which flush), so
    # it is required of a decided trading only.
    __table_args__ = (
        UniqueConstraint("project_id", "round", name="uq_tradings_project_round"),
        # The public statistics (contracts.queries.stats): the tradings decided in a year.
        Index("ix_tradings_outcome_held", "outcome", "held_at"),
        CheckConstraint(f"outcome IS NULL OR {_one_of('outcome', Outcome)}", name="outcome"),
        CheckConstraint(
            "outcome IS NOT NULL OR (winner_uscc IS NULL AND discount_rate IS NULL"
            " AND contract_price IS NULL AND failed_reason = '')",
            name="pending",
        ),
        CheckConstraint(
            f"outcome IS NULL OR outcome <> '{Outcome.DRAWN}' OR (winner_uscc IS NOT NULL"
            " AND discount_rate IS NOT NULL AND contract_price IS NOT NULL"
            " AND held_at IS NOT NULL)",
            name="drawn",
        ),
        CheckConstraint(
            f"outcome IS NULL OR outcome <> '{Outcome.FAILED}' OR (failed_reason <> ''"
            " AND held_at IS NOT NULL AND winner_uscc IS NULL AND contract_price IS NULL)",
            name="failed",
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    project_id: Mapped[int] = mapped_column(ForeignKey("projects.id"), index=True)
    round: Mapped[int] = mapped_column(Integer, default=1)
    #: PRJ-2026-0007 for the first round, PRJ-2026-0007-2 after a failed one: the draws' subject.
    code: Mapped[str] = mapped_column(String(50), unique=True)
    notice_id: Mapped[int] = mapped_column(ForeignKey("notices.id"))
    #: The response deadline: the trading notice's publicity end (exclusive), copied for queries.
    responses_close_at: Mapped[datetime] = mapped_column(UTCDateTime(), index=True)
    meeting_at: Mapped[datetime] = mapped_column(UTCDateTime(), index=True)
    meeting_place: Mapped[str] = mapped_column(String(200))
    #: The published discount-rate options, percent strings in their printed order.
    rate_options: Mapped[list] = mapped_column(JSON)
    award_draw_id: Mapped[str] = mapped_column(String(80), unique=True)
    rate_draw_id: Mapped[str] = mapped_column(String(80), unique=True)
    #: None until the meeting; then a contracts.rules.Outcome ("drawn" or "failed").
    outcome: Mapped[str | None] = mapped_column(String(20))
    failed_reason: Mapped[str] = mapped_column(Text, default="")
    held_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    #: The current contract unit's USCC: rank 1, or the next after refusals.
    winner_uscc: Mapped[str | None] = mapped_column(String(18))
    discount_rate: Mapped[Decimal | None] = mapped_column(Numeric(5, 2))
    contract_price: Mapped[Decimal | None] = mapped_column(Money)
    #: The trading_result or trading_failed notice; corrections link to it.
    result_notice_id: Mapped[int | None] = mapped_column(ForeignKey("notices.id"))
    #: When the result notification letter (交易结果通知书) was issued: with the result notice.
    letter_issued_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    #: Set while the office has suspended the trading (暂停, art. 62; contracts.services
    #: suspend_trading), cleared when it resumes: the state rule's SUSPENDED fact. Each period
    #: is kept in trading_suspensions. Indexed: the public list's ?state=suspended reads its
    #: few suspended tradings by it (contracts.queries.state_bound, issue 14).
    suspended_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())

    project: Mapped[Project] = relationship(back_populates="tradings")
    responses: Mapped[list[TradingResponse]] = relationship(
        back_populates="trading", order_by="TradingResponse.id"
    )

    @property
    def is_decided(self) -> bool:
        """The award meeting decided this round (drawn or failed)."""
        return self.outcome is not None

    @property
    def is_drawn(self) -> bool:
        return self.outcome == Outcome.DRAWN

    @property
    def is_failed(self) -> bool:
        return self.outcome == Outcome.FAILED


class TradingResponse(db.Model):
    """A response commitment (交易响应承诺): the unified form's text confirmed online."""

    __tablename__ = "trading_responses"
    __table_args__ = (
        UniqueConstraint("trading_id", "contractor_id", name="uq_trading_responses_contractor"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    trading_id: Mapped[int] = mapped_column(ForeignKey("tradings.id"), index=True)
    contractor_id: Mapped[int] = mapped_column(ForeignKey("contractors.id"), index=True)
    #: The commitment text exactly as confirmed.
    commitment_text: Mapped[str] = mapped_column(Text)
    confirmed_at: Mapped[datetime] = mapped_column(UTCDateTime())
    #: Set by a withdrawal before the deadline; a new confirmation clears it.
    withdrawn_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    trading: Mapped[Trading] = relationship(back_populates="responses")


class Contract(db.Model):
    """The signed contract the owner records."""

    __tablename__ = "contracts"

    id: Mapped[int] = mapped_column(primary_key=True)
    trading_id: Mapped[int] = mapped_column(ForeignKey("tradings.id"), unique=True)
    contractor_id: Mapped[int] = mapped_column(ForeignKey("contractors.id"), index=True)
    signed_on: Mapped[date] = mapped_column(Date)
    #: Never above the trading's contract price (contracts.rules.check_contract_amount).
    amount: Mapped[Decimal] = mapped_column(Money)
    #: Why the amount is below the contract price ("" when equal); published with the contract.
    amount_reason: Mapped[str] = mapped_column(Text, default="", server_default="")
    recorded_at: Mapped[datetime] = mapped_column(UTCDateTime())
    recorded_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))


class Refusal(db.Model):
    """A winner's refusal to sign without good cause (《招标投标法实施条例》 art. 74): the award
    passed on; a later issue turns these records into sanctions."""

    __tablename__ = "refusals"
    # A company refuses a trading's award once: a form posted twice, or two at once, cannot
    # record a second refusal (and pass the award on from a company that never refused).
    __table_args__ = (
        UniqueConstraint("trading_id", "contractor_id", name="uq_refusals_trading_contractor"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    trading_id: Mapped[int] = mapped_column(ForeignKey("tradings.id"), index=True)
    contractor_id: Mapped[int] = mapped_column(ForeignKey("contractors.id"), index=True)
    reason: Mapped[str] = mapped_column(Text)
    #: Who the award passed to (null when the ranking was exhausted).
    passed_to_uscc: Mapped[str | None] = mapped_column(String(18))
    correction_notice_id: Mapped[int | None] = mapped_column(ForeignKey("notices.id"))
    recorded_at: Mapped[datetime] = mapped_column(UTCDateTime())
    recorded_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    #: Extra facts as given (e.g. the owner's letter reference).
    details: Mapped[dict | None] = mapped_column(JSON)


class ProjectAttachment(db.Model):
    """A file the owner or staff attach to a project's trading documents (drawings, a bill of
    quantities…), kept in app.storage under a generated key."""

    __tablename__ = "project_attachments"

    id: Mapped[int] = mapped_column(primary_key=True)
    project_id: Mapped[int] = mapped_column(ForeignKey("projects.id"), index=True)
    #: Generated key in the file storage (never the uploaded name).
    storage_key: Mapped[str] = mapped_column(String(100), unique=True, info=STORED_FILE)
    #: The name as uploaded, used for the download.
    original_name: Mapped[str] = mapped_column(String(255))
    #: Type detected from the content, not from the name or the browser.
    content_type: Mapped[str] = mapped_column(String(100))
    size: Mapped[int] = mapped_column(Integer)
    sha256: Mapped[str] = mapped_column(String(64))
    uploaded_at: Mapped[datetime] = mapped_column(UTCDateTime())
    uploaded_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))


class BulletinPosting(db.Model):
    """Staff's record that the printed trading notice was posted on a bulletin board
    (信息公开栏): who posted it, when, where, and optionally a photo of it on the board."""

    __tablename__ = "bulletin_postings"

    id: Mapped[int] = mapped_column(primary_key=True)
    trading_id: Mapped[int] = mapped_column(ForeignKey("tradings.id"), index=True)
    #: Who posted it, as written (a village clerk is often not a platform user).
    posted_by: Mapped[str] = mapped_column(String(100))
    posted_at: Mapped[datetime] = mapped_column(UTCDateTime())
    #: Where, e.g. "某村村委会信息公开栏".
    place: Mapped[str] = mapped_column(String(200))
    #: Optional photo of the posted notice (storage key, detected type, name as uploaded).
    photo_key: Mapped[str | None] = mapped_column(String(100), unique=True, info=STORED_FILE)
    photo_type: Mapped[str | None] = mapped_column(String(100))
    photo_name: Mapped[str | None] = mapped_column(String(255))
    recorded_at: Mapped[datetime] = mapped_column(UTCDateTime())
    recorded_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))


class TradingSuspension(db.Model):
    """One period during which the office suspended a trading (暂停, 《招标投标法实施条例》
    art. 62): why, since when and by whom, and when and why it resumed; each end published."""

    __tablename__ = "trading_suspensions"
    # A resumption comes with its facts, and not before the suspension.
    __table_args__ = (
        CheckConstraint(
            "(resumed_at IS NULL AND resumed_by_id IS NULL AND resume_notice_id IS NULL"
            " AND resume_reason = '') OR (resumed_at IS NOT NULL AND resumed_at >= suspended_at"
            " AND resume_reason <> '')",
            name="resumed",
        ),
        CheckConstraint("reason <> ''", name="reason"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    trading_id: Mapped[int] = mapped_column(ForeignKey("tradings.id"), index=True)
    #: The complaint that led to it, if any: a plain number (complaints have their own tables).
    complaint_id: Mapped[int | None] = mapped_column(Integer)
    #: Why, as published.
    reason: Mapped[str] = mapped_column(Text)
    suspended_at: Mapped[datetime] = mapped_column(UTCDateTime())
    suspended_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    #: The correction notice that published the suspension.
    suspend_notice_id: Mapped[int] = mapped_column(ForeignKey("notices.id"))
    resumed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    resumed_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    resume_reason: Mapped[str] = mapped_column(Text, default="", server_default="")
    #: The correction notice that published the resumption (with any new times).
    resume_notice_id: Mapped[int | None] = mapped_column(ForeignKey("notices.id"))

    @property
    def is_open(self) -> bool:
        return self.resumed_at is None


#: `stat_rollups.office_id` of the rows that sum every office (no office has id 0).
EVERY_OFFICE = 0


class StatRollup(db.Model):
    """The public statistics' figures of one office (or of every office) and one local year,
    kept as they happen (issue 14): the pages read these few rows instead of a year's tradings
    and draws. Written only by contracts.services.rollup, in the transaction of the event that
    changes them (the award meeting, a refusal to sign); `flask stats rebuild` recomputes them
    from the tradings and draws. Each row is one figure's key:

    - ``month`` ``YYYY-MM``, ``category`` a pool category code, ``rate`` a discount rate
      (``4.50``): drawn tradings by their meeting (`n`, `total` their contract value);
    - ``letter`` ``YYYY-MM-DD YYYY-MM-DD``: drawn tradings by the local days of their trading
      notice and their result letter (working days are counted when read, on the calendar then
      in force, so a year confirmed later counts without a rebuild);
    - ``entry`` ``USCC size winners``: award draws a company entered (`n`) and won (`wins`);
    - ``response`` ``USCC``: its responses to the tradings decided that year.
    """

    __tablename__ = "stat_rollups"
    __table_args__ = (
        UniqueConstraint("year", "office_id", "figure", "key", name="uq_stat_rollups_key"),
        # An office's page reads its notice-to-letter pairs of every year, in key order.
        Index("ix_stat_rollups_figure_office", "figure", "office_id", "key", "n"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    #: The local calendar year of the meeting (of the draw, for ``entry``).
    year: Mapped[int] = mapped_column(Integer)
    #: The project's office (the draw's, for ``entry``); EVERY_OFFICE for the platform's sum.
    office_id: Mapped[int] = mapped_column(Integer)
    figure: Mapped[str] = mapped_column(String(16))
    key: Mapped[str] = mapped_column(String(80))
    n: Mapped[int] = mapped_column(Integer, default=0)
    total: Mapped[Decimal] = mapped_column(Numeric(16, 2), default=Decimal("0"))
    wins: Mapped[int] = mapped_column(Integer, default=0)


class StatVersion(db.Model):
    """How many times the rollup's rows of one office (or of every office) and one local year have
    changed: the data version of the figures kept per process (contracts.queries.stats_memo). Bumped
    by contracts.services.rollup in the transaction that changes the rows, so a request that reads
    the version and finds it unchanged knows the figures computed at that version are still the
    figures; a scope of several offices reads the sum of theirs (each only grows)."""

    __tablename__ = "stat_versions"

    year: Mapped[int] = mapped_column(Integer, primary_key=True)
    #: An office's id, or EVERY_OFFICE (bumped with every office's change).
    office_id: Mapped[int] = mapped_column(Integer, primary_key=True)
    version: Mapped[int] = mapped_column(Integer, default=0)
