"""Trading use cases. Each public function is one transaction: it checks the rules, changes state,
writes its audit entries and publishes its notice (notices.services.publish_new) together."""

from contracts import queries as _queries  # noqa: F401 (registers the draws' owner and source)

from ._common import office_name
from .award import hold_meeting, show_meeting_entropy
from .contract import record_contract, record_refusal
from .projects import (
    ProjectInput,
    add_attachment,
    file_project,
    fingerprint,
    revise_project,
    send_back,
    submit_project,
)
from .responses import commitment_text, respond, withdraw_response
from .suspension import resume_trading, suspend_trading
from .trading import COMMITMENT_TEXT, TradingInput, announce, earliest_meeting

__all__ = [
    "COMMITMENT_TEXT",
    "ProjectInput",
    "TradingInput",
    "add_attachment",
    "announce",
    "commitment_text",
    "earliest_meeting",
    "file_project",
    "fingerprint",
    "hold_meeting",
    "office_name",
    "record_contract",
    "record_refusal",
    "respond",
    "resume_trading",
    "revise_project",
    "send_back",
    "show_meeting_entropy",
    "submit_project",
    "suspend_trading",
    "withdraw_response",
]
