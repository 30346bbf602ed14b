"""A complaint's states, derived from its facts, and the steps each state allows (the pages show
only these forms; the services call `require`)."""

from __future__ import annotations

import enum
from dataclasses import dataclass

from notices.rules import N_

from ._common import ComplaintRuleError
from .matters import Outcome


class ComplaintStatus(enum.StrEnum):
    """Every state a complaint can be in (the API's `status`)."""

    RECEIVED = "received"  # 已收到，待决定是否受理
    ACCEPTED = "accepted"  # 已受理，处理中
    REFUSED = "refused"  # 不予受理
    DECIDED = "decided"  # 已作出处理决定
    WITHDRAWN = "withdrawn"  # 投诉人撤回


STATUS_LABELS: dict[ComplaintStatus, tuple[str, str]] = {
    ComplaintStatus.RECEIVED: (N_("已收到，待受理"), "Received"),
    ComplaintStatus.ACCEPTED: (N_("已受理，处理中"), "Accepted"),
    ComplaintStatus.REFUSED: (N_("不予受理"), "Refused"),
    ComplaintStatus.DECIDED: (N_("已作出处理决定"), "Decided"),
    ComplaintStatus.WITHDRAWN: (N_("已撤回"), "Withdrawn"),
}


@dataclass(frozen=True)
class ComplaintFacts:
    """What happened to a complaint, as plain values."""

    accepted: bool = False
    refused: bool = False
    decided: bool = False
    withdrawn: bool = False
    #: A pause (expert review, testing) has started and not ended.
    paused: bool = False
    #: Staff recorded that a violation is established (a withdrawal is refused after it).
    violation_found: bool = False
    outcome: str | None = None


def status_of(f: ComplaintFacts) -> ComplaintStatus:
    if f.withdrawn:
        return ComplaintStatus.WITHDRAWN
    if f.decided:
        return ComplaintStatus.DECIDED
    if f.refused:
        return ComplaintStatus.REFUSED
    if f.accepted:
        return ComplaintStatus.ACCEPTED
    return ComplaintStatus.RECEIVED


def is_paused(f: ComplaintFacts) -> bool:
    return status_of(f) == ComplaintStatus.ACCEPTED and f.paused


class Step(enum.StrEnum):
    """What staff may do to a complaint."""

    ACCEPT = "accept"
    REFUSE = "refuse"
    PAUSE = "pause"
    RESUME = "resume"
    FIND = "find"  # record that a violation is established
    DECIDE = "decide"
    WITHDRAW = "withdraw"
    SUSPEND = "suspend"  # suspend the trading (art. 62)


_REFUSED: dict[Step, tuple[str, str]] = {
    Step.ACCEPT: ("该投诉已经处理，不能再受理", "The complaint was already dealt with"),
    Step.REFUSE: ("该投诉已经处理，不能再不予受理", "The complaint was already dealt with"),
    Step.PAUSE: ("只有处理中且未暂停计时的投诉可以暂停计时", "Only a running complaint can pause"),
    Step.RESUME: ("该投诉没有进行中的暂停", "The complaint has no running pause"),
    Step.FIND: ("只有处理中的投诉可以记录违法事实认定", "Only an accepted complaint has findings"),
    Step.DECIDE: (
        "只有已受理且未暂停计时的投诉可以作出处理决定；已作出的决定不能再作",
        "Only an accepted complaint whose clock runs can be decided; a decision is made once",
    ),
    Step.WITHDRAW: (
        "该投诉已经处理完毕，不能撤回",
        "The complaint is closed and cannot be withdrawn",
    ),
    Step.SUSPEND: ("只有已受理的投诉可以暂停交易", "Only an accepted complaint can suspend"),
}


def allowed(f: ComplaintFacts) -> frozenset[Step]:
    """The steps the complaint's state allows (the pages show only these forms)."""
    s = status_of(f)
    if s == ComplaintStatus.RECEIVED:
        return frozenset({Step.ACCEPT, Step.REFUSE, Step.WITHDRAW})
    if s == ComplaintStatus.ACCEPTED:
        steps = {Step.SUSPEND}
        steps |= {Step.RESUME} if f.paused else {Step.PAUSE, Step.DECIDE}
        if not f.violation_found:
            # Found once: its moment is when withdrawal ended (art. 19), never moved by a resend.
            steps |= {Step.FIND, Step.WITHDRAW}
        return frozenset(steps)
    return frozenset()


def require(f: ComplaintFacts, step: Step) -> None:
    """Refuse `step` unless the state allows it, saying why."""
    if step in allowed(f):
        return
    if step == Step.WITHDRAW and (f.violation_found or f.outcome == Outcome.UPHELD):
        raise ComplaintRuleError(
            "违法行为已经查实，投诉人不能撤回投诉（《工程建设项目招标投标活动投诉处理办法》第十九条）",
            "A violation is already established: the complaint cannot be withdrawn",
        )
    if step == Step.FIND and f.violation_found and status_of(f) == ComplaintStatus.ACCEPTED:
        raise ComplaintRuleError(
            "违法事实认定已经记录，不能重复记录", "The finding is already recorded"
        )
    zh, en = _REFUSED[step]
    raise ComplaintRuleError(zh, en)


def require_decision(outcome: str, facts: str, basis: str, text: str) -> Outcome:
    """A decision states its outcome, the facts found, the legal basis and the decision."""
    try:
        result = Outcome(outcome)
    except ValueError:
        raise ComplaintRuleError("请选择处理结果", "Choose the outcome", field="outcome") from None
    for value, field, zh, en in (
        (facts, "facts", "认定的事实", "the facts found"),
        (basis, "basis", "处理依据（法律条款）", "the legal basis"),
        (text, "text", "处理决定", "the decision"),
    ):
        if not (value or "").strip():
            raise ComplaintRuleError(f"请填写{zh}", f"Enter {en}", field=field)
    return result
