"""Unit tests for contractors.identity: USCC, mainland mobiles and 身份证 on input."""

import ast
import pickle
import sys
from datetime import date, timedelta
from pathlib import Path

import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

from contractors.identity import (
    REGISTRATION_AUTHORITIES,
    USCC_CHARSET,
    IdentityError,
    normalize_mobile,
    normalize_resident_id,
    normalize_uscc,
    uscc_check_char,
)

ROOT = Path(__file__).resolve().parents[2]
TODAY = date(2025, 6, 1)


def refused(function, raw, **kwargs) -> IdentityError:
    with pytest.raises(IdentityError) as caught:
        function(raw, **kwargs)
    return caught.value


def test_the_module_needs_only_the_standard_library_and_phonenumbers():
    tree = ast.parse((ROOT / "contractors" / "identity.py").read_text(encoding="utf-8"))
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names = [a.name for a in node.names]
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            names = [node.module]
        else:
            continue
        for name in names:
            top = name.split(".")[0]
            # app.refusal: the shared, standard-library-only base of refusals (tests/unit/test_refusal.py)
            assert (
                top in sys.stdlib_module_names
                or top in {"phonenumbers", "__future__"}
                or (name == "app.refusal")
            ), name


# --- the error ---------------------------------------------------------------------------------


def test_an_identity_error_is_a_value_error_whose_text_is_the_chinese_message():
    error = IdentityError("统一社会信用代码校验位不正确：应为X", "wrong check character")
    assert isinstance(error, ValueError)
    assert str(error) == error.message == "统一社会信用代码校验位不正确：应为X"
    assert error.message_en == "wrong check character"


def test_an_identity_error_survives_pickling_with_both_messages():
    # Our own bytes, just written: nothing untrusted is unpickled.
    error = pickle.loads(pickle.dumps(IdentityError("中文", "English")))  # noqa: S301
    assert (error.message, error.message_en) == ("中文", "English")


# --- 统一社会信用代码 ------------------------------------------------------------------------------

# Published codes (on the licences and in 国家企业信用信息公示系统), and each also passes the
# check-character algorithm — a wrong one would pass by chance only once in 31.
PUBLISHED_USCCS = [
    "91330100799655058B",  # 阿里巴巴（中国）有限公司
    "914403001922038216",  # 华为技术有限公司
    "9144030071526726XG",  # 腾讯科技（深圳）有限公司
]


@pytest.mark.parametrize("code", PUBLISHED_USCCS)
def test_a_published_company_code_is_accepted_unchanged(code):
    assert normalize_uscc(code) == code
    assert uscc_check_char(code[:17]) == code[17]


@pytest.mark.parametrize(
    "raw",
    [
        " 91330100799655058B\n",
        "91330100799655058b",
        "9133 0100 7996 5505 8B",
        "913301-00799655058-B",
        "９１３３０１００７９９６５５０５８Ｂ",  # full-width, as a Chinese input method types it
        "91330100\u200b799655058B",  # a zero-width space copied from a web page
        "\u3000913301007996550 58B\u3000",  # ideographic spaces
    ],
)
def test_a_code_is_normalized_from_what_a_clerk_types_or_pastes(raw):
    assert normalize_uscc(raw) == "91330100799655058B"


def test_a_village_collective_code_beginning_n2_is_accepted():
    # N 农业 / 2 村级集体经济组织: python-stdnum refuses these (DESIGN.md). Built with a letter in
    # the 主体标识码 as the agricultural registrations use, so nothing relies on it being digits.
    first17 = "N2330206MF" + "1A2B3C4"
    code = first17 + uscc_check_char(first17)
    assert normalize_uscc(code) == code
    assert normalize_uscc(code.lower()) == code


def test_a_code_built_with_its_check_character_is_accepted():
    first17 = "91330200MA2H12345"
    assert normalize_uscc(first17 + uscc_check_char(first17)) == first17 + uscc_check_char(first17)


@pytest.mark.parametrize("authority", sorted(REGISTRATION_AUTHORITIES))
def test_every_registration_authority_of_the_code_table_is_accepted(authority):
    first17 = authority + "1330200MA2H12345"
    assert normalize_uscc(first17 + uscc_check_char(first17))


