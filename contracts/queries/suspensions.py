"""A trading's suspensions (暂停, art. 62): the periods, newest first, for every page that shows
them (the project's public and staff pages, the trading notice, the response page)."""

from __future__ import annotations

from functools import cache

from sqlalchemy import bindparam, select

from app import reads
from app.extensions import db
from contracts.models import Trading, TradingSuspension

from .projects import plausible_code

#: What a page shows of a period (SuspensionPeriod), not who recorded it.
_PERIOD_COLUMNS = (
    TradingSuspension.id,
    TradingSuspension.trading_id,
    TradingSuspension.complaint_id,
    TradingSuspension.reason,
    TradingSuspension.suspended_at,
    TradingSuspension.suspend_notice_id,
    TradingSuspension.resumed_at,
    TradingSuspension.resume_reason,
    TradingSuspension.resume_notice_id,
)
#: Newest first: the open period, if any, first.
_NEWEST_FIRST = (TradingSuspension.suspended_at.desc(), TradingSuspension.id.desc())


def suspensions_of(trading: Trading | None) -> list[TradingSuspension]:
    """Every suspension period of `trading`, newest first (the open one, if any, first)."""
    if trading is None:
        return []
    return list(db.session.scalars(_of_trading_statement(), {"trading_id": trading.id}))


@cache
def _of_trading_statement():
    """Built once per process: every announced project's page asks (its suspension banner)."""
    return (
        select(TradingSuspension)
        .where(TradingSuspension.trading_id == bindparam("trading_id"))
        .order_by(*_NEWEST_FIRST)
    )


class SuspensionPeriod:
    """A suspension period as the pages that show it read a TradingSuspension (its published
    columns, `is_open`), from a row of columns: read-only, no session tracks it."""

    __slots__ = tuple(c.key for c in _PERIOD_COLUMNS)

    def __init__(self, *values) -> None:
        for name, value in zip(self.__slots__, values, strict=True):
            setattr(self, name, value)

    @property
    def is_open(self) -> bool:
        return self.resumed_at is None


def suspensions_of_code(trading_code: str | None) -> list[SuspensionPeriod]:
    """The same periods, by the trading's code (a notice names its trading so: subject
    "trading"): one statement of columns, joined to the trading by its code (an unknown code
    has none), read as driver rows (app.reads) — every trading notice's page asks (its
    suspension banner), and the ORM's execution and objects cost more than the answer, almost
    always none (issue 14)."""
    if not trading_code or not plausible_code(trading_code):
        return []
    rows = reads.plain_rows(_of_code_statement(), {"code": trading_code})
    return [SuspensionPeriod(*row) for row in rows]


@cache
def _of_code_statement():
    """Built once per process."""
    return (
        select(*_PERIOD_COLUMNS)
        .join(Trading, Trading.id == TradingSuspension.trading_id)
        .where(Trading.code == bindparam("code"))
        .order_by(*_NEWEST_FIRST)
    )
