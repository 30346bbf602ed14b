"""Complaint use cases, one transaction each: file (by the complainant, or by staff from paper),
accept or refuse, pause and resume the decision clock, record a finding, decide, record a
withdrawal, suspend the trading. Each writes its audit entry; a refusal and a decision are
published as a `complaint_decision` notice in the same transaction."""

from ._common import (
    EVIDENCE_TYPES,
    MAX_CONTACT,
    MAX_EVIDENCE,
    MAX_NAME,
    MAX_TEXT,
    ComplaintInput,
    DecisionInput,
    Upload,
    handles,
)
from .decision import decide
from .filing import file_complaint
from .handling import accept, end_pause, pause, record_finding, refuse, suspend_trading, withdraw

__all__ = [
    "EVIDENCE_TYPES",
    "MAX_CONTACT",
    "MAX_EVIDENCE",
    "MAX_NAME",
    "MAX_TEXT",
    "ComplaintInput",
    "DecisionInput",
    "Upload",
    "accept",
    "decide",
    "end_pause",
    "file_complaint",
    "handles",
    "pause",
    "record_finding",
    "refuse",
    "suspend_trading",
    "withdraw",
]
