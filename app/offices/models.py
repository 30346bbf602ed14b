"""The offices table: districts and their street/town platforms."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import CheckConstraint, ForeignKey, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.extensions import db
from app.types import UTCDateTime

from .rules import OfficeKind, Place


class Placed:
    """What an office's kind and parent make of it, for the model and its read rows alike
    (`app.offices.queries.OfficeRow`): both have `id`, `kind` and `parent_id`."""

    @property
    def is_district(self) -> bool:
        return self.kind == OfficeKind.DISTRICT

    @property
    def district_id(self) -> int:
        return self.id if self.parent_id is None else self.parent_id

    @property
    def place(self) -> Place:
        return Place(self.id, self.kind, self.district_id)


class Office(Placed, db.Model):
    """A district office (区公管办) or one of its street/town platforms (街道/镇)."""

    __tablename__ = "offices"
    __table_args__ = (
        CheckConstraint("kind IN ('district','street')", name="kind"),
        CheckConstraint(
            "(kind = 'district' AND parent_id IS NULL) OR (kind = 'street' AND parent_id IS NOT NULL)",
            name="parent",
        ),
        UniqueConstraint("parent_id", "name", name="uq_offices_parent_name"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    #: Public code (app.offices.rules.CODE_RE), unique in the deployment, e.g. `zh-zhuangqiao`.
    code: Mapped[str] = mapped_column(String(40), unique=True)
    #: As printed on notices (公开主体), e.g. 某区公共资源交易管理办公室 or 庄桥街道.
    name: Mapped[str] = mapped_column(String(100))
    #: Shown on the English site (app.i18n.named), e.g. Zhuangqiao Subdistrict; empty: the Chinese
    #: name serves both.
    name_en: Mapped[str] = mapped_column(String(100), default="", server_default="")
    kind: Mapped[str] = mapped_column(String(20))
    #: The district of a platform; null for a district.
    parent_id: Mapped[int | None] = mapped_column(ForeignKey("offices.id"), index=True)
    #: Order on pages (then the code).
    sort_order: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())

    parent: Mapped[Office | None] = relationship(remote_side="Office.id")
