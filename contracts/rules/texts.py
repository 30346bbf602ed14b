"""The project's free-text facts and what a staff member reviewed before a step."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from decimal import Decimal

from lottery import rules as draw_rules
from notices.sms.rules import contains_url

from ._common import RuleError

# ---- the project's text ----------------------------------------------------------------------


@dataclass(frozen=True)
class TextRule:
    """A free-text fact of a project and what it may hold."""

    field: str
    label: str
    label_en: str
    max_chars: int
    required: bool = True
    #: Line breaks (and tabs) allowed: the scope of works is a paragraph.
    multiline: bool = False
    #: No web address: the name is the trading notice's title and goes into every SMS
    #: (notices.sms.rules refuses a URL in an SMS variable).
    no_url: bool = False


#: The free-text facts of a project, checked on entry, revision, filing and announcement alike,
#: so that a project that was accepted is never refused later for its text. The caps keep the
#: texts below what they are printed in: the name in the notice title "{name}交易公告" (200
#: characters, notices) and in both draws' purpose (lottery.rules.MAX_PURPOSE_CHARS).
PROJECT_TEXTS = (
    TextRule("name", "项目名称", "The project name", 100, no_url=True),
    TextRule("owner_name", "业主", "The owner", 100),
    TextRule("town", "街道/镇", "The town", 50),
    TextRule("village", "村（社区）", "The village", 50, required=False),
    TextRule("contact_person", "联系人", "The contact person", 50),
    TextRule("contact_phone", "联系电话", "The contact phone", 40),
    TextRule("scope", "工程内容", "The scope of works", 20_000, required=False, multiline=True),
)
TEXT_LIMITS = {t.field: t.max_chars for t in PROJECT_TEXTS}


def check_text(rule: TextRule, value: object) -> str:
    """One text fact, stripped: present if required, within its cap, no line break (unless a
    paragraph), no control, zero-width, bidi or unassigned character (NUL included), no web
    address where the notice and the SMS forbid one."""
    text = value.strip() if isinstance(value, str) else ""
    if rule.required and not text:
        raise RuleError(f"请填写{rule.label}", f"{rule.label_en} is required", field=rule.field)
    if len(text) > rule.max_chars:
        raise RuleError(
            f"{rule.label}不能超过{rule.max_chars}个字（现有{len(text)}个）",
            f"{rule.label_en} may have at most {rule.max_chars} characters ({len(text)})",
            field=rule.field,
        )
    ch = draw_rules.hidden_character(text, allowed="\n\r\t" if rule.multiline else "")
    if ch is not None:
        raise RuleError(
            f"{rule.label}不能包含换行、控制字符或不可见字符（U+{ord(ch):04X}）",
            f"{rule.label_en} may not contain a line break, control or invisible character "
            f"(U+{ord(ch):04X})",
            field=rule.field,
        )
    if rule.no_url and contains_url(text):
        raise RuleError(
            f"{rule.label}不能包含网址",
            f"{rule.label_en} may not contain a web address",
            field=rule.field,
        )
    return text


def check_project_texts(values: Mapping[str, object]) -> dict[str, str]:
    """Every free-text fact of a project (PROJECT_TEXTS), checked and stripped."""
    return {rule.field: check_text(rule, values.get(rule.field)) for rule in PROJECT_TEXTS}


# ---- what staff reviewed -----------------------------------------------------------------------

#: The facts shown on a project's page that filing, sending back and announcing rely on.
REVIEWED_FIELDS = (
    "name",
    "owner_name",
    "town",
    "village",
    "category_code",
    "kind",
    "funding",
    "estimate",
    "control_price",
    "non_competitive_part",
    "duration_days",
    "scope",
    "contact_person",
    "contact_phone",
    "documents",
    "filing",
)


def project_fingerprint(facts: Mapping[str, object], attachments: Iterable[tuple[int, str]]) -> str:
    """A digest of what a staff member reviewed: the project's facts (REVIEWED_FIELDS) and its
    attachments (id, sha256). The page carries it; the step is refused when the project's
    fingerprint is no longer the same (an owner revised it in between)."""

    def canonical(value: object) -> str:
        return f"{value:.2f}" if isinstance(value, Decimal) else str(value)

    payload = {
        "facts": {k: canonical(facts[k]) for k in REVIEWED_FIELDS},
        "attachments": sorted([int(i), str(h)] for i, h in attachments),
    }
    text = json.dumps(payload, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


#: What a revision writes: the reviewed facts (the documents and the filing among them), the office
#: that trades the project and the reasons it was sent back for.
REVISED_FIELDS = (*REVIEWED_FIELDS, "office_id", "sent_back_reasons")


def revision_changes(before: Mapping[str, object], after: Mapping[str, object]) -> tuple[str, ...]:
    """The facts (REVISED_FIELDS) a revision changes. Empty: the form was saved as it was — no
    revision, so no audit entry and no step in the project's history (a sent-back project saved as
    it was is still resubmitted: its filing changes)."""
    return tuple(k for k in REVISED_FIELDS if before[k] != after[k])


def require_reviewed(reviewed: object, current: str, step: tuple[str, str]) -> None:
    """Refuse a step taken on a page that showed another version of the project."""
    if not isinstance(reviewed, str) or reviewed != current:
        raise RuleError(
            f"项目已被修改，请重新审阅后再{step[0]}",
            f"The project was changed since you opened it: review it again, then {step[1]}",
        )


# ---- the titles of a trading's notices --------------------------------------------------------


def _ordinal(n: int) -> str:
    if 10 <= n % 100 <= 20:
        return f"{n}th"
    return f"{n}{ {1: 'st', 2: 'nd', 3: 'rd'}.get(n % 10, 'th') }"


def round_words(round_: int) -> tuple[str, str]:
    """(Chinese, English) words that tell a re-announced project's round apart: nothing for the
    first, "（第2次）" / " (2nd announcement)" for the second, and so on."""
    if round_ <= 1:
        return ("", "")
    return (f"（第{round_}次）", f" ({_ordinal(round_)} announcement)")


def notice_title(project_name: str, round_: int, kind: str) -> str:
    """THE title of a notice of a trading round — `kind` "交易公告", "流标公告", "交易结果公告",
    "交易结果更正公告", "暂停交易公告", "恢复交易公告": "{name}交易公告" for the first round,
    "{name}（第2次）交易公告" once the project is announced again, so that each round's notices
    are told apart in every list of notices."""
    return f"{project_name}{round_words(round_)[0]}{kind}"