@pytest.mark.parametrize("authority", ["0", "B", "C", "G", "M", "X"])
def test_a_code_whose_first_character_is_no_registration_authority_is_refused(authority):
    first17 = authority + "1330200MA2H12345"
    error = refused(normalize_uscc, first17 + uscc_check_char(first17))
    assert error.message == f"统一社会信用代码第1位“{authority}”不是有效的登记管理部门代码"
    assert f"“{authority}”" in error.message_en


def test_the_embedded_organization_code_check_digit_is_not_verified():
    # Position 17 is the GB 11714 check digit of 799655058 (it is 8); change it and recompute the
    # USCC check character: the code is still accepted, by design.
    first17 = "9133010079965505" + "3"
    assert normalize_uscc(first17 + uscc_check_char(first17))


def test_an_empty_code_asks_for_one():
    error = refused(normalize_uscc, "  - ")
    assert error.message == "请填写统一社会信用代码"


@pytest.mark.parametrize("raw", ["9133010079965505", "91330100799655058B1"])
def test_a_code_of_the_wrong_length_says_how_many_characters_were_given(raw):
    error = refused(normalize_uscc, raw)
    assert error.message == f"统一社会信用代码应为18位，实际为{len(raw)}位"
    assert f"{len(raw)} were given" in error.message_en


@pytest.mark.parametrize(
    ("raw", "position", "char"),
    [
        ("91330100799655O58B", 15, "O"),
        ("9I330100799655058B", 2, "I"),
        ("913301007996550S8B", 16, "S"),
        ("91330100799655058Z", 18, "Z"),
        ("9133V100799655058B", 5, "V"),
    ],
)
def test_one_of_the_five_unused_letters_is_named_with_its_position(raw, position, char):
    error = refused(normalize_uscc, raw)
    assert error.message == (
        f"统一社会信用代码第{position}位“{char}”无效：统一社会信用代码不使用字母I、O、Z、S、V"
    )
    assert f"Character {position}" in error.message_en and f"“{char}”" in error.message_en


@pytest.mark.parametrize(
    ("raw", "position", "char"),
    [
        ("9133010079965505#B", 17, "#"),
        ("9133010079965505号B", 17, "号"),
        ("9133.100799655058B", 5, "."),
    ],
)
def test_any_other_invalid_character_is_named_with_its_position(raw, position, char):
    error = refused(normalize_uscc, raw)
    assert error.message == (
        f"统一社会信用代码第{position}位“{char}”无效：只能是数字或大写字母（不含I、O、Z、S、V）"
    )


def test_an_invisible_control_character_is_shown_by_its_code_point():
    error = refused(normalize_uscc, "91330100799655058\x07")
    assert "第18位“U+0007”" in error.message


def test_a_wrong_check_character_names_the_expected_one_and_sends_the_clerk_to_the_licence():
    error = refused(normalize_uscc, "91330100799655058C")
    assert error.message.startswith("统一社会信用代码校验位不正确：应为B")
    assert "核对" in error.message
    assert "give B" in error.message_en


def test_a_mistyped_body_character_is_caught_by_the_check_character():
    # 阿里巴巴's code with 7996 typed as 7969.
    error = refused(normalize_uscc, "91330100796955058B")
    assert error.message.startswith("统一社会信用代码校验位不正确：应为")


def test_the_check_character_of_a_known_body_is_the_published_one():
    assert uscc_check_char("91330100799655058") == "B"
    assert uscc_check_char("91440300192203821") == "6"


@pytest.mark.parametrize("first17", ["9133010079965505", "913301007996550581", ""])
def test_the_check_character_needs_exactly_seventeen_characters(first17):
    error = refused(uscc_check_char, first17)
    assert f"实际为{len(first17)}位" in error.message


def test_the_check_character_refuses_a_character_outside_the_charset():
    error = refused(uscc_check_char, "9133010079965505o")
    assert "第17位“o”" in error.message


bodies = st.builds(
    lambda first, rest: first + rest,
    st.sampled_from(sorted(REGISTRATION_AUTHORITIES)),
    st.text(alphabet=USCC_CHARSET, min_size=16, max_size=16),
)


@given(bodies)
def test_any_seventeen_characters_with_their_check_character_form_a_valid_code(first17):
    code = first17 + uscc_check_char(first17)
    assert code[17] in USCC_CHARSET
    assert normalize_uscc(code) == code


