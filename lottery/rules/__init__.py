"""Pure rules of draw records, one module a concern, all of them importable from here.

identifiers: a draw's id, subject, purpose, kind and winners; entropy: the public entries called
out at the meeting, as shown and confirmed; candidates: their order and checks, the reviewed list's
digest, labels, reasons, rate options; record: the published record's shape and reading a ranking.
No Flask, no SQLAlchemy: the services and pages call these with plain values, and the unit tests
run them without an app. The algorithm itself lives in ``lottery/engine.py``; callers import the
rules from here, ``lottery.rules``.
"""

from ._common import (
    KINDS,
    MAX_CANDIDATE_CHARS,
    MAX_CANDIDATES,
    MAX_DRAW_ID_CHARS,
    MAX_ENTROPY_CHARS,
    MAX_ENTROPY_ENTRIES,
    MAX_LABEL_CHARS,
    MAX_PURPOSE_CHARS,
    MAX_REASON_CHARS,
    STATUSES,
    RuleError,
    hidden_character,
)
from .candidates import (
    as_reviewed,
    candidates_digest,
    check_candidates,
    check_labels,
    check_reason,
    label_adds,
    rate_options,
    sorted_candidates,
)
from .entropy import (
    check_as_shown,
    normalize_entropy,
    parse_entropy_lines,
)
from .identifiers import (
    check_draw_id,
    check_kind,
    check_purpose,
    check_subject,
    check_winners,
)
from .record import (
    KIND_LABELS,
    RECORD_KEYS,
    STATUS_LABELS,
    SUBJECT_TYPE_LABELS,
    next_in_ranking,
    published_record,
    split_ranking,
)

__all__ = [
    "KINDS",
    "KIND_LABELS",
    "MAX_CANDIDATES",
    "MAX_CANDIDATE_CHARS",
    "MAX_DRAW_ID_CHARS",
    "MAX_ENTROPY_CHARS",
    "MAX_ENTROPY_ENTRIES",
    "MAX_LABEL_CHARS",
    "MAX_PURPOSE_CHARS",
    "MAX_REASON_CHARS",
    "RECORD_KEYS",
    "STATUSES",
    "STATUS_LABELS",
    "SUBJECT_TYPE_LABELS",
    "RuleError",
    "as_reviewed",
    "candidates_digest",
    "check_as_shown",
    "check_candidates",
    "check_draw_id",
    "check_kind",
    "check_labels",
    "check_purpose",
    "check_reason",
    "check_subject",
    "check_winners",
    "hidden_character",
    "label_adds",
    "next_in_ranking",
    "normalize_entropy",
    "parse_entropy_lines",
    "published_record",
    "rate_options",
    "sorted_candidates",
    "split_ranking",
]
