"""The award meeting's credit screen (信用审查), pure: each respondent's standing before the
respondents are frozen, whether it stays a candidate, and the guard that every one is screened.

Two checks per respondent. The national list of dishonest judgment debtors (失信被执行人,
checked by staff at 信用中国 or 中国执行信息公开网, date, result and a screenshot recorded): a
listed company is excluded (《关于对失信被执行人实施联合惩戒的合作备忘录》: barred from public
procurement and tendering). The platform's own sanctions are checked automatically: a company not
active in the category on the meeting day (suspended or removed; contractors.queries
.active_members) is not a candidate whatever the other check says.
"""

from __future__ import annotations

import enum
from collections.abc import Iterable
from datetime import date

from app.refusal import Refusal

__all__ = [
    "MAX_NOTE",
    "CheckResult",
    "RuleError",
    "ScreenState",
    "Source",
    "check_date",
    "excluded",
    "require_all_screened",
    "screen_state",
]


class RuleError(Refusal, ValueError):
    """A credit check breaks a rule; nothing is recorded."""


class CheckResult(enum.StrEnum):
    """What the national list said of the company on the check date."""

    LISTED = "listed"  # 列入失信被执行人名单
    NOT_LISTED = "not_listed"  # 未列入

    @property
    def label(self) -> tuple[str, str]:
        return {
            CheckResult.LISTED: (
                "列入失信被执行人名单",
                "On the list of dishonest judgment debtors",
            ),
            CheckResult.NOT_LISTED: ("未列入", "Not listed"),
        }[self]


class Source(enum.StrEnum):
    """Where staff checked the national list."""

    CREDIT_CHINA = "creditchina"  # 信用中国 www.creditchina.gov.cn
    ZXGK = "zxgk"  # 中国执行信息公开网 zxgk.court.gov.cn

    @property
    def label(self) -> tuple[str, str]:
        return {
            Source.CREDIT_CHINA: ("信用中国", "Credit China"),
            Source.ZXGK: ("中国执行信息公开网", "China Enforcement Information"),
        }[self]


class ScreenState(enum.StrEnum):
    """A respondent's standing at the screen, derived from the two checks."""

    UNSCREENED = "unscreened"  # the national list not checked yet
    CLEAR = "clear"  # not listed, active: a candidate
    LISTED = "listed"  # on the national list: excluded
    SANCTIONED = "sanctioned"  # not active in the pool (this platform's sanction): excluded

    @property
    def label(self) -> tuple[str, str]:
        return {
            ScreenState.UNSCREENED: ("尚未核查", "Not checked yet"),
            ScreenState.CLEAR: ("核查通过", "Checked: clear"),
            ScreenState.LISTED: (
                "列入失信被执行人名单，不作为候选人",
                "On the list of dishonest judgment debtors: not a candidate",
            ),
            ScreenState.SANCTIONED: (
                "不在本类别有效名录内（本平台处理：暂停或清出），不作为候选人",
                "Not active in the category (this platform's sanction): not a candidate",
            ),
        }[self]


#: A check's note: at most this many characters.
MAX_NOTE = 500


def screen_state(result: CheckResult | str | None, *, active: bool) -> ScreenState:
    """The platform's own check first (automatic), then the national list's recorded result."""
    if not active:
        return ScreenState.SANCTIONED
    if result is None:
        return ScreenState.UNSCREENED
    return ScreenState.LISTED if result == CheckResult.LISTED else ScreenState.CLEAR


def excluded(state: ScreenState) -> bool:
    """Left out of the candidate list frozen by the award draw."""
    return state in (ScreenState.LISTED, ScreenState.SANCTIONED)


def require_all_screened(states: Iterable[tuple[str, ScreenState]]) -> None:
    """The freeze waits until every respondent is screened (name, state pairs)."""
    waiting = [name for name, state in states if state == ScreenState.UNSCREENED]
    if waiting:
        names = "、".join(waiting[:5]) + ("等" if len(waiting) > 5 else "")
        raise RuleError(
            f"尚有{len(waiting)}家响应企业未完成信用核查（{names}），不能冻结候选名单",
            f"{len(waiting)} respondent(s) are not credit-checked yet ({', '.join(waiting[:5])}); "
            "the candidates cannot be frozen",
        )


def check_date(checked_on: date | None, *, today: date, earliest: date) -> date:
    """A check is dated, not in the future, and made for this trading: not before its notice."""
    if checked_on is None:
        raise RuleError("请填写核查日期", "Enter the date of the check", field="checked_on")
    if checked_on > today:
        raise RuleError(
            "核查日期不能晚于今天", "The check cannot be dated in the future", field="checked_on"
        )
    if checked_on < earliest:
        raise RuleError(
            f"核查日期不能早于交易公告发布日（{earliest.isoformat()}）",
            f"The check cannot be older than the trading notice ({earliest.isoformat()})",
            field="checked_on",
        )
    return checked_on
