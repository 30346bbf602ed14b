"""What a public revision history (修改记录) shows of an audit entry: the one label table of audited
actions, the fields a reader may see, the role that acted, and the masking of personal data.

Pure: plain values in, plain values out (tests/unit/test_history_rules.py). The audit log keeps
everything (app/audit.py); the public sees an entry through these rules only:

- **Fields by whitelist.** A payload field is shown only if `FIELD_LABELS` names it: the fields
  that the object's own public page already shows (title, publicity end, control price, winner…).
  Anything else — contacts, legal representatives, addresses, the complainant, who posted a
  bulletin, approvers, hashes, SMS recipients — is never shown, whatever a service later writes.
- **Text is scrubbed.** A shown value may be free text (a reason, an answer) in which someone typed
  a mobile or an ID number: every run of 11 or more digits (mobiles, 15/18-digit 身份证, bank
  cards), spaced mobiles (138 1234 5678) and e-mail addresses become `MASK`.
- **Before publication, no details.** An entry older than the moment the object became public
  (a notice's drafts, a project's submission and filing, a complaint's handling before its
  decision) shows when, which role and which step — never what it changed: a draft's wording was
  never the office's published word, and may hold what was removed before publication.
- **Roles, never people.** The actor reads as its role (区公管办工作人员, 企业…) and office, never
  an account's name or login.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime
from zoneinfo import ZoneInfo

TZ = ZoneInfo("Asia/Shanghai")

#: What replaces personal data.
MASK = "***"

#: Each audited action as a reader sees it: (Chinese, English). The one table of these labels: the
#: account page (app/auth/account_views.py), the project's staff page (contracts/progress.py) and
#: the public histories read it. Keys are the action values of app.audit.Action.
ACTION_LABELS: dict[str, tuple[str, str]] = {
    "user:created": ("开设账户", "Account opened"),
    "user:updated": ("修改账户", "Account updated"),
    "user:locked": ("账户锁定", "Account locked"),
    "user:login_throttled": ("登录失败过多，暂缓登录", "Logins delayed after failures"),
    "user:sessions_ended": ("退出登录", "Signed out"),
    "user:password_changed": ("修改密码", "Password changed"),
    "user:disabled": ("停用账户", "Account disabled"),
    "user:enabled": ("启用账户", "Account enabled"),
    "user:password_reset": ("管理员重置密码", "Password reset by an administrator"),
    "user:role_changed": ("更改角色或机构", "Role or office changed"),
    "calendar:year_confirmed": ("确认年度节假日安排", "Holiday arrangement confirmed"),
    "notice:drafted": ("起草公告", "Notice drafted"),
    "notice:edited": ("修改公告草稿", "Draft notice edited"),
    "notice:draft_deleted": ("删除公告草稿", "Draft notice deleted"),
    "notice:attachment_added": ("添加附件", "Attachment added"),
    "notice:attachment_removed": ("删除附件", "Attachment removed"),
    "notice:published": ("发布公告", "Notice published"),
    "notice:publicity_extended": ("延长公示期", "Publicity extended"),
    "draw:committed": ("生成摇号承诺", "Draw committed"),
    "draw:drawn": ("摇号", "Drawn"),
    "draw:abandoned": ("摇号作废", "Draw abandoned"),
    "draw:seeds_resealed": ("重新密封种子", "Seeds resealed"),
    "contractor:registered": ("企业注册", "Company registered"),
    "contractor:updated": ("修改企业信息", "Company details updated"),
    "contractor:document_added": ("上传企业证明材料", "Company document uploaded"),
    "contractor:checked": ("核验企业注册信息", "Registration checked"),
    "pool_call:drafted": ("起草征集公告", "Pool call drafted"),
    "pool_call:edited": ("修改征集公告", "Pool call edited"),
    "pool_call:consulted": ("部门会商", "Departments consulted"),
    "pool_call:published": ("发布征集公告", "Pool call published"),
    "pool_call:meeting_scheduled": ("确定摇号会议", "Lottery meeting scheduled"),
    "pool_application:submitted": ("提交入库申请", "Application submitted"),
    "pool_application:amended": ("修改入库申请", "Application amended"),
    "pool_application:withdrawn": ("撤回入库申请", "Application withdrawn"),
    "pool_review:recorded": ("记录资格审查意见", "Review recorded"),
    "pool_review:published": ("发布资格审查结果", "Review result published"),
    "pool_objection:filed": ("提出异议", "Objection filed"),
    "pool_objection:answered": ("答复异议", "Objection answered"),
    "pool_category:settled": ("确定类别入围企业", "Category settled"),
    "pool_roster:publicity_published": ("发布入围企业名录公示", "Roster publicity published"),
    "pool_roster:published": ("发布入围企业名单", "Roster published"),
    "pool_roster:reserve_entered": ("递补入围", "Reserve entered"),
    "sms:queued": ("发送短信通知", "SMS notification queued"),
    "sms:resent": ("重发短信", "SMS resent"),
    "sms:preference_changed": ("修改短信设置", "SMS preference changed"),
    "project:submitted": ("录入项目", "Project entered"),
    "project:filed": ("备案", "Filed"),
    "project:sent_back": ("退回业主", "Sent back to the owner"),
    "project:revised": ("修改项目", "Project revised"),
    "project:attachment_added": ("添加附件", "Attachment added"),
    "trading:posted": ("信息公开栏张贴", "Posted on the bulletin board"),
    "trading:announced": ("发布交易公告", "Trading notice published"),
    "trading:responded": ("企业响应", "A company responded"),
    "trading:response_withdrawn": ("企业撤回响应", "A company withdrew its response"),
    "trading:drawn": ("定标会议：摇号确定承包单位和下浮率", "Award meeting: drawn"),
    "trading:failed": ("定标会议：流标", "Award meeting: trading failed"),
    "contract:signed": ("记录合同签订", "Contract recorded"),
    "contract:refused": ("记录中标企业拒签", "Refusal to sign recorded"),
    "trading_objection:filed": ("提出异议", "Objection filed"),
    "trading_objection:answered": ("答复异议", "Objection answered"),
    "trading:suspended": ("暂停交易", "Trading suspended"),
    "trading:resumed": ("恢复交易", "Trading resumed"),
    "case:opened": ("立案", "Case opened"),
    "case:stated": ("企业陈述申辩", "Company's statement recorded"),
    "case:decided": ("作出处理决定", "Case decided"),
    "sanction:published": ("公布不良行为记录", "Sanction published"),
    "sanction:changed": ("变更处理", "Sanction changed"),
    "sanction:correction_asked": ("企业申请更正", "Correction requested"),
    "sanction:correction_answered": ("答复更正申请", "Correction request answered"),
    "complaint:filed": ("收到投诉", "Complaint received"),
    "complaint:accepted": ("受理投诉", "Complaint accepted"),
    "complaint:refused": ("不予受理", "Complaint refused"),
    "complaint:paused": ("中止计算处理期限", "Handling period paused"),
    "complaint:pause_ended": ("恢复计算处理期限", "Handling period resumed"),
    "complaint:violation_found": ("认定违法事实", "Violation found"),
    "complaint:decided": ("作出投诉处理决定", "Complaint decided"),
    "complaint:withdrawn": ("投诉人撤回投诉", "Complaint withdrawn"),
    "complaint:trading_suspended": ("因投诉暂停交易", "Trading suspended for the complaint"),
    "evaluation:recorded": ("记录履约评价", "Performance evaluation recorded"),
    "credit_check:recorded": ("记录信用核查", "Credit check recorded"),
    "office:created": ("设立机构", "Office created"),
    "guide:drafted": ("起草政策指南", "Policy or guide drafted"),
    "guide:edited": ("修改政策指南", "Policy or guide edited"),
    "guide:draft_deleted": ("删除政策指南草稿", "Policy or guide draft deleted"),
    "guide:attachment_added": ("添加政策指南附件", "Attachment added to a policy or guide"),
    "guide:attachment_removed": ("删除政策指南附件", "Attachment removed from a policy or guide"),
    "guide:published": ("发布政策指南", "Policy or guide published"),
    "guide:withdrawn": ("废止或停用政策指南", "Policy or guide withdrawn"),
    "subscription:changed": ("订阅公告短信", "Notice SMS subscription changed"),
    "subscription:stopped": ("退订公告短信", "Notice SMS subscription stopped"),
}

#: Actions a public history never lists: an SMS resend and a company's SMS settings and
#: subscriptions are the platform's housekeeping and a company's private choice, not a change of the public object (and
#: they write no table a public page reads, so the page cache would not see them — app.pagecache).
HIDDEN_ACTIONS = frozenset(
    {"sms:resent", "sms:preference_changed", "subscription:changed", "subscription:stopped"}
)

#: The payload fields a public history shows, with their labels: only fields the object's own
#: public page already shows. The whitelist is the masking's first rule — see the module doc.
FIELD_LABELS: dict[str, tuple[str, str]] = {
    "title": ("标题", "Title"),
    "name": ("名称", "Name"),
    "issuing_body": ("公开主体", "Issued by"),
    "legal_basis": ("公开依据", "Legal basis"),
    "min_working_days": ("公示期（工作日）", "Publicity (working days)"),
    "published_at": ("发布时间", "Published"),
    "publicity_ends_at": ("公示截止", "Publicity ends"),
    "corrects_id": ("更正的公告", "Corrects notice"),
    "notice_id": ("公告编号", "Notice"),
    "owner_name": ("业主", "Owner"),
    "town": ("镇（街道）", "Town"),
    "village": ("村（社区）", "Village"),
    "category": ("类别", "Category"),
    "funding": ("资金来源", "Funding"),
    "duration_days": ("工期（日历天）", "Duration (days)"),
    "estimate": ("估算（元）", "Estimate (yuan)"),
    "control_price": ("控制价（元）", "Control price (yuan)"),
    "non_competitive_part": ("不参与下浮部分（元）", "Non-competitive part (yuan)"),
    "project": ("项目", "Project"),
    "responses_close_at": ("响应截止", "Responses close"),
    "meeting_at": ("定标会议时间", "Meeting"),
    "uscc": ("统一社会信用代码", "USCC"),
    "winner": ("承包单位", "Contract unit"),
    "refused": ("拒签企业", "Refused to sign"),
    "discount_rate": ("下浮率（%）", "Discount rate (%)"),
    "contract_price": ("合同价（元）", "Contract price (yuan)"),
    "respondents": ("响应企业数", "Respondents"),
    "minimum": ("最少响应企业数", "Minimum respondents"),
    "signed_on": ("签订日期", "Signed on"),
    "amount": ("合同金额（元）", "Contract amount (yuan)"),
    "suspended_at": ("暂停时间", "Suspended"),
    "resumed_at": ("恢复时间", "Resumed"),
    "reason": ("理由", "Reason"),
    "matter": ("事项", "Matter"),
    "upheld": ("是否成立", "Upheld"),
    "kind": ("类型", "Kind"),
    "purpose": ("用途", "Purpose"),
    "status": ("状态", "Status"),
    "drawn_at": ("摇号时间", "Drawn"),
    "abandon_reason": ("作废原因", "Reason abandoned"),
    "winners": ("抽取数量", "Winners"),
    "checked_at": ("核验时间", "Checked"),
    "from": ("起始日期", "From"),
    "until": ("截止日期（不含）", "Until (exclusive)"),
    "shown_until": ("公布至", "Shown until"),
    "outcome": ("处理结果", "Outcome"),
    "decided_at": ("决定时间", "Decided"),
    "queued": ("短信条数", "Messages"),
}

#: Fields that hold a company's unified social credit code (统一社会信用代码, public on every
#: roster and result): shown as they are when the code is a valid one (GB 32100-2015), masked
#: otherwise — an 18-character ID number must not pass for a company's code.
CODE_FIELDS = frozenset({"uscc", "winner", "refused"})

#: Coded values as a reader sees them (statuses, kinds, outcomes); other values show as written.
VALUE_LABELS: dict[str, tuple[str, str]] = {
    "draft": ("草稿", "draft"),
    "published": ("已发布", "published"),
    "committed": ("已承诺", "committed"),
    "drawn": ("已摇号", "drawn"),
    "abandoned": ("已作废", "abandoned"),
    "received": ("已收到", "received"),
    "accepted": ("已受理", "accepted"),
    "refused": ("不予受理", "refused"),
    "decided": ("已作出决定", "decided"),
    "withdrawn": ("已撤回", "withdrawn"),
    "upheld": ("投诉成立", "upheld"),
    "dismissed": ("驳回投诉", "dismissed"),
    "ranking": ("排序摇号", "ranking draw"),
    "pick": ("抽取一项", "pick draw"),
    "warning": ("警告", "warning"),
    "suspension": ("暂停", "suspension"),
    "removal": ("清出", "removal"),
}

#: The audit subjects a history may gather besides its own object, as a row names them.
SUBJECT_LABELS: dict[str, tuple[str, str]] = {
    "notice": ("公告", "Notice"),
    "project": ("项目", "Project"),
    "trading": ("交易", "Trading"),
    "trading_objection": ("异议", "Objection"),
    "draw": ("摇号", "Draw"),
    "contractor": ("企业", "Company"),
    "misconduct_case": ("不良行为案件", "Misconduct case"),
    "sanction": ("处理", "Sanction"),
    "complaint": ("投诉", "Complaint"),
}

#: Roles as the public reads them: an office's role, never an account.
ROLE_LABELS: dict[str, tuple[str, str]] = {
    "staff": ("区公管办工作人员", "Trading office staff"),
    "reviewer": ("部门审查人员", "Department reviewer"),
    "owner": ("业主", "Project owner"),
    "contractor": ("企业", "Company"),
    "admin": ("系统管理员", "Administrator"),
    "supervisor": ("纪检监察与审计人员", "Supervisor"),
}
SYSTEM_LABEL = ("系统", "System")

#: Every 11+ digit run (mobiles, 15/18-digit ID numbers with their X, bank cards), a mobile
#: written with spaces or dashes (+86 138 1234 5678), and e-mail addresses.
_PERSONAL = re.compile(
    r"\d{11,}[Xx]?"
    r"|(?:\+?86[\s-]?)?1[3-9]\d[\s-]\d{4}[\s-]\d{4}"
    r"|[\w.+-]+@[\w-]+(?:\.[\w-]+)+"
)
_ROLE_IN_LABEL = re.compile(r"\(([a-z_]+)\)\s*$")
_ISO_TIME = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?([+-]\d{2}:\d{2}|Z)?$")


def mask_text(text: str) -> str:
    """`text` with every mobile, ID number and e-mail address replaced by `MASK`."""
    return _PERSONAL.sub(MASK, text)


def mask_value(value):
    """A payload value with `mask_text` applied to every string in it (keys of nested mappings
    too: a mapping keyed by something personal must not leak through its keys)."""
    if isinstance(value, str):
        return mask_text(value)
    if isinstance(value, dict):
        return {mask_text(str(k)): mask_value(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [mask_value(v) for v in value]
    return value


def label(pair: tuple[str, str], english: bool) -> str:
    return pair[1] if english else pair[0]


def action_label(action: str, english: bool = False) -> str:
    """The action's reader label; an action not in the table reads as its code."""
    pair = ACTION_LABELS.get(action)
    return label(pair, english) if pair else action


