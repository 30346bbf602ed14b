"""A trading round's state from the facts and the clock, and everything a state decides."""

from __future__ import annotations

import enum
from dataclasses import dataclass
from datetime import UTC, datetime

#: The subject of one trading round — one contracting process — in its draws, its notices and its
#: audit entries, each naming the round by its code (`trading_code`): one id per process, the one
#: an OCDS `ocid` would carry. Steps before a round exists (entry, filing, send-back) are the
#: project's: subject "project", the project code.
SUBJECT_TYPE = "trading"
#: The subject type of the draws committed before the round had one subject. A draw record never
#: changes once drawn (the draws triggers), so those keep it and are read as the round's draws.
LEGACY_DRAW_SUBJECT_TYPE = "trading_project"
#: Every subject type a trading round's draws carry.
DRAW_SUBJECT_TYPES = (SUBJECT_TYPE, LEGACY_DRAW_SUBJECT_TYPE)


def trading_code(project_code: str, round_: int) -> str:
    """A round's code: the project code for the first, `<project code>-<n>` for the n-th."""
    return project_code if round_ == 1 else f"{project_code}-{round_}"


def project_codes_of(code: str) -> list[str]:
    """The project codes a round's code can be built from (`trading_code`), the likelier first:
    itself (a first round), and itself without a `-<n>` end (the n-th)."""
    head, _, tail = code.rpartition("-")
    return [code, head] if head and tail.isdigit() and int(tail) > 1 else [code]


# ---- facts in, one state out; what each state allows and shows, from one table (STATES) -----


class Filing(enum.StrEnum):
    """`Project.filing`, the office's filing decision (备案): the stored fact, not the state."""

    SUBMITTED = "submitted"  # entered or revised, waiting for the office
    SENT_BACK = "sent_back"  # 退回: back with the owner, with reasons
    FILED = "filed"  # 备案: facts and documents fixed


class Outcome(enum.StrEnum):
    """`Trading.outcome`, what the award meeting decided (None until it is held)."""

    DRAWN = "drawn"  # both draws drawn: a contract unit, a rate, a contract price
    FAILED = "failed"  # 流标: too few respondents, or the ranking ran out after refusals


class ProjectState(enum.StrEnum):
    """A project's state, derived from its facts and the clock (`state_of`), never stored (what is
    stored is `Project.stage`, a copy of the facts without the clock: `stage_of`). The values
    are public: the API and the list's ?state= filter use them."""

    SUBMITTED = "submitted"
    SENT_BACK = "sent_back"
    FILED = "filed"
    ANNOUNCED = "announced"  # trading notice published, responses open
    AWAITING_MEETING = "awaiting_meeting"  # publicity ended, meeting not held
    FAILED = "failed"
    DRAWN = "drawn"  # result published, contract not signed
    SIGNED = "signed"
    #: 暂停: the office suspended the trading (《招标投标法实施条例》 art. 62), e.g. while it
    #: handles a complaint; resuming returns it to the state its other facts give.
    SUSPENDED = "suspended"


@dataclass(frozen=True)
class Facts:
    """What happened to a project, as plain values."""

    filing: str  # a Filing
    responses_close_at: datetime | None = None  # the trading notice's publicity end (exclusive)
    outcome: str | None = None  # an Outcome of the latest trading, None before its meeting
    signed: bool = False
    suspended: bool = False  # the latest trading is suspended (Trading.suspended_at)


class Fact(enum.StrEnum):
    """One yes/no question the state rule asks of the facts. contracts.queries answers each in
    SQL as well, so that the list filters by the same rule (tested state by state)."""

    SIGNED = "signed"  # a contract is recorded for the latest trading
    SUSPENDED = "suspended"  # the latest trading is suspended (art. 62)
    DRAWN = "drawn"  # the latest trading's outcome is drawn
    FAILED = "failed"  # … or failed
    ANNOUNCED = "announced"  # a trading notice is published
    OPEN = "open"  # … and its publicity (the responses) has not ended
    FILED = "filed"  # Project.filing
    SENT_BACK = "sent_back"
    SUBMITTED = "submitted"


def holds(fact: Fact, f: Facts, now: datetime) -> bool:
    if fact is Fact.SIGNED:
        return f.signed
    if fact is Fact.SUSPENDED:
        return f.suspended
    if fact is Fact.ANNOUNCED:
        return f.responses_close_at is not None
    if fact is Fact.OPEN:
        return f.responses_close_at is not None and now < f.responses_close_at
    if fact in (Fact.DRAWN, Fact.FAILED):
        return f.outcome == Outcome(fact)
    return f.filing == Filing(fact)


