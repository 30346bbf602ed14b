"""Pure rules of policies and guides: the four kinds, the states (draft → published → withdrawn),
the guards the services call, and the checks of what staff write."""

from __future__ import annotations

import enum
from dataclasses import dataclass
from datetime import date

from app.refusal import Refusal


def N_(message: str) -> str:
    """Mark a string for translation without translating it here (rules stay free of Flask)."""
    return message


@dataclass(frozen=True)
class GuideKind:
    code: str
    label: str  # Chinese (msgid for the English catalog)
    label_en: str
    #: What a withdrawn document of this kind is called: a policy is repealed (已废止), a guide,
    #: model text or form is withdrawn from use (已停用).
    withdrawn_label: str
    withdrawn_label_en: str
    #: Whether it carries the facts of an official document: 文号, 发文机关, 施行日期.
    official: bool = False


KINDS: dict[str, GuideKind] = {
    k.code: k
    for k in (
        GuideKind("policy", N_("政策制度"), "Policies", N_("已废止"), "Repealed", official=True),
        GuideKind("guide", N_("办事指南"), "Service guides", N_("已停用"), "Withdrawn"),
        GuideKind("model_text", N_("示范文本"), "Model texts", N_("已停用"), "Withdrawn"),
        GuideKind("form", N_("统一表式"), "Standard forms", N_("已停用"), "Withdrawn"),
    )
}


class GuideState(enum.StrEnum):
    DRAFT = "draft"  # 草稿: staff only
    PUBLISHED = "published"  # 现行有效: public, listed
    WITHDRAWN = "withdrawn"  # 已废止 / 已停用: its page stays, marked, and it leaves the lists


STATE_LABELS = {
    GuideState.DRAFT: (N_("草稿"), "Draft"),
    GuideState.PUBLISHED: (N_("现行有效"), "In force"),
}

MAX_TITLE = 200
MAX_BODY = 50_000
MAX_SHORT = 200  # issuing body, document number
MAX_REASON = 500


class GuideRefused(Refusal):
    """What staff wrote, or the step asked, is refused; nothing changed."""


def state_label(kind: str, state: str) -> tuple[str, str]:
    """The (Chinese, English) name of a document's state: a withdrawn policy is 已废止."""
    if state == GuideState.WITHDRAWN:
        k = KINDS[kind]
        return k.withdrawn_label, k.withdrawn_label_en
    return STATE_LABELS[GuideState(state)]


def require_editable(state: str) -> None:
    """A draft or a published document may be edited (a guide is kept current, each change
    audited); a withdrawn one is a record of what applied and stays as it was."""
    if state == GuideState.WITHDRAWN:
        raise GuideRefused(
            "已废止或停用的文件不能再修改", "A repealed or withdrawn document cannot be changed"
        )


def require_publishable(state: str) -> None:
    if state != GuideState.DRAFT:
        raise GuideRefused("只有草稿可以发布", "Only a draft can be published")


def require_withdrawable(state: str) -> None:
    if state != GuideState.PUBLISHED:
        raise GuideRefused(
            "只有已发布的文件可以废止或停用",
            "Only a published document can be repealed or withdrawn",
        )


def require_removable(state: str) -> None:
    """Only a draft is deleted; a published document is withdrawn, never erased."""
    if state != GuideState.DRAFT:
        raise GuideRefused(
            "已发布的文件不能删除，只能废止或停用",
            "A published document cannot be deleted; repeal or withdraw it instead",
        )


def _clean(text: str | None) -> str:
    return (text or "").strip()


def _no_nul(value: str, field: str) -> None:
    # PostgreSQL refuses NUL in text; SQLite would keep it: refuse it the same way on both.
    if "\x00" in value:
        raise GuideRefused(
            "内容含有无效字符", "The text contains an invalid character", field=field
        )


def check_text(
    kind: str,
    title: str,
    body: str,
    issuing_body: str,
    doc_number: str,
    effective_on: date | None,
) -> None:
    """What staff wrote for a document of `kind`: refused with the field at fault, or None."""
    if kind not in KINDS:
        raise GuideRefused(
            f"未知的文件类别：{kind[:30]}", f"Unknown kind: {kind[:30]}", field="kind"
        )
    for field, value in (
        ("title", title),
        ("body", body),
        ("issuing_body", issuing_body),
        ("doc_number", doc_number),
    ):
        _no_nul(value, field)
    if not _clean(title):
        raise GuideRefused("请填写标题", "Enter a title", field="title")
    if len(title) > MAX_TITLE:
        raise GuideRefused(
            f"标题不能超过{MAX_TITLE}个字符",
            f"The title may have at most {MAX_TITLE} characters",
            field="title",
        )
    if len(body) > MAX_BODY:
        raise GuideRefused(
            f"正文不能超过{MAX_BODY}个字符",
            f"The body may have at most {MAX_BODY} characters",
            field="body",
        )
    for field, value in (("issuing_body", issuing_body), ("doc_number", doc_number)):
        if len(value) > MAX_SHORT:
            raise GuideRefused(
                f"不能超过{MAX_SHORT}个字符", f"At most {MAX_SHORT} characters", field=field
            )
    if not KINDS[kind].official and (_clean(doc_number) or effective_on is not None):
        raise GuideRefused(
            "只有政策制度有文号和施行日期",
            "Only a policy has a document number and an effective date",
            field="doc_number",
        )


def check_reason(reason: str) -> str:
    """Why a document is repealed or withdrawn: required, printed on its page."""
    _no_nul(reason, "reason")
    if not _clean(reason):
        raise GuideRefused(
            "请说明废止或停用的原因", "Say why it is repealed or withdrawn", field="reason"
        )
    if len(reason) > MAX_REASON:
        raise GuideRefused(
            f"原因不能超过{MAX_REASON}个字符",
            f"The reason may have at most {MAX_REASON} characters",
            field="reason",
        )
    return _clean(reason)


def in_force(state: str, effective_on: date | None, today: date) -> bool:
    """A published document applies from its effective date (施行日期) on; before it, the page
    says when it will."""
    return state == GuideState.PUBLISHED and (effective_on is None or effective_on <= today)