def actor_role(actor_id: int | None, actor_label: str) -> str | None:
    """The role an entry was written under, from the label the audit log kept at the time
    ("name (role)" — app.audit._label): None for the system (a job, the CLI, the demo)."""
    if actor_id is None:
        return None
    found = _ROLE_IN_LABEL.search(actor_label or "")
    return found.group(1) if found and found.group(1) in ROLE_LABELS else None


def role_label(role: str | None, english: bool = False) -> str:
    return (
        label(ROLE_LABELS[role], english) if role in ROLE_LABELS else label(SYSTEM_LABEL, english)
    )


@dataclass(frozen=True)
class Change:
    """One shown field of an entry: its label, and the value before and after (either may be
    None: a field set for the first time, or one the step only reports)."""

    field: str
    label: str
    before: str | None
    after: str | None
    #: The public page a value names (a notice id: that notice), when the field's owner linked it
    #: (app.history.queries.register_field_links).
    before_url: str | None = None
    after_url: str | None = None


def changes(before: dict | None, after: dict | None, english: bool = False) -> list[Change]:
    """The shown fields of an entry, in the label table's order: whitelisted, masked, formatted,
    and only those that changed (the same value before and after, or empty on both sides — a
    draft's unset publication time — is not a change)."""
    before, after = before or {}, after or {}
    shown = []
    for field, pair in FIELD_LABELS.items():
        old = _field(field, before.get(field), english)
        new = _field(field, after.get(field), english)
        if old == new:
            continue
        shown.append(Change(field, label(pair, english), old, new))
    return shown


