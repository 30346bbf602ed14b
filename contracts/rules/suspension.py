"""Suspending and resuming a trading (暂停, 《招标投标法实施条例》 art. 62): what a resumption must
set anew when the times the notice published passed while the trading stood still."""

from __future__ import annotations

from datetime import datetime, tzinfo

from ._common import RuleError

#: The legal basis a suspension and a resumption cite.
SUSPENSION_BASIS = "《招标投标法实施条例》第六十二条"
#: A suspension's or resumption's reason is published: long enough for facts, not a file.
REASON_MAX = 2000


def check_reason(reason: str | None) -> str:
    """The published reason of a suspension or resumption: required, plain text, bounded."""
    text = (reason or "").strip()
    if not text:
        raise RuleError("请填写理由", "Enter the reason", field="reason")
    if "\x00" in text:
        raise RuleError(
            "理由含有无效字符", "The reason contains an invalid character", field="reason"
        )
    if len(text) > REASON_MAX:
        raise RuleError(
            f"理由不能超过{REASON_MAX}字",
            f"The reason cannot be longer than {REASON_MAX} characters",
            field="reason",
        )
    return text


def _local(moment: datetime, tz: tzinfo) -> str:
    return f"{moment.astimezone(tz):%Y-%m-%d %H:%M}"


def resume_times(
    now: datetime,
    *,
    suspended_at: datetime,
    responses_close_at: datetime,
    meeting_at: datetime,
    held: bool,
    new_responses_close_at: datetime | None,
    new_meeting_at: datetime | None,
    tz: tzinfo,
) -> tuple[datetime, datetime]:
    """The response deadline and the meeting time a resumed trading runs to.

    - A meeting already held (the trading drawn) keeps its times: none may be set.
    - Responses reopen only if they were open when the trading was suspended: a deadline that
      passed during the suspension must be replaced by a later one; one still ahead may be
      extended. Responses closed before the suspension stay closed (no new respondents).
    - A meeting time that passed during the suspension must be replaced (an appointed time in
      the past cannot be kept: nobody could attend it); any new meeting time is in the future and
      not before the response deadline. A response deadline moved past the meeting moves it too.
    """
    if held:
        if new_responses_close_at is not None or new_meeting_at is not None:
            raise RuleError(
                "定标会议已经举行，不能重新设定响应截止时间或会议时间",
                "The award meeting was held; its times cannot be set again",
            )
        return responses_close_at, meeting_at
    were_open = suspended_at < responses_close_at
    close = responses_close_at
    if new_responses_close_at is not None:
        if not were_open:
            raise RuleError(
                "暂停前响应已经截止，恢复后不能重新接受响应",
                "Responses had closed before the suspension; they cannot reopen",
                field="new_responses_close_at",
            )
        if new_responses_close_at <= now or new_responses_close_at < responses_close_at:
            raise RuleError(
                "新的响应截止时间必须晚于现在，且不早于原截止时间",
                "The new response deadline must be in the future and not before the old one",
                field="new_responses_close_at",
            )
        close = new_responses_close_at
    elif were_open and responses_close_at <= now:
        raise RuleError(
            f"原响应截止时间（{_local(responses_close_at, tz)}）已在暂停期间届满，"
            "请设定新的响应截止时间",
            "The response deadline passed during the suspension; set a new one",
            field="new_responses_close_at",
        )
    meeting = meeting_at
    if new_meeting_at is not None:
        if new_meeting_at <= now:
            raise RuleError(
                "新的定标会议时间必须晚于现在",
                "The new meeting time must be in the future",
                field="new_meeting_at",
            )
        meeting = new_meeting_at
    elif meeting_at <= now:
        raise RuleError(
            f"原定标会议时间（{_local(meeting_at, tz)}）已在暂停期间届满，请设定新的会议时间",
            "The meeting time passed during the suspension; set a new one",
            field="new_meeting_at",
        )
    if meeting < close:
        raise RuleError(
            "定标会议时间不能早于响应截止时间",
            "The meeting cannot be before the response deadline",
            field="new_meeting_at",
        )
    return close, meeting
