"""Pure SMS rules: UCS-2 segments, template checks, retry back-off, error classes, status order."""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from datetime import timedelta

from app.refusal import Refusal

#: One UCS-2 SMS carries 70 characters; a concatenated one 67 per part (6 bytes go to the UDH).
SINGLE_UCS2 = 70
PART_UCS2 = 67
#: Longer texts are refused: carriers in mainland China reject or truncate beyond this.
MAX_SEGMENTS = 8

#: Claim order: what the procedure requires first, then optional texts (a subscription's).
PRIORITY_MANDATORY = 0
PRIORITY_OPTIONAL = 1

STATUSES = ("queued", "sending", "sent", "delivered", "failed", "undeliverable")
#: Statuses that end a message's life unless staff re-send it by hand.
FINAL = frozenset({"delivered", "failed", "undeliverable"})
#: Not accepted by the provider yet: waiting for its turn, or its call under way / being checked.
UNSENT = ("queued", "sending")
#: What staff may re-send: a message that did not reach the phone.
RESENDABLE = frozenset({"failed", "undeliverable"})

#: Twilio error codes that no retry can fix (shown to staff with their reason).
PERMANENT_CODES = {
    21211: "号码无效",
    21610: "号码已退订",
    21614: "不是手机号码",
    21408: "未开通该地区发送权限",
}
#: Twilio's "too many requests" error code: try again later.
RATE_LIMITED_CODE = 20429

_PLACEHOLDER = re.compile(r"\{([a-z_][a-z0-9_]*)\}")
# ASCII boundaries, not \b: Chinese characters are word characters, so "详见evil.com的" has no \b.
_URL = re.compile(
    r"(https?://|www\.|(?<![a-z0-9-])[a-z0-9-]+\.(com|cn|net|org|gov|edu|io|top|xyz)(?![a-z0-9]))",
    re.IGNORECASE,
)
_SIGNATURE = re.compile(r"^【[^【】]{2,12}】")


class TemplateProblem(Refusal, ValueError):
    """A template or its values break the rules; the event that wanted it is refused."""


def ucs2_units(text: str) -> int:
    """Length in UTF-16 code units: a character beyond the BMP takes two."""
    return sum(2 if ord(ch) > 0xFFFF else 1 for ch in text)


def segments(text: str) -> int:
    """How many SMS parts `text` needs in UCS-2 (Chinese text is always UCS-2)."""
    units = ucs2_units(text)
    if units <= SINGLE_UCS2:
        return 1
    return math.ceil(units / PART_UCS2)


def contains_url(text: str) -> bool:
    """Whether `text` holds a web address (Twilio drops texts with one to China)."""
    return _URL.search(text) is not None


def placeholders(template: str) -> list[str]:
    return _PLACEHOLDER.findall(template)


def check_template(template: str) -> None:
    """Mainland rules (DESIGN.md, SMS): the signature first, fixed text with variables only,
    no URLs (Twilio drops them to China)."""
    if not template.startswith("{signature}"):
        raise TemplateProblem(
            "短信模板必须以签名{signature}开头", "An SMS template must start with {signature}"
        )
    if contains_url(template):
        raise TemplateProblem("短信模板不得包含网址", "An SMS template may contain no URL")
    stripped = _PLACEHOLDER.sub("", template)
    if "{" in stripped or "}" in stripped:
        raise TemplateProblem(
            "短信模板只能包含变量 {name}，不能有其他语法",
            "An SMS template may contain variables {name} and nothing else",
        )