S = ProjectState

#: THE state rule: the first state whose facts all hold. Open or closed because of the clock,
#: not a flag (CONVENTIONS.md, example 2).
STATE_RULE: tuple[tuple[ProjectState, frozenset[Fact]], ...] = (
    (S.SIGNED, frozenset({Fact.SIGNED})),
    (S.SUSPENDED, frozenset({Fact.SUSPENDED})),
    (S.DRAWN, frozenset({Fact.DRAWN})),
    (S.FAILED, frozenset({Fact.FAILED})),
    (S.ANNOUNCED, frozenset({Fact.OPEN})),
    (S.AWAITING_MEETING, frozenset({Fact.ANNOUNCED})),
    (S.FILED, frozenset({Fact.FILED})),
    (S.SENT_BACK, frozenset({Fact.SENT_BACK})),
    (S.SUBMITTED, frozenset({Fact.SUBMITTED})),
)


def state_of(facts: Facts, now: datetime) -> ProjectState:
    for state, needs in STATE_RULE:
        if all(holds(fact, facts, now) for fact in needs):
            return state
    raise ValueError(f"no state for the filing {facts.filing!r}")


#: A moment before any publicity ends: the rule read at it has every trading notice still open.
BEFORE_ANY_MOMENT = datetime.min.replace(tzinfo=UTC)


def stage_of(facts: Facts) -> ProjectState:
    """The clock-free part of the state (`Project.stage`, a stored copy of the facts): THE rule
    read as if every publicity were still open. It is the state but for the one fact the clock
    changes (Fact.OPEN): an announced project is awaiting its meeting once its responses have
    closed (`state_at`). Not the state, which is never stored."""
    return state_of(facts, BEFORE_ANY_MOMENT)


def state_at(
    stage: ProjectState, responses_close_at: datetime | None, now: datetime
) -> ProjectState:
    """The state of a project of `stage` at `now` (`responses_close_at`: its latest trading's):
    equal to `state_of(facts, now)` for the facts of that stage (tests/unit: every stage)."""
    if stage is S.ANNOUNCED and not responses_open(responses_close_at, now):
        return S.AWAITING_MEETING
    return stage


class TradingAction(enum.StrEnum):
    """What people do to a project once it is filed (the filing steps are FilingStep)."""

    ANNOUNCE = "announce"  # publish the (next round's) trading notice
    POST = "post"  # post the printed notice on the bulletin boards (the step to do now)
    RESPOND = "respond"  # a member confirms or withdraws its response commitment
    #: 信用审查: a respondent's credit check, from the responses' close (at any hour before the
    #: meeting's) until the meeting freezes the candidates.
    SCREEN = "screen"
    HOLD_MEETING = "hold_meeting"  # 定标会议: draw, or fail the trading
    RECORD_CONTRACT = "record_contract"  # the signed contract
    RECORD_REFUSAL = "record_refusal"  # the contract unit refused to sign: the award passes on
    SUSPEND = "suspend"  # 暂停 (art. 62): while responses, the meeting or the contract are ahead
    RESUME = "resume"  # 恢复 a suspended trading


class StepStatus(enum.StrEnum):
    """Where one step of the staff's trading checklist stands."""

    DONE = "done"
    NOW = "now"
    WAITING = "waiting"
    BLOCKED = "blocked"
    LATER = "later"


@dataclass(frozen=True)
class StateRule:
    """Everything that depends on a state, in one row of STATES."""

    #: As shown to people: Chinese, English.
    label: tuple[str, str]
    #: The trading actions the state allows (filing steps: FILING_STEPS).
    actions: frozenset[TradingAction] = frozenset()
    #: What comes next: key, the office's words, the owner's words (each Chinese, English).
    next: tuple[str, tuple[str, str], tuple[str, str]] | None = None
    #: Which moment the next step is due by (a keyword of `next_step`), if any.
    due: str | None = None
    #: Nobody has anything to do before `due` (the responses are open).
    waiting: bool = False
    #: `due` is an appointed minute (the meeting: on time at it, late after it), not an
    #: exclusive end (late from it).
    appointed: bool = False
    #: The staff's trading checklist: (step key, status) in the procedure's order.
    steps: tuple[tuple[str, StepStatus], ...] = ()
    #: Shown on the public list and selectable in its ?state= filter (a filed project).
    public: bool = False
    #: Why the state refuses whatever it does not allow (Chinese, English), said before any
    #: action's own reason — for a state that holds everything (a suspension), None otherwise.
    blocked: tuple[str, str] | None = None


