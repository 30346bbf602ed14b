"""What the pool's rules share: the publicity lengths, RuleError and the publicity clock."""

from __future__ import annotations

from datetime import date, datetime, timedelta

from app.refusal import Refusal
from app.workdays import local_date
from notices.rules import NOTICE_TYPES

#: 征集公告公示不少于10个工作日; 资格审查结果公示不少于3个工作日; 入围企业名录公示不少于5个工作日
#: (DESIGN.md A.1, A.4, A.6): the minimums of their notice types, which notices.rules enforces.
CALL_DAYS, REVIEW_DAYS, ROSTER_PUBLICITY_DAYS = (
    NOTICE_TYPES[code].min_working_days
    for code in ("pool_call", "review_result", "roster_publicity")
)


class RuleError(Refusal, ValueError):
    """An input breaks a rule. `message` is Chinese, `message_en` English; `field` names the input."""

    def __init__(
        self,
        message: str,
        message_en: str,
        *,
        field: str | None = None,
        earliest: date | None = None,
    ):
        super().__init__(message, message_en, field=field)
        #: For a step refused as too early: the first local date it is allowed.
        self.earliest = earliest


# ---- time -------------------------------------------------------------------------------------


def last_day(ends_at: datetime) -> date:
    """The last local day of a publicity whose exclusive end is `ends_at` (00:00 +08:00 after)."""
    return local_date(ends_at) - timedelta(days=1)


def first_day_after(ends_at: datetime) -> date:
    """The first local day after a publicity: the earliest date the next step is allowed."""
    return local_date(ends_at)


def require_ended(
    ends_at: datetime | None, now: datetime, what: tuple[str, str], then: tuple[str, str]
) -> None:
    """Refuse a step while the publicity it waits for runs: "资格审查结果公示期至…结束，之后才能摇号"."""
    if ends_at is None:
        raise RuleError(
            f"{what[0]}尚未发布，不能{then[0]}",
            f"The {what[1]} is not published yet; cannot {then[1]}",
        )
    if now < ends_at:
        end, start = last_day(ends_at), first_day_after(ends_at)
        raise RuleError(
            f"{what[0]}期至{end.isoformat()}结束，之后才能{then[0]}（最早{start.isoformat()}）",
            f"The {what[1]} runs until {end.isoformat()}; you can {then[1]} from {start.isoformat()}",
            earliest=start,
        )
