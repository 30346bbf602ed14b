"""The guards services call before a trading step: refused with the reason the state gives."""

from __future__ import annotations

from datetime import datetime, tzinfo

from ._common import ClosedError, RuleError, TooEarlyError
from .states import FILING_STEPS, STATES, Filing, FilingStep, ProjectState, S, TradingAction, may


def _local(moment: datetime, tz: tzinfo) -> str:
    return f"{moment.astimezone(tz):%Y-%m-%d %H:%M}"


def _require(state: ProjectState, action: TradingAction) -> bool:
    """Whether `state` allows `action`; a state that blocks everything else says so here."""
    if may(state, action):
        return True
    if STATES[state].blocked is not None:
        raise RuleError(*STATES[state].blocked)
    return False


def require_announce(state: ProjectState) -> None:
    """A trading notice is published for a filed project, or again after a failed trading."""
    if _require(state, TradingAction.ANNOUNCE):
        return
    if state in (S.SUBMITTED, S.SENT_BACK):
        raise RuleError(
            "项目尚未备案，不能发布交易公告",
            "The project is not filed yet; its trading notice cannot be published",
        )
    raise RuleError(
        "该项目已有交易公告；只有流标后才能重新发布",
        "The project already has a trading notice; only a failed trading may be announced again",
    )


def _require_announced(state: ProjectState) -> None:
    if state in (S.SUBMITTED, S.SENT_BACK, S.FILED):
        raise RuleError("该项目尚未发布交易公告", "The project has no trading notice yet")


def require_meeting(
    state: ProjectState,
    now: datetime,
    *,
    code: str,
    responses_close_at: datetime,
    meeting_at: datetime,
    tz: tzinfo,
) -> None:
    """The award meeting of trading `code` is held once, after the notice's publicity, not before
    the time the notice announced."""
    _require_announced(state)
    allowed = _require(state, TradingAction.HOLD_MEETING)
    if state is S.ANNOUNCED:
        raise TooEarlyError(
            f"交易公告公示期至{_local(responses_close_at, tz)}结束，公示期结束前不能召开定标会议",
            "The award meeting cannot be held before the trading notice's publicity ends",
        )
    if not allowed:
        raise RuleError(
            f"{code}的定标会议已经举行，摇号结果已公布，不能再次摇号",
            f"The award meeting of {code} was held and its draws published; no second draw",
        )
    if now < meeting_at:
        # The notice told respondents and the public when to come and watch the draws: a
        # meeting held before that time would be held without them.
        raise TooEarlyError(
            f"交易公告公布的定标会议时间为{_local(meeting_at, tz)}，不能提前召开定标会议",
            f"The trading notice set the award meeting for {_local(meeting_at, tz)}; it "
            "cannot be held earlier",
        )


def require_screen(state: ProjectState, *, responses_close_at: datetime, tz: tzinfo) -> None:
    """A respondent's credit check (信用审查) is recorded once the responses closed, until the
    award meeting freezes the candidates — and not while the trading is suspended (art. 62)."""
    _require_announced(state)
    if _require(state, TradingAction.SCREEN):
        return
    if state is S.ANNOUNCED:
        raise TooEarlyError(
            f"响应截止时间（{_local(responses_close_at, tz)}）前不能记录信用核查",
            "No credit check is recorded before the responses close",
        )
    raise RuleError(
        "定标会议已经举行，候选名单已冻结，不能再记录信用核查",
        "The award meeting was held and the candidates frozen; no more credit checks",
    )


def require_responses_open(state: ProjectState, *, responses_close_at: datetime, tz) -> None:
    """Responses are confirmed or withdrawn only while the trading notice is in publicity."""
    _require_announced(state)
    if not _require(state, TradingAction.RESPOND):
        raise ClosedError(
            f"响应截止时间（{_local(responses_close_at, tz)}）已过，不能再响应或撤回",
            "The response deadline has passed; no response or withdrawal is accepted",
        )


def require_unsigned_award(state: ProjectState) -> None:
    """A contract, or a refusal to sign, is recorded only while a drawn award is unsigned."""
    if _require(state, TradingAction.RECORD_CONTRACT):
        return
    if state is S.SIGNED:
        raise RuleError("该项目合同已签订", "The project's contract is already recorded")
    raise RuleError("该项目尚无承包单位", "The project has no contract unit")


def require_suspend(state: ProjectState) -> None:
    """A trading is suspended (art. 62) while something is still ahead of it: responses, the
    award meeting or the contract — not before its notice, after its contract or once failed."""
    if state is S.SUSPENDED:
        raise RuleError("交易已经暂停", "The trading is already suspended")
    if not may(state, TradingAction.SUSPEND):
        raise RuleError(
            "该项目当前没有可以暂停的交易活动",
            "The project has no trading step ahead that could be suspended",
        )


def require_resume(state: ProjectState) -> None:
    """Only a suspended trading is resumed."""
    if not may(state, TradingAction.RESUME):
        raise RuleError("该交易未暂停", "The trading is not suspended")


#: Each step as a verb: Chinese, English.
_STEP_VERBS = {
    FilingStep.REVISE: ("修改项目", "be revised"),
    FilingStep.ATTACH: ("添加附件", "take attachments"),
    FilingStep.FILE: ("备案", "be filed"),
    FilingStep.SEND_BACK: ("退回", "be sent back"),
    FilingStep.SEND_BACK_FILED: ("退回", "be sent back"),
}


def send_back_step(state: ProjectState) -> FilingStep:
    """Sending back is one button: of a submitted project, or of a filed one not yet announced."""
    return FilingStep.SEND_BACK_FILED if state is S.FILED else FilingStep.SEND_BACK


def require_filing_step(state: ProjectState, step: FilingStep) -> Filing | None:
    """The filing the project gets by `step` in `state`; RuleError saying why when refused."""
    if (state, step) in FILING_STEPS:
        return FILING_STEPS[(state, step)]
    zh, en = _STEP_VERBS[step]
    if state is S.FILED and step is FilingStep.FILE:
        raise RuleError("项目已备案", "The project is already filed")
    if state is S.FILED:
        raise RuleError(
            f"项目已备案，交易文件已固定，不能再{zh}（如需修改，请区公管办先退回业主）",
            f"The project is filed and its documents are fixed: it can no longer {en} "
            "(the office may send it back first)",
        )
    if state is S.SENT_BACK:
        raise RuleError(
            f"项目已退回业主，等待业主修改后重新提交，不能{zh}",
            f"The project was sent back to its owner: it cannot {en} until revised",
        )
    if state is S.SUBMITTED:
        raise RuleError(f"项目尚未备案，不能{zh}", f"The project is not filed: it cannot {en}")
    raise RuleError(
        f"项目已发布交易公告，不能再{zh}",
        f"The project's trading notice is published: it can no longer {en}",
    )