# Why every single substitution is caught: with the check character's value c, a valid code has
# Σ value·weight + c ≡ 0 (mod 31), every weight (3^k mod 31, and 1 for the check) is non-zero
# modulo the prime 31, and two different characters differ by 1..30 — never a multiple of 31.
# The same holds for swapping two different neighbours: their weights differ (3^k·(3 - 1) ≢ 0,
# and 28 ≢ 1 for positions 17/18). Both are asserted, not assumed.


@given(bodies, st.data())
def test_changing_any_one_character_of_a_valid_code_makes_it_invalid(first17, data):
    code = first17 + uscc_check_char(first17)
    position = data.draw(st.integers(min_value=0, max_value=17), label="position")
    other = data.draw(st.sampled_from(USCC_CHARSET.replace(code[position], "")), label="other")
    with pytest.raises(IdentityError):
        normalize_uscc(code[:position] + other + code[position + 1 :])


@given(bodies, st.integers(min_value=0, max_value=16))
def test_swapping_two_different_neighbouring_characters_makes_a_code_invalid(first17, position):
    code = first17 + uscc_check_char(first17)
    assume(code[position] != code[position + 1])
    swapped = code[:position] + code[position + 1] + code[position] + code[position + 2 :]
    with pytest.raises(IdentityError):
        normalize_uscc(swapped)


@pytest.mark.parametrize("code", PUBLISHED_USCCS)
def test_every_single_substitution_of_a_published_code_is_refused(code):
    for position in range(18):
        for other in USCC_CHARSET.replace(code[position], ""):
            with pytest.raises(IdentityError):
                normalize_uscc(code[:position] + other + code[position + 1 :])


# --- mainland mobile numbers -------------------------------------------------------------------


@pytest.mark.parametrize(
    "raw",
    [
        "13812345678",
        "+86 138 1234 5678",
        "0086-138-1234-5678",
        "86 13812345678",
        "8613812345678",
        "+8613812345678",
        "+86 (138) 1234-5678",
        "138.1234.5678",
        " 138 1234 5678 ",
        "１３８１２３４５６７８",  # full-width digits
        "＋８６　１３８－１２３４－５６７８",
    ],
)
def test_a_mainland_mobile_in_any_usual_format_is_stored_in_e164(raw):
    assert normalize_mobile(raw) == "+8613812345678"


# Prefixes every number of which phonenumbers holds to be a valid mobile (checked for 8.13–9.0).
MOBILE_PREFIXES = ["130", "135", "139", "147", "150", "158", "166", "177", "180", "186", "199"]


@given(
    prefix=st.sampled_from(MOBILE_PREFIXES),
    rest=st.text(alphabet="0123456789", min_size=8, max_size=8),
    country=st.sampled_from(["", "+86", "+86 ", "0086", "0086-", "86", "86 ", "+86-"]),
    separator=st.sampled_from(["", " ", "-", ".", "\u3000"]),
)
def test_mobiles_written_in_many_ways_are_stored_in_e164(prefix, rest, country, separator):
    digits = prefix + rest
    raw = country + separator.join([digits[:3], digits[3:7], digits[7:]])
    assert normalize_mobile(raw) == "+86" + digits


@pytest.mark.parametrize(
    "raw", ["0574-87654321", "057487654321", "010-62345678", "+86 21 6234 5678"]
)
def test_a_fixed_line_is_refused(raw):
    error = refused(normalize_mobile, raw)
    assert error.message == "这是固定电话号码，请填写手机号码"
    assert "fixed-line" in error.message_en


@pytest.mark.parametrize(
    "raw",
    ["+852 9123 4567", "+853 6612 3456", "+886 912 345 678", "+1 650 253 0000", "+44 7911 123456"],
)
def test_a_number_outside_the_mainland_is_refused(raw):
    error = refused(normalize_mobile, raw)
    assert error.message == "仅接受中国大陆手机号码（+86）"


@pytest.mark.parametrize("raw", ["1381234567", "138123456789", "+86 1381234567", "0086 138123456"])
def test_a_mobile_of_the_wrong_length_says_how_many_digits_were_given(raw):
    digits = len(raw.replace(" ", "").removeprefix("+86").removeprefix("0086"))
    error = refused(normalize_mobile, raw)
    assert error.message == f"手机号码应为11位，实际为{digits}位"