_D, _N, _W, _B, _L = (
    StepStatus.DONE,
    StepStatus.NOW,
    StepStatus.WAITING,
    StepStatus.BLOCKED,
    StepStatus.LATER,
)
_A = TradingAction

#: Each state's label, actions, next step and checklist: a new state is one more row here (and a
#: line of STATE_RULE, and its Fact's SQL in contracts.queries if it reads a new fact).
STATES: dict[ProjectState, StateRule] = {
    S.SUBMITTED: StateRule(
        ("待备案", "Awaiting filing"),
        next=(
            "file",
            ("备案或退回", "File or send back"),
            ("等待区公管办备案", "Waiting for the office to file it"),
        ),
        steps=(("notice", _L),),
    ),
    S.SENT_BACK: StateRule(
        ("已退回业主", "Sent back to the owner"),
        next=(
            "revise",
            ("等待业主修改后重新提交", "Waiting for the owner to revise it"),
            ("按退回理由修改后重新提交", "Revise it as the reasons say and submit it again"),
        ),
        steps=(("notice", _L),),
    ),
    S.FILED: StateRule(
        ("已备案", "Filed"),
        actions=frozenset({_A.ANNOUNCE}),
        next=(
            "announce",
            ("发布交易公告", "Publish the trading notice"),
            ("等待区公管办发布交易公告", "Waiting for the office to publish the trading notice"),
        ),
        steps=(("notice", _N),),
        public=True,
    ),
    S.ANNOUNCED: StateRule(
        ("交易公告公示中", "Trading notice in publicity"),
        actions=frozenset({_A.POST, _A.RESPOND, _A.SUSPEND}),
        next=(
            "responses",
            ("等待响应截止", "Responses close"),
            ("等待响应截止", "Responses close"),
        ),
        due="responses_close_at",
        waiting=True,
        steps=(("notice", _D), ("posting", _N), ("responses", _W), ("meeting", _L)),
        public=True,
    ),
    S.AWAITING_MEETING: StateRule(
        ("响应已截止，待定标", "Responses closed, awaiting the meeting"),
        actions=frozenset({_A.POST, _A.SCREEN, _A.HOLD_MEETING, _A.SUSPEND}),
        next=("meeting", ("召开定标会议", "Hold the award meeting"), ("定标会议", "Award meeting")),
        due="meeting_at",
        appointed=True,
        steps=(("notice", _D), ("posting", _N), ("responses", _D), ("meeting", _N)),
        public=True,
    ),
    S.FAILED: StateRule(
        ("流标", "Trading failed"),
        actions=frozenset({_A.ANNOUNCE}),
        next=(
            "reannounce",
            ("重新发布交易公告", "Announce the project again"),
            ("等待区公管办重新发布交易公告", "Waiting for the office to announce it again"),
        ),
        steps=(("notice", _D), ("posting", _B), ("responses", _D), ("meeting", _B)),
        public=True,
    ),
    S.DRAWN: StateRule(
        ("已定标，待签订合同", "Awarded, contract to be signed"),
        actions=frozenset({_A.RECORD_CONTRACT, _A.RECORD_REFUSAL, _A.SUSPEND}),
        next=(
            "contract",
            ("记录合同签订", "Record the signed contract"),
            ("签订合同并在本页记录", "Sign the contract and record it on this page"),
        ),
        due="signing_ends_at",
        steps=(("notice", _D), ("posting", _B), ("responses", _D), ("meeting", _D)),
        public=True,
    ),
    S.SIGNED: StateRule(
        ("已签订合同", "Contract signed"),
        steps=(("notice", _D), ("posting", _B), ("responses", _D), ("meeting", _D)),
        public=True,
    ),
    S.SUSPENDED: StateRule(
        ("交易已暂停", "Trading suspended"),
        actions=frozenset({_A.RESUME}),
        next=(
            "resume",
            ("处理完毕后恢复交易", "Resume the trading once the matter is settled"),
            ("交易已暂停，等待区公管办恢复", "Suspended: waiting for the office to resume it"),
        ),
        steps=(("notice", _D), ("posting", _B), ("responses", _B), ("meeting", _B)),
        public=True,
        blocked=(
            "交易已暂停（《招标投标法实施条例》第六十二条），暂停期间不能进行该操作",
            "The trading is suspended (art. 62); this step is refused while it is",
        ),
    ),
}

#: A project's state as shown to people: Chinese, English (the views pick the request's language).
STATE_LABELS = {state: rule.label for state, rule in STATES.items()}
#: The states a filed project can be in: what the public list filters by, in the procedure's order.
PUBLIC_STATES = tuple(state for state, rule in STATES.items() if rule.public)