def _field(field: str, value, english: bool) -> str | None:
    if value is None or value == "":
        return None
    if field in CODE_FIELDS:
        return value if isinstance(value, str) and valid_uscc(value) else MASK
    return display(value, english)


_USCC_CHARSET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
_USCC_WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)


def valid_uscc(code: str) -> bool:
    """A unified social credit code with its check character (GB 32100-2015)."""
    if len(code) != 18 or any(ch not in _USCC_CHARSET for ch in code):
        return False
    total = sum(_USCC_CHARSET.index(ch) * w for ch, w in zip(code, _USCC_WEIGHTS, strict=False))
    return code[17] == _USCC_CHARSET[(31 - total % 31) % 31]


def withheld(entry_at: datetime, public_since: datetime) -> bool:
    """Whether an entry's details are withheld: it was written before the object became public.
    The audit time is kept to the second (app.audit.record), so the comparison is too."""
    return entry_at < public_since.replace(microsecond=0)


def display(value, english: bool = False) -> str:
    """A masked payload value as text: local times to the minute, yes/no, lists joined."""
    value = mask_value(value)
    if value is None or value == "":
        return "—"
    if isinstance(value, bool):
        return label(("是", "Yes") if value else ("否", "No"), english)
    if isinstance(value, str) and _ISO_TIME.match(value):
        return _local(value)
    if isinstance(value, str) and value in VALUE_LABELS:
        return label(VALUE_LABELS[value], english)
    if isinstance(value, list):
        return (", " if english else "、").join(display(v, english) for v in value)
    if isinstance(value, dict):
        sep = ", " if english else "；"
        return sep.join(f"{k}: {display(v, english)}" for k, v in value.items())
    return str(value)


def _local(text: str) -> str:
    moment = datetime.fromisoformat(text.replace("Z", "+00:00"))
    if moment.tzinfo is None:  # the audit log's times are UTC (app.types.UTCDateTime)
        return moment.strftime("%Y-%m-%d %H:%M")
    return moment.astimezone(TZ).strftime("%Y-%m-%d %H:%M")


def local_time(moment: datetime) -> str:
    """An entry's time as the page and the API's text show it (Asia/Shanghai, to the second)."""
    return moment.astimezone(TZ).strftime("%Y-%m-%d %H:%M:%S")
