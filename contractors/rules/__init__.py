"""Pure rules of the pool: call states and their guards, review decisions, the timeline with the
earliest date of each step, and THE rule of who is an active member on a date.

No Flask, no SQLAlchemy (tests/unit/test_architecture.py): every rule takes plain values and an
explicit `now`/`today`, and a WorkCalendar where working days are counted. One module a concern:
registration (a company's listing and documents), call (the state machine), review, membership,
steps (the timeline), objections (the stage of an objection, the roster's); callers import them from here, `contractors.rules`.
"""

from ._common import (
    CALL_DAYS,
    REVIEW_DAYS,
    ROSTER_PUBLICITY_DAYS,
    RuleError,
    first_day_after,
    last_day,
    require_ended,
)
from .call import (
    STATE_LABELS,
    CallFacts,
    CallState,
    Opinion,
    applications_open,
    call_state,
    check_call_dates,
    check_quotas,
    consultation_problem,
    require_applications_open,
)
from .membership import (
    STANDING_LABELS,
    Period,
    Standing,
    is_active_member,
    member_period,
    standing,
    standing_label,
)
from .objections import (
    ROSTER_ANSWER_DAYS,
    ROSTER_OBJECTION_BASIS,
    ObjectionStage,
    require_no_open_roster_objection,
    require_roster_objection_window,
    roster_answer_by,
)
from .registration import (
    DOCUMENT_KINDS,
    LISTING_LABELS,
    MAX_QUALIFICATIONS,
    OFFICE_ROLES,
    DocumentReader,
    Listing,
    ListingFacts,
    is_publicly_listed,
    listing,
    may_read_document,
    require_unchecked,
)
from .review import (
    DECISION_LABELS,
    FAIL,
    PASS,
    SelectionStatus,
    Settlement,
    check_decision,
    meeting_outcome,
)
from .steps import Step, next_step, timeline

__all__ = [
    "CALL_DAYS",
    "DECISION_LABELS",
    "DOCUMENT_KINDS",
    "FAIL",
    "LISTING_LABELS",
    "MAX_QUALIFICATIONS",
    "OFFICE_ROLES",
    "PASS",
    "REVIEW_DAYS",
    "ROSTER_ANSWER_DAYS",
    "ROSTER_OBJECTION_BASIS",
    "ROSTER_PUBLICITY_DAYS",
    "STANDING_LABELS",
    "STATE_LABELS",
    "CallFacts",
    "CallState",
    "DocumentReader",
    "Listing",
    "ListingFacts",
    "ObjectionStage",
    "Opinion",
    "Period",
    "RuleError",
    "SelectionStatus",
    "Settlement",
    "Standing",
    "Step",
    "applications_open",
    "call_state",
    "check_call_dates",
    "check_decision",
    "check_quotas",
    "consultation_problem",
    "first_day_after",
    "is_active_member",
    "is_publicly_listed",
    "last_day",
    "listing",
    "may_read_document",
    "meeting_outcome",
    "member_period",
    "next_step",
    "require_applications_open",
    "require_ended",
    "require_no_open_roster_objection",
    "require_roster_objection_window",
    "require_unchecked",
    "roster_answer_by",
    "standing",
    "standing_label",
    "timeline",
]