def allowed_actions(state: ProjectState) -> frozenset[TradingAction]:
    return STATES[state].actions


def may(state: ProjectState, action: TradingAction | FilingStep) -> bool:
    """Whether `state` allows `action` (a trading action, or a filing step)."""
    if isinstance(action, FilingStep):
        return (state, action) in FILING_STEPS
    return action in STATES[state].actions


@dataclass(frozen=True)
class Allowed:
    """What a state allows, asked by name where a page decides what to offer: `may.announce`,
    `may.attach`, `may.record_contract` (the names of TradingAction and FilingStep)."""

    state: ProjectState

    def __getattr__(self, name: str) -> bool:
        for kind in (TradingAction, FilingStep):
            if name in kind._value2member_map_:
                return may(self.state, kind(name))
        raise AttributeError(name)


class FilingStep(enum.StrEnum):
    """What the owner and staff do to a project before its trading notice (备案 and its sides)."""

    REVISE = "revise"  # the owner or staff change the facts: back to staff as submitted
    ATTACH = "attach"  # a file added to the trading documents
    FILE = "file"  # 备案: the facts and documents are fixed and may be announced
    SEND_BACK = "send_back"  # 退回: to the owner with reasons
    #: 退回已备案项目: a filed project not yet announced goes back to its owner with reasons
    #: (a project filed with a fault no announcement would accept is not stuck for ever).
    SEND_BACK_FILED = "send_back_filed"


#: The filing steps each state allows, and the filing they leave (None: unchanged). Once the
#: trading notice is published, nothing here applies: what was published stays as it was.
FILING_STEPS: dict[tuple[ProjectState, FilingStep], Filing | None] = {
    (S.SUBMITTED, FilingStep.REVISE): Filing.SUBMITTED,
    (S.SENT_BACK, FilingStep.REVISE): Filing.SUBMITTED,
    (S.SUBMITTED, FilingStep.ATTACH): None,
    (S.SENT_BACK, FilingStep.ATTACH): None,
    (S.SUBMITTED, FilingStep.FILE): Filing.FILED,
    (S.SUBMITTED, FilingStep.SEND_BACK): Filing.SENT_BACK,
    (S.FILED, FilingStep.SEND_BACK_FILED): Filing.SENT_BACK,
}


def responses_open(close_at: datetime | None, now: datetime) -> bool:
    """Responses are accepted until the trading notice's publicity ends (exclusive)."""
    return close_at is not None and now < close_at


@dataclass(frozen=True)
class NextStep:
    """What a project waits for, and by when."""

    key: str
    label: str
    label_en: str
    #: The deadline or the appointed moment (an exclusive end for a period of days), if any.
    due: datetime | None
    #: The deadline or the appointed moment has passed and the step is still to be taken.
    late: bool
    #: Nobody has anything to do before `due` (the responses are open).
    waiting: bool = False


def next_step(
    state: ProjectState,
    now: datetime,
    *,
    responses_close_at: datetime | None = None,
    meeting_at: datetime | None = None,
    signing_ends_at: datetime | None = None,
    for_owner: bool = False,
) -> NextStep | None:
    """The next step of a project in `state` (None once the contract is signed): for the office,
    or worded for the owner. Late when its deadline or appointed time has passed."""
    rule = STATES[state]
    if rule.next is None:
        return None
    key, staff_label, owner_label = rule.next
    label, label_en = owner_label if for_owner else staff_label
    moments = {
        "responses_close_at": responses_close_at,
        "meeting_at": meeting_at,
        "signing_ends_at": signing_ends_at,
    }
    due = moments[rule.due] if rule.due else None
    if due is None or rule.waiting:
        late = False
    elif rule.appointed:
        late = now > due  # at the appointed minute the meeting is on time; after it, late
    else:
        late = now >= due  # an exclusive end
    return NextStep(key, label, label_en, due, late, rule.waiting)


def trading_steps(state: ProjectState, *, posted: bool) -> list[tuple[str, StepStatus]]:
    """The staff's trading checklist in `state`: a posting recorded is done whatever the state."""
    return [
        (key, StepStatus.DONE if key == "posting" and posted else status)
        for key, status in STATES[state].steps
    ]


def urgency(step: NextStep, since: datetime) -> tuple[int, datetime]:
    """Sort key, most urgent first: late steps, then by when each is due — a step without a
    deadline is due since the project reached its state (`since`), so work waiting already
    comes before deadlines still ahead."""
    return (0 if step.late else 1, step.due or since)