def render(template: str, values: dict[str, str], signature: str) -> str:
    """The text of one message; refuses a missing or empty variable, a URL, a forged signature
    and a text beyond MAX_SEGMENTS: never a half-empty SMS."""
    check_template(template)
    if not _SIGNATURE.match(signature) or _SIGNATURE.sub("", signature):
        raise TemplateProblem(
            f"短信签名格式不正确：{signature}",
            f"The SMS signature must read 【…】: {signature}",
        )
    filled = {"signature": signature}
    for name in placeholders(template):
        if name == "signature":
            continue
        value = str(values.get(name) or "").strip()
        if not value:
            raise TemplateProblem(f"短信变量“{name}”缺失", f"SMS variable “{name}” is missing")
        if contains_url(value):
            raise TemplateProblem(
                f"短信变量“{name}”不得包含网址", f"SMS variable “{name}” may contain no URL"
            )
        # 【】 inside a value could pass for a second signature: carriers reject such texts.
        filled[name] = value.replace("【", "[").replace("】", "]")
    text = _PLACEHOLDER.sub(lambda m: filled[m.group(1)], template).strip()
    if segments(text) > MAX_SEGMENTS:
        raise TemplateProblem(
            f"短信超过{MAX_SEGMENTS}条（{ucs2_units(text)}字）",
            f"The SMS exceeds {MAX_SEGMENTS} parts ({ucs2_units(text)} characters)",
        )
    return text


def backoff(attempt: int, *, base_seconds: float = 30, cap_seconds: float = 3600) -> timedelta:
    """Wait before retry number `attempt` (1-based): base · 2^(attempt−1), at most cap."""
    attempt = max(attempt, 1)
    return timedelta(seconds=min(cap_seconds, base_seconds * 2 ** min(attempt - 1, 30)))


TRANSIENT = "transient"  # not accepted by the provider: send again later
AMBIGUOUS = "ambiguous"  # the provider may have accepted it: look it up before any retry
PERMANENT = "permanent"  # no retry helps: undeliverable, with the reason


@dataclass(frozen=True)
class ErrorClass:
    kind: str
    reason: str


def classify(http_status: int | None, code: int | None, *, timed_out: bool = False) -> ErrorClass:
    """What a failed call means for the message.

    Timeouts, broken connections and 5xx may hide an accepted message (the provider has no
    idempotency key), so they are ambiguous; 429 and 20429 say "not now"; the permanent codes and
    other 4xx say "never".
    """
    if timed_out or http_status is None:
        return ErrorClass(AMBIGUOUS, "超时或连接中断")
    if code in PERMANENT_CODES:
        return ErrorClass(PERMANENT, PERMANENT_CODES[code])
    if http_status == 429 or code == RATE_LIMITED_CODE:
        return ErrorClass(TRANSIENT, "发送过于频繁")
    if http_status >= 500:
        return ErrorClass(AMBIGUOUS, f"服务端错误 {http_status}")
    if http_status in (401, 403):
        # A credentials problem: the operator must fix it; the capped retries wait for them.
        return ErrorClass(TRANSIENT, f"鉴权失败 {http_status}")
    return ErrorClass(PERMANENT, f"请求被拒绝 {http_status}")


#: Twilio's reported statuses → ours. Others (accepted, queued, sending, scheduled) change nothing.
_REPORTED = {
    "sent": "sent",
    "delivered": "delivered",
    "read": "delivered",
    "undelivered": "failed",
    "failed": "failed",
}
_RANK = {
    "queued": 0,
    "sending": 1,
    "sent": 2,
    "failed": 3,
    "undeliverable": 3,
    "delivered": 4,
}


def status_after_receipt(current: str, reported: str) -> str | None:
    """The new status a delivery receipt sets, or None when it changes nothing: receipts may
    arrive out of order, so a later state is never undone by an earlier one."""
    target = _REPORTED.get((reported or "").lower())
    if target is None or target == current:
        return None
    if _RANK[target] <= _RANK[current]:
        return None
    return target


def mask_mobile(e164: str) -> str:
    """+8613805741234 → 138****1234: staff see enough to tell numbers apart, no more."""
    digits = e164[3:] if e164.startswith("+86") else e164.lstrip("+")
    if len(digits) < 7:
        return "*" * len(digits)
    return digits[:3] + "****" + digits[-4:]