def test_an_eleven_digit_number_in_no_mobile_range_is_refused():
    error = refused(normalize_mobile, "12345678901")
    assert error.message == "不是有效的中国大陆手机号码"


def test_a_service_number_that_is_valid_but_not_a_mobile_is_refused():
    error = refused(normalize_mobile, "400-810-8888")
    assert error.message == "不是手机号码，请填写11位中国大陆手机号码"


@pytest.mark.parametrize(
    ("raw", "char"), [("138-1234-ABCD", "A"), ("13812345678 ext 12", "e"), ("138#12345678", "#")]
)
def test_letters_and_symbols_in_a_mobile_are_named_not_read_as_a_vanity_number(raw, char):
    error = refused(normalize_mobile, raw)
    assert error.message == f"手机号码含有无效字符“{char}”"


@pytest.mark.parametrize("raw", ["", "   ", "--"])
def test_an_empty_mobile_asks_for_one(raw):
    assert refused(normalize_mobile, raw).message == "请填写手机号码"


def test_an_unparseable_mobile_says_so():
    assert refused(normalize_mobile, "+").message.startswith("无法识别的手机号码")


# --- 公民身份号码 -------------------------------------------------------------------------------


def resident_id(first17: str) -> str:
    """The 18-character number for 17 digits, computing the MOD 11-2 check character."""
    weights = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
    return (
        first17 + "10X98765432"[sum(int(d) * w for d, w in zip(first17, weights, strict=True)) % 11]
    )


def test_the_standards_own_example_is_accepted():
    # GB 11643-1999's example: 北京市朝阳区, born 1949-12-31, check character X.
    assert normalize_resident_id("11010519491231002X", today=TODAY) == "11010519491231002X"


@pytest.mark.parametrize(
    "raw", ["11010519491231002x", " 110105 19491231 002x ", "１１０１０５１９４９１２３１００２ｘ"]
)
def test_a_lower_case_x_spaces_and_full_width_digits_are_normalized(raw):
    assert normalize_resident_id(raw, today=TODAY) == "11010519491231002X"


def test_the_standards_other_example_is_refused_only_because_it_was_born_before_1900():
    # 440524188001010014 is GB 11643-1999's second example; its check digit is right (4).
    assert resident_id("44052418800101001") == "440524188001010014"
    error = refused(normalize_resident_id, "440524188001010014", today=TODAY)
    assert error.message == "身份证号码中的出生日期1880-01-01早于1900年"


@pytest.mark.parametrize("county", ["110104", "330204", "000000", "999999"])
def test_an_old_or_retired_county_code_is_not_a_reason_to_refuse(county):
    # 110104 北京市宣武区 (merged 2010) and 330204 宁波市江东区 (merged 2016) no longer exist.
    number = resident_id(county + "19800101123")
    assert normalize_resident_id(number, today=TODAY) == number


birth_dates = st.dates(min_value=date(1900, 1, 1), max_value=TODAY)
digits = st.text(alphabet="0123456789", min_size=1, max_size=1)
counties = st.text(alphabet="0123456789", min_size=6, max_size=6)
sequences = st.text(alphabet="0123456789", min_size=3, max_size=3)


@given(counties, birth_dates, sequences)
def test_a_number_with_a_real_past_birth_date_and_its_check_character_is_accepted(
    county, born, sequence
):
    number = resident_id(county + born.strftime("%Y%m%d") + sequence)
    assert normalize_resident_id(number, today=TODAY) == number
    assert normalize_resident_id(number.lower(), today=TODAY) == number


@given(counties, birth_dates, sequences, st.sampled_from("0123456789X"))
def test_a_wrong_check_character_names_the_expected_one(county, born, sequence, wrong):
    number = resident_id(county + born.strftime("%Y%m%d") + sequence)
    assume(wrong != number[17])
    error = refused(normalize_resident_id, number[:17] + wrong, today=TODAY)
    assert error.message.startswith(f"身份证号码校验码不正确：应为{number[17]}")
    assert f"give {number[17]}" in error.message_en


