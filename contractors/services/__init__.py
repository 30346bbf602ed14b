"""Pool use cases. Each public function is one transaction: it checks the rules, changes state,
writes its audit entries and publishes its notice (notices.services.publish_new) together."""

from .applications import amend_application, apply, withdraw_application
from .calls import (
    CallInput,
    create_call,
    earliest_meeting,
    publish_call,
    record_consultation,
    schedule_meeting,
    update_call,
)
from .meeting import (
    publish_roster,
    publish_roster_publicity,
    settle_category,
    show_category_entropy,
)
from .notify import notify_category
from .registration import (
    ContractorInput,
    QualificationInput,
    add_document,
    check_registration,
    register_contractor,
    update_contractor,
)
from .review import answer_objection, file_objection, publish_review_results, record_decision
from .roster_objections import answer_roster_objection, file_roster_objection
from .signup import sign_up

__all__ = [
    "CallInput",
    "ContractorInput",
    "QualificationInput",
    "add_document",
    "amend_application",
    "answer_objection",
    "answer_roster_objection",
    "apply",
    "check_registration",
    "create_call",
    "earliest_meeting",
    "file_objection",
    "file_roster_objection",
    "notify_category",
    "publish_call",
    "publish_review_results",
    "publish_roster",
    "publish_roster_publicity",
    "record_consultation",
    "record_decision",
    "register_contractor",
    "schedule_meeting",
    "settle_category",
    "show_category_entropy",
    "sign_up",
    "update_call",
    "update_contractor",
    "withdraw_application",
]
