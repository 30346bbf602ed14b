"""Draw use cases: commit, draw, abandon, and the reads Pool and Trading need.

Each public use case is one transaction, or joins its caller's (app.transactions): Pool and
Trading commit and run their draws inside their own use cases. One module per concern; callers
use the package (`from lottery import services as draws; draws.commit_ranking(...)`).
"""

from ._common import closed_error, runs_draws_of
from .commit import Subject, commit_draw, commit_pick, commit_ranking
from .meeting import abandon, draw, show_pending_entropy
from .outcomes import (
    Outcome,
    alternates_of,
    for_subject,
    get,
    next_in_ranking,
    outcome,
    picked_option,
    winners_of,
)
from .registries import (
    CandidateList,
    CandidateSource,
    MinutesSection,
    minutes_sections,
    owned_where,
    proposed_candidates,
    register_candidate_source,
    register_minutes_section,
    register_owned_subject,
)
from .rotation import ResealReport, reseal_seeds

__all__ = [
    "CandidateList",
    "CandidateSource",
    "MinutesSection",
    "Outcome",
    "ResealReport",
    "Subject",
    "abandon",
    "alternates_of",
    "closed_error",
    "commit_draw",
    "commit_pick",
    "commit_ranking",
    "draw",
    "for_subject",
    "get",
    "minutes_sections",
    "next_in_ranking",
    "outcome",
    "owned_where",
    "picked_option",
    "proposed_candidates",
    "register_candidate_source",
    "register_minutes_section",
    "register_owned_subject",
    "reseal_seeds",
    "runs_draws_of",
    "show_pending_entropy",
    "winners_of",
]
