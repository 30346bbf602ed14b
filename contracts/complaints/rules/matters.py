"""What a complaint is about and how it ends, each with its label and article: the matters (and
those needing an objection first), the grounds to refuse, the outcomes, the pauses."""

from __future__ import annotations

import enum

from notices.rules import N_

from ._common import BASIS_WINDOW


class Matter(enum.StrEnum):
    """What the complaint is about. The first three need an objection first (art. 60 para. 2)."""

    NOTICE = "notice"  # the trading notice and documents (art. 22)
    MEETING = "meeting"  # the opening / award meeting (art. 44)
    RESULT = "result"  # the result (art. 54)
    OTHER = "other"  # any other breach of the rules in the trading


#: Matter → (label, English, article).
MATTERS: dict[Matter, tuple[str, str, str]] = {
    Matter.NOTICE: (
        N_("交易公告和交易文件"),
        "The trading notice and documents",
        "《招标投标法实施条例》第二十二条",
    ),
    Matter.MEETING: (
        N_("定标会议（开标）"),
        "The award meeting (opening)",
        "《招标投标法实施条例》第四十四条",
    ),
    Matter.RESULT: (N_("交易结果"), "The trading result", "《招标投标法实施条例》第五十四条"),
    Matter.OTHER: (N_("其他违反规定的行为"), "Another breach of the rules", BASIS_WINDOW),
}
MATTERS_NEEDING_OBJECTION = frozenset({Matter.NOTICE, Matter.MEETING, Matter.RESULT})


class Ground(enum.StrEnum):
    """Grounds to refuse a complaint (不予受理), each with its article (办法 art. 12)."""

    NOT_INTERESTED = "not_interested_party"
    NO_CLEAR_REQUEST = "no_clear_request"
    LATE = "late"
    ALREADY_DECIDED = "already_decided"
    IN_REVIEW_OR_LITIGATION = "in_review_or_litigation"


#: Ground → (label, English, article).
REFUSAL_GROUNDS: dict[Ground, tuple[str, str, str]] = {
    Ground.NOT_INTERESTED: (
        N_("投诉人不是所投诉交易活动的参与者，或者与投诉项目无利害关系"),
        "The complainant took no part in the trading and has no interest in it",
        "《招标投标法实施条例》第六十条；《工程建设项目招标投标活动投诉处理办法》第十二条第（一）项",
    ),
    Ground.NO_CLEAR_REQUEST: (
        N_("投诉事项不具体，没有明确的请求，且未提供有效线索"),
        "The complaint is not specific, has no clear request and gives no usable lead",
        "《招标投标法实施条例》第六十条；《工程建设项目招标投标活动投诉处理办法》第十二条第（二）项",
    ),
    Ground.LATE: (
        N_("超过投诉时效"),
        "The complaint was filed after its time limit",
        "《招标投标法实施条例》第六十条；《工程建设项目招标投标活动投诉处理办法》第十二条第（五）项",
    ),
    Ground.ALREADY_DECIDED: (
        N_("已经作出处理决定，且投诉人没有提出新的证据"),
        "A decision has been made and the complainant brings no new evidence",
        "《工程建设项目招标投标活动投诉处理办法》第十二条第（六）项",
    ),
    Ground.IN_REVIEW_OR_LITIGATION: (
        N_("投诉事项已进入行政复议或者行政诉讼程序"),
        "The matter is in administrative review or litigation",
        "《工程建设项目招标投标活动投诉处理办法》第十二条第（七）项",
    ),
}


class Outcome(enum.StrEnum):
    UPHELD = "upheld"  # 投诉成立
    DISMISSED = "dismissed"  # 投诉不成立，驳回


OUTCOMES: dict[Outcome, tuple[str, str]] = {
    Outcome.UPHELD: (N_("投诉成立"), "Upheld"),
    Outcome.DISMISSED: (N_("投诉不成立，予以驳回"), "Dismissed"),
}


class PauseKind(enum.StrEnum):
    """Why the decision clock stops (art. 61 para. 2: the time they take does not count)."""

    EXPERT_REVIEW = "expert_review"  # 专家评审
    TESTING = "testing"  # 检验检测


PAUSE_KINDS: dict[PauseKind, tuple[str, str]] = {
    PauseKind.EXPERT_REVIEW: (N_("专家评审"), "Expert review"),
    PauseKind.TESTING: (N_("检验检测"), "Testing"),
}
