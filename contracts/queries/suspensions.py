"""A trading's suspensions (暂停, art. 62): the periods, newest first, for every page that shows
them (the project's public and staff pages, the trading notice, the response page)."""

from __future__ import annotations

from functools import cache

from sqlalchemy import bindparam, select

from app.extensions import db
from contracts.models import Trading, TradingSuspension

from .projects import plausible_code

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


def suspensions_of_code(trading_code: str | None) -> list[TradingSuspension]:
    """The same, by the trading's code (a notice names its trading so: subject "trading"): one
    statement, joined to the trading by its code (an unknown code has none)."""
    if not trading_code or not plausible_code(trading_code):
        return []
    return list(db.session.scalars(_of_code_statement(), {"code": trading_code}))


@cache
def _of_code_statement():
    """Built once per process: every trading notice's page asks (its suspension banner)."""
    return (
        select(TradingSuspension)
        .join(Trading, Trading.id == TradingSuspension.trading_id)
        .where(Trading.code == bindparam("code"))
        .order_by(*_NEWEST_FIRST)
    )
