"""Pure rules of complaints (投诉) to the supervising department: the filing window, the states,
the statutory deadlines and the guards (《招标投标法实施条例》 arts. 60–62; 《工程建设项目招标投标
活动投诉处理办法》 arts. 3, 7, 9, 11, 12).

Everything here takes plain values, an explicit `now`/`today` and a `WorkCalendar` (pure): no
Flask, no SQLAlchemy. The services call the guards; the pages and the API ask the state. One
module a concern: matters (what a complaint is about and how it ends), filing (the window and
the filing's guards), states, deadlines; callers import them from here,
`contracts.complaints.rules`.
"""

from ._common import (
    ACCEPT_WORKING_DAYS,
    BASIS_ACCEPT,
    BASIS_DECIDE,
    BASIS_WINDOW,
    DECIDE_WORKING_DAYS,
    WINDOW_DAYS,
    ComplaintRuleError,
)
from .deadlines import accept_by, decide_by, paused_working_days
from .filing import (
    Wait,
    filing_window_ends_at,
    plain_window_ends_at,
    require_evidence,
    require_filing_content,
    require_knew_on,
    require_new_facts,
    require_objected,
    require_within_window,
    waiting_days,
)
from .matters import (
    MATTERS,
    MATTERS_NEEDING_OBJECTION,
    OUTCOMES,
    PAUSE_KINDS,
    REFUSAL_GROUNDS,
    Ground,
    Matter,
    Outcome,
    PauseKind,
)
from .states import (
    STATUS_LABELS,
    ComplaintFacts,
    ComplaintStatus,
    Step,
    allowed,
    is_paused,
    require,
    require_decision,
    status_of,
)

__all__ = [
    "ACCEPT_WORKING_DAYS",
    "BASIS_ACCEPT",
    "BASIS_DECIDE",
    "BASIS_WINDOW",
    "DECIDE_WORKING_DAYS",
    "MATTERS",
    "MATTERS_NEEDING_OBJECTION",
    "OUTCOMES",
    "PAUSE_KINDS",
    "REFUSAL_GROUNDS",
    "STATUS_LABELS",
    "WINDOW_DAYS",
    "ComplaintFacts",
    "ComplaintRuleError",
    "ComplaintStatus",
    "Ground",
    "Matter",
    "Outcome",
    "PauseKind",
    "Step",
    "Wait",
    "accept_by",
    "allowed",
    "decide_by",
    "filing_window_ends_at",
    "is_paused",
    "paused_working_days",
    "plain_window_ends_at",
    "require",
    "require_decision",
    "require_evidence",
    "require_filing_content",
    "require_knew_on",
    "require_new_facts",
    "require_objected",
    "require_within_window",
    "status_of",
    "waiting_days",
]
