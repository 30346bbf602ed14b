"""Draw records: the commitment, the frozen inputs, the revealed seed and the result of each draw."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, CheckConstraint, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from app.extensions import db
from app.types import UTCDateTime

# JSON columns store Python None as SQL NULL, so that the CHECK constraints below see it.
_JSON = JSON(none_as_null=True)


class Draw(db.Model):
    """One draw of format ``smallworks-draw/1`` (LOTTERY.md).

    committed → drawn, or committed → abandoned; never anything after. The services guard the
    transitions, the CHECK constraints tie the status to the fields that must (not) be set, and a
    trigger (see the "draws" migration) refuses any change to a drawn or abandoned row, any change
    of the commitment, and every DELETE.
    """

    __tablename__ = "draws"
    __table_args__ = (
        CheckConstraint("kind IN ('ranking','pick')", name="kind"),
        CheckConstraint("status IN ('committed','drawn','abandoned')", name="status"),
        CheckConstraint("winners >= 1 AND (kind = 'ranking' OR winners = 1)", name="winners"),
        CheckConstraint(
            "length(seed_commitment) = 64 AND (seed IS NULL OR length(seed) = 64)",
            name="seed_lengths",
        ),
        # The seed is sealed while committed and in clear only once revealed (lottery.seeds).
        CheckConstraint(
            "(status = 'committed' AND seed IS NULL AND sealed_seed IS NOT NULL)"
            " OR (status <> 'committed' AND seed IS NOT NULL AND sealed_seed IS NULL)",
            name="seed_at_rest",
        ),
        CheckConstraint(
            "status <> 'committed' OR (public_entropy IS NULL AND result IS NULL"
            " AND drawn_at IS NULL AND abandoned_at IS NULL AND abandon_reason IS NULL)",
            name="committed_fields",
        ),
        CheckConstraint(
            "status <> 'drawn' OR (candidates IS NOT NULL AND public_entropy IS NOT NULL"
            " AND result IS NOT NULL AND drawn_at IS NOT NULL AND drawn_by_id IS NOT NULL"
            " AND pending_entropy IS NULL AND abandoned_at IS NULL AND abandon_reason IS NULL)",
            name="drawn_fields",
        ),
        CheckConstraint(
            "status <> 'abandoned' OR (abandon_reason IS NOT NULL AND abandoned_at IS NOT NULL"
            " AND result IS NULL AND drawn_at IS NULL AND public_entropy IS NULL"
            " AND pending_entropy IS NULL)",
            name="abandoned_fields",
        ),
        Index("ix_draws_subject", "subject_type", "subject_code"),
        # The public list and the API, newest commitment first, all or of one status (app.keyset).
        Index("ix_draws_committed", "committed_at", "id"),
        Index("ix_draws_status_committed", "status", "committed_at", "id"),
        # The same of a district (`?office=`): a range per office and status (lottery.queries).
        Index("ix_draws_office_status_committed", "office_id", "status", "committed_at", "id"),
        # The public statistics (contracts.queries.stats): the award draws drawn in a year.
        Index("ix_draws_kind_drawn", "kind", "drawn_at"),
        Index("ix_draws_office_kind_drawn", "office_id", "kind", "status", "drawn_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    #: The public id, `[A-Za-z0-9._-]`, unique forever: a new draw gets a new id (LOTTERY.md).
    draw_id: Mapped[str] = mapped_column(String(80), unique=True)
    #: "ranking" (order all candidates) or "pick" (choose one option).
    kind: Mapped[str] = mapped_column(String(10))
    #: What is drawn, in Chinese, e.g. "洪塘街道鞍山村文化礼堂修缮工程 承接单位摇号".
    purpose: Mapped[str] = mapped_column(String(500))
    #: A ranking selects its first `winners`; a pick always 1.
    winners: Mapped[int] = mapped_column(Integer, default=1)
    status: Mapped[str] = mapped_column(String(20), default="committed", index=True)
    #: The seed, 64 hex characters, in clear only once revealed (drawn or abandoned): public then.
    seed: Mapped[str | None] = mapped_column(String(64))
    #: The secret seed while committed, encrypted at rest (lottery.seeds: "<key id>:<base64>",
    #: AES-GCM bound to the draw id). Only the draw and the abandonment open it; NULL once revealed.
    sealed_seed: Mapped[str | None] = mapped_column(String(120))
    #: sha256(seed bytes), hex: published at the commitment.
    seed_commitment: Mapped[str] = mapped_column(String(64), unique=True)
    committed_at: Mapped[datetime] = mapped_column(UTCDateTime(), index=True)
    #: The candidate ids (ranking: sorted USCCs; pick: options in published order). Null until
    #: frozen at the draw, unless they were final at the commitment (a pick's options).
    candidates: Mapped[list | None] = mapped_column(_JSON)
    #: id → name shown on pages and in the minutes (company names); not part of the record.
    candidate_labels: Mapped[dict] = mapped_column(JSON, default=dict)
    #: Entropy typed at the console and shown on the meeting screen before staff confirm it.
    pending_entropy: Mapped[list | None] = mapped_column(_JSON)
    #: The public entropy as recorded at the draw.
    public_entropy: Mapped[list | None] = mapped_column(_JSON)
    drawn_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    #: The full ranking (or the one picked option).
    result: Mapped[list | None] = mapped_column(_JSON)
    abandon_reason: Mapped[str | None] = mapped_column(Text)
    abandoned_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    #: The office of its subject (app.offices): for lists and guards, not part of the record.
    office_id: Mapped[int] = mapped_column(ForeignKey("offices.id"), index=True)
    #: What the draw belongs to, e.g. ("project", "PRJ-2026-0007"); in the record as `subject`.
    subject_type: Mapped[str] = mapped_column(String(40))
    subject_code: Mapped[str] = mapped_column(String(80))
    #: The subject's name for pages, e.g. the project name; not part of the record.
    subject_label: Mapped[str] = mapped_column(String(200), default="")
    committed_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    drawn_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    abandoned_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))

    def __repr__(self) -> str:  # never the seed
        return f"<Draw {self.draw_id} {self.kind} {self.status}>"

    @property
    def is_committed(self) -> bool:
        return self.status == "committed"

    @property
    def is_drawn(self) -> bool:
        return self.status == "drawn"

    @property
    def is_abandoned(self) -> bool:
        return self.status == "abandoned"

    def label(self, candidate: str) -> str:
        """The name shown beside a candidate id ("" when none was given)."""
        return (self.candidate_labels or {}).get(candidate, "")
