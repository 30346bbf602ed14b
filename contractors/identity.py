"""Validates and normalizes identities on input: 统一社会信用代码, mainland mobiles, 身份证 — pure.

Standard library and ``phonenumbers`` only (DESIGN.md, Architecture → Identities), so forms,
services, the CLI and imports all refuse the same inputs with the same messages. Each function
returns the one stored form of a valid input or raises :class:`IdentityError`, whose messages say
exactly what is wrong (how many characters were given, which character at which position, which
check character the rest implies), because the reader is usually a clerk copying from a paper
licence.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Mapping
from datetime import date, datetime
from types import MappingProxyType
from zoneinfo import ZoneInfo

import phonenumbers
from phonenumbers import PhoneNumberFormat, PhoneNumberType

from app.refusal import Refusal

__all__ = [
    "REGISTRATION_AUTHORITIES",
    "USCC_CHARSET",
    "IdentityError",
    "normalize_mobile",
    "normalize_resident_id",
    "normalize_uscc",
    "uscc_check_char",
]


class IdentityError(Refusal, ValueError):
    """An identity was refused; ``message`` is Chinese (and ``str(e)``), ``message_en`` English."""


# --- input clean-up ----------------------------------------------------------------------------

_SEPARATORS = frozenset("-‐‑‒–—―")


def _clean(raw: str) -> str:
    """NFKC (full-width ＡＢ１２ typed with a Chinese input method becomes AB12), then drop
    whitespace, invisible format characters (zero-width spaces come along when a code is copied
    from a web page) and hyphens/dashes."""
    text = unicodedata.normalize("NFKC", raw)
    return "".join(
        ch
        for ch in text
        if not ch.isspace() and ch not in _SEPARATORS and unicodedata.category(ch) != "Cf"
    )


def _shown(ch: str) -> str:
    """A character as a clerk can read it in a message (control characters as U+XXXX)."""
    return ch if ch.isprintable() else f"U+{ord(ch):04X}"


# --- 统一社会信用代码 (GB 32100-2015) -----------------------------------------------------------

#: The 31 characters of a USCC: digits and upper-case letters without I, O, Z, S, V
#: (GB 32100-2015); a character's value in the check sum is its index here.
USCC_CHARSET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
_USCC_VALUE = {ch: i for i, ch in enumerate(USCC_CHARSET)}
#: Weights of positions 1–17, 3^(i-1) mod 31 (GB 32100-2015, after GB/T 17710).
_USCC_WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)

#: Position 1, 登记管理部门代码 (registration authority). GB 32100-2015 itself names only 1, 5, 9
#: and Y; the other codes were assigned later, as more authorities joined the unified-code system,
#: in the code table published by 全国组织机构统一社会信用代码数据服务中心 (CODS, under SAMR) —
#: e.g. N 农业, under which the 2018 登记赋码 of 农村集体经济组织 codes village collectives
#: N1/N2/N3 (组/村/乡镇级). No source we found lists G or any other letter, so they are refused;
#: add a code here, citing its source, if one turns up.
REGISTRATION_AUTHORITIES: Mapping[str, str] = MappingProxyType(
    {
        "1": "机构编制",
        "2": "外交",
        "3": "司法行政",
        "4": "文化",
        "5": "民政",
        "6": "旅游",
        "7": "宗教",
        "8": "工会",
        "9": "工商（市场监管）",
        "A": "中央军委改革和编制办公室",
        "N": "农业",
        "Y": "其他",
    }
)


def uscc_check_char(first17: str) -> str:
    """The GB 32100 check character (position 18) for the 17 characters before it.

    ``CHARSET[(31 - Σ value·weight mod 31) mod 31]`` (GB 32100-2015). The input must already
    be 17 upper-case characters of :data:`USCC_CHARSET`; anything else raises IdentityError.
    """
    if len(first17) != 17:
        raise IdentityError(
            f"计算统一社会信用代码校验位需要17位字符，实际为{len(first17)}位",
            f"The check character is computed from 17 characters; {len(first17)} were given.",
        )
    total = 0
    for position, (ch, weight) in enumerate(zip(first17, _USCC_WEIGHTS, strict=True), start=1):
        if ch not in _USCC_VALUE:
            raise _uscc_bad_char(position, ch)
        total += _USCC_VALUE[ch] * weight
    return USCC_CHARSET[(31 - total % 31) % 31]


def _uscc_bad_char(position: int, ch: str) -> IdentityError:
    if ch in "IOZSV":
        # GB 32100-2015: these five letters are never used (they read like 1, 0, 2, 5, U).
        return IdentityError(
            f"统一社会信用代码第{position}位“{ch}”无效：统一社会信用代码不使用字母I、O、Z、S、V",
            f"Character {position} of the unified social credit code, “{ch}”, is not allowed: "
            "the letters I, O, Z, S and V are never used.",
        )
    return IdentityError(
        f"统一社会信用代码第{position}位“{_shown(ch)}”无效：只能是数字或大写字母（不含I、O、Z、S、V）",
        f"Character {position} of the unified social credit code, “{_shown(ch)}”, is not allowed: "
        "only digits and capital letters (except I, O, Z, S, V).",
    )


def normalize_uscc(raw: str) -> str:
    """A 统一社会信用代码 as stored: 18 upper-case characters with a correct check character.

    Accepts surrounding and inner spaces, hyphens, full-width characters and lower case. Checks
    length, the character set, the registration authority (position 1) and the check character.
    Positions 2–17 are otherwise not interpreted: the 机构类别代码 may be any character, and the
    embedded 组织机构代码's own check digit (GB 11714) is deliberately not verified — real codes
    exist for which it does not hold, and the USCC check character already covers typing errors.
    """
    code = _clean(raw).upper()
    if not code:
        raise IdentityError("请填写统一社会信用代码", "Enter the unified social credit code.")
    if len(code) != 18:
        raise IdentityError(
            f"统一社会信用代码应为18位，实际为{len(code)}位",
            f"A unified social credit code has 18 characters; {len(code)} were given.",
        )
    for position, ch in enumerate(code, start=1):
        if ch not in _USCC_VALUE:
            raise _uscc_bad_char(position, ch)
    if code[0] not in REGISTRATION_AUTHORITIES:
        raise IdentityError(
            f"统一社会信用代码第1位“{code[0]}”不是有效的登记管理部门代码",
            f"The first character of a unified social credit code names the registration "
            f"authority; “{code[0]}” is not one of them.",
        )
    expected = uscc_check_char(code[:17])
    if code[17] != expected:
        # Say what the first 17 characters imply, but send the clerk back to the licence: the
        # mistyped character may be any of the 18, and "fixing" the last one would store a
        # well-formed code that belongs to nobody.
        raise IdentityError(
            f"统一社会信用代码校验位不正确：应为{expected}（按前17位计算），请对照证照逐位核对",
            f"The check character of the unified social credit code is wrong: the first 17 "
            f"characters give {expected}. Compare every character with the licence.",
        )
    return code


# --- mainland mobile numbers --------------------------------------------------------------------

# What people type around a number. Letters are refused before phonenumbers sees them: it reads
# three or more letters as a vanity number ("138-1234-ABCD" would become digits).
_MOBILE_ALLOWED = frozenset("0123456789+().")


def normalize_mobile(raw: str) -> str:
    """A mainland China mobile number in E.164 (``+8613812345678``).

    Accepts ``13812345678``, ``+86 138 1234 5678``, ``0086-138-1234-5678``, ``86 13812345678``
    and full-width digits. Refuses fixed lines, service numbers (400…), numbers outside +86 and
    anything ``phonenumbers`` does not hold to be a valid number of type MOBILE — SMS notices go
    only to mobiles (DESIGN.md, SMS).
    """
    text = _clean(raw)
    if not text:
        raise IdentityError("请填写手机号码", "Enter a mobile number.")
    for ch in text:
        if ch not in _MOBILE_ALLOWED:
            raise IdentityError(
                f"手机号码含有无效字符“{_shown(ch)}”",
                f"The mobile number contains an invalid character, “{_shown(ch)}”.",
            )
    try:
        number = phonenumbers.parse(text, "CN")
    except phonenumbers.NumberParseException:
        raise IdentityError(
            "无法识别的手机号码，请填写11位中国大陆手机号码",
            "This is not a recognisable phone number; enter an 11-digit mainland China mobile.",
        ) from None
    if number.country_code != 86:
        raise IdentityError(
            "仅接受中国大陆手机号码（+86）",
            "Only mainland China mobile numbers (+86) are accepted.",
        )
    national = str(number.national_number)
    if not phonenumbers.is_valid_number(number):
        if national.startswith("1") and len(national) != 11:
            raise IdentityError(
                f"手机号码应为11位，实际为{len(national)}位",
                f"A mainland mobile number has 11 digits; {len(national)} were given.",
            )
        raise IdentityError(
            "不是有效的中国大陆手机号码",
            "This is not a valid mainland China mobile number.",
        )
    kind = phonenumbers.number_type(number)
    if kind == PhoneNumberType.FIXED_LINE:
        raise IdentityError(
            "这是固定电话号码，请填写手机号码",
            "This is a fixed-line number; enter a mobile number.",
        )
    # FIXED_LINE_OR_MOBILE is not enough: a notice SMS to a landline is lost without a trace.
    if kind != PhoneNumberType.MOBILE:
        raise IdentityError(
            "不是手机号码，请填写11位中国大陆手机号码",
            "This is not a mobile number; enter an 11-digit mainland China mobile.",
        )
    return phonenumbers.format_number(number, PhoneNumberFormat.E164)


# --- 公民身份号码 (GB 11643-1999) ---------------------------------------------------------------

#: ISO 7064 MOD 11-2 weights of positions 1–17, 2^(18-i) mod 11 (GB 11643-1999, ISO 7064).
_ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
#: Check character for Σ mod 11 = 0…10 (GB 11643-1999; X stands for 10).
_ID_CHECK = "10X98765432"
_ID_EARLIEST_BIRTH = date(1900, 1, 1)
_CHINA = ZoneInfo("Asia/Shanghai")


def _resident_id_check_char(first17: str) -> str:
    return _ID_CHECK[sum(int(d) * w for d, w in zip(first17, _ID_WEIGHTS, strict=True)) % 11]


def normalize_resident_id(raw: str, *, today: date | None = None) -> str:
    """An 18-character 公民身份号码 as stored, check character upper case.

    Checks length, characters, the birth date (positions 7–14: a real date, from 1900 and not
    after ``today``) and the MOD 11-2 check character. ``today`` defaults to the date in
    Asia/Shanghai; services pass ``app.clock.today()`` so tests can set it. The address code
    (positions 1–6) is not checked: a number keeps the county code it was issued under, and
    counties are merged and renumbered every year (DESIGN.md, Identities).
    """
    number = _clean(raw).upper()
    if not number:
        raise IdentityError("请填写身份证号码", "Enter the resident identity card number.")
    if len(number) != 18:
        if len(number) == 15 and number.isdigit():
            # The first-generation 15-digit numbers lost validity with the old cards (2013).
            raise IdentityError(
                "身份证号码应为18位，实际为15位（15位旧号码已停用，请填写新身份证上的18位号码）",
                "A resident identity number has 18 characters; 15 were given (old 15-digit "
                "numbers are no longer valid: enter the 18-character number on the current card).",
            )
        raise IdentityError(
            f"身份证号码应为18位，实际为{len(number)}位",
            f"A resident identity number has 18 characters; {len(number)} were given.",
        )
    for position, ch in enumerate(number[:17], start=1):
        if ch not in "0123456789":
            raise IdentityError(
                f"身份证号码第{position}位“{_shown(ch)}”无效：前17位只能是数字",
                f"Character {position} of the identity number, “{_shown(ch)}”, is not allowed: "
                "the first 17 characters are digits.",
            )
    if number[17] not in "0123456789X":
        raise IdentityError(
            f"身份证号码第18位“{_shown(number[17])}”无效：只能是数字或X",
            f"Character 18 of the identity number, “{_shown(number[17])}”, is not allowed: "
            "it is a digit or X.",
        )

    digits = number[6:14]
    try:
        born = date(int(digits[:4]), int(digits[4:6]), int(digits[6:]))
    except ValueError:
        raise IdentityError(
            f"身份证号码中的出生日期{digits}不是有效日期",
            f"The date of birth in the identity number, {digits}, is not a real date.",
        ) from None
    if born < _ID_EARLIEST_BIRTH:
        raise IdentityError(
            f"身份证号码中的出生日期{born.isoformat()}早于1900年",
            f"The date of birth in the identity number, {born.isoformat()}, is before 1900.",
        )
    if today is None:
        today = datetime.now(_CHINA).date()
    if born > today:
        raise IdentityError(
            f"身份证号码中的出生日期{born.isoformat()}晚于今天",
            f"The date of birth in the identity number, {born.isoformat()}, is in the future.",
        )

    expected = _resident_id_check_char(number[:17])
    if number[17] != expected:
        raise IdentityError(
            f"身份证号码校验码不正确：应为{expected}（按前17位计算），请对照证件逐位核对",
            f"The check character of the identity number is wrong: the first 17 digits give "
            f"{expected}. Compare every digit with the card.",
        )
    return number