@given(counties, birth_dates, sequences, st.integers(min_value=0, max_value=16), st.data())
def test_changing_any_one_digit_makes_a_number_invalid(county, born, sequence, position, data):
    # MOD 11-2 catches every single substitution: weights 2^k mod 11 are non-zero modulo the prime
    # 11 and two digits differ by 1..9. (The change may also break the birth date first.)
    number = resident_id(county + born.strftime("%Y%m%d") + sequence)
    other = data.draw(st.sampled_from("0123456789".replace(number[position], "")))
    with pytest.raises(IdentityError):
        normalize_resident_id(number[:position] + other + number[position + 1 :], today=TODAY)


def _is_real_date(year: int, month: int, day: int) -> bool:
    try:
        date(year, month, day)
    except ValueError:
        return False
    return True


@given(
    st.integers(min_value=1900, max_value=2024),
    st.integers(min_value=0, max_value=99),
    st.integers(min_value=0, max_value=99),
)
def test_a_birth_date_that_does_not_exist_is_refused(year, month, day):
    assume(not _is_real_date(year, month, day))
    born = f"{year:04d}{month:02d}{day:02d}"
    error = refused(normalize_resident_id, resident_id("330203" + born + "123"), today=TODAY)
    assert error.message == f"身份证号码中的出生日期{born}不是有效日期"


@pytest.mark.parametrize("born", ["19000229", "20230229", "20240431", "19991300", "20000100"])
def test_impossible_calendar_days_are_refused(born):
    error = refused(normalize_resident_id, resident_id("330203" + born + "123"), today=TODAY)
    assert error.message == f"身份证号码中的出生日期{born}不是有效日期"


def test_the_twenty_ninth_of_february_of_a_leap_year_is_a_birth_date():
    number = resident_id("33020320000229123")
    assert normalize_resident_id(number, today=TODAY) == number


@given(st.dates(min_value=TODAY + timedelta(days=1), max_value=date(9999, 12, 31)))
def test_a_birth_date_after_today_is_refused(born):
    number = resident_id("330203" + born.strftime("%Y%m%d") + "123")
    error = refused(normalize_resident_id, number, today=TODAY)
    assert error.message == f"身份证号码中的出生日期{born.isoformat()}晚于今天"


def test_a_person_born_today_is_accepted():
    number = resident_id("330203" + TODAY.strftime("%Y%m%d") + "123")
    assert normalize_resident_id(number, today=TODAY) == number


@given(st.dates(min_value=date(1000, 1, 1), max_value=date(1899, 12, 31)))
def test_a_birth_date_before_1900_is_refused(born):
    number = resident_id("330203" + born.strftime("%Y%m%d") + "123")
    error = refused(normalize_resident_id, number, today=TODAY)
    assert error.message == f"身份证号码中的出生日期{born.isoformat()}早于1900年"


def test_without_an_explicit_today_the_current_date_is_used():
    assert normalize_resident_id("11010519491231002X") == "11010519491231002X"
    tomorrow = date.today() + timedelta(days=2)
    error = refused(
        normalize_resident_id, resident_id("330203" + tomorrow.strftime("%Y%m%d") + "123")
    )
    assert "晚于今天" in error.message


@pytest.mark.parametrize("raw", ["1101051949123100", "11010519491231002X1", "1"])
def test_a_number_of_the_wrong_length_says_how_many_characters_were_given(raw):
    error = refused(normalize_resident_id, raw, today=TODAY)
    assert error.message == f"身份证号码应为18位，实际为{len(raw)}位"


def test_an_old_fifteen_digit_number_is_refused_with_a_hint():
    error = refused(normalize_resident_id, "110105491231002", today=TODAY)
    assert error.message.startswith("身份证号码应为18位，实际为15位")
    assert "15位旧号码已停用" in error.message


def test_an_empty_number_asks_for_one():
    assert refused(normalize_resident_id, "", today=TODAY).message == "请填写身份证号码"


@pytest.mark.parametrize(
    ("raw", "position", "char"), [("X1010519491231002X", 1, "X"), ("1101051949123100A2", 17, "A")]
)
def test_a_non_digit_among_the_first_seventeen_is_named_with_its_position(raw, position, char):
    error = refused(normalize_resident_id, raw, today=TODAY)
    assert error.message == f"身份证号码第{position}位“{char}”无效：前17位只能是数字"


def test_a_last_character_other_than_a_digit_or_x_is_named():
    error = refused(normalize_resident_id, "11010519491231002Y", today=TODAY)
    assert error.message == "身份证号码第18位“Y”无效：只能是数字或X"
