"""The public revision history's pure rules: labels, roles, shown fields, masking of personal data."""

from __future__ import annotations

import re
from datetime import UTC, datetime

from hypothesis import given
from hypothesis import strategies as st

from app.audit import Action
from app.history import rules

DIGITS = "0123456789"
mobiles = st.builds(
    lambda second, rest: f"1{second}{rest}",
    st.sampled_from("3456789"),
    st.text(DIGITS, min_size=9, max_size=9),
)
id_numbers = st.builds(
    lambda body, check: body + check,
    st.text(DIGITS, min_size=17, max_size=17),
    st.sampled_from(DIGITS + "Xx"),
)
# Text as people type it: Chinese, letters, digits, punctuation and spaces.
texts = st.text(st.sampled_from("投诉人张三电话联系地址 abcXx-+@._:：，0123456789"), max_size=60)


def test_every_audited_action_has_a_chinese_and_an_english_label():
    missing = [a.value for a in Action if a.value not in rules.ACTION_LABELS]
    assert missing == []
    assert all(zh and en and zh != en for zh, en in rules.ACTION_LABELS.values())


def test_an_unknown_action_reads_as_its_code():
    assert rules.action_label("thing:happened") == "thing:happened"
    assert rules.action_label("notice:published", english=True) == "Notice published"


@given(texts, mobiles, texts)
def test_no_mobile_number_survives_masking(before, mobile, after):
    masked = rules.mask_text(before + mobile + after)
    assert mobile not in masked
    assert not re.search(r"1[3-9]\d{9}", masked)


@given(texts, id_numbers, texts)
def test_no_18_character_id_number_survives_masking(before, number, after):
    masked = rules.mask_text(before + number + after)
    assert number not in masked
    assert not re.search(r"\d{17}[\dXx]", masked)


@given(
    st.recursive(
        texts | mobiles | id_numbers,
        lambda inner: st.lists(inner) | st.dictionaries(texts | mobiles, inner),
    )
)
def test_masking_reaches_every_string_of_a_nested_payload(value):
    flat = repr(rules.mask_value(value))
    assert not re.search(r"\d{11}", flat)


def test_spaced_mobiles_and_email_addresses_are_masked_and_ordinary_figures_kept():
    text = "联系电话 +86 138-1234-5678，邮箱 zhang.san@example.com；控制价1234567.89元，工期90天"
    assert rules.mask_text(text) == "联系电话 ***，邮箱 ***；控制价1234567.89元，工期90天"


def test_only_whitelisted_fields_are_shown_and_contacts_never():
    after = {
        "name": "宁波甬江建设有限公司",
        "contact_person": "张三",
        "contact_mobile": "+8613812345678",
        "legal_representative": "李四",
        "address": "江北区某路1号",
    }
    shown = rules.changes(None, after)
    assert [(c.field, c.after) for c in shown] == [("name", "宁波甬江建设有限公司")]


def test_a_field_with_the_same_value_or_empty_on_both_sides_is_not_a_change():
    shown = rules.changes(
        {"title": "公告", "published_at": None, "status": "draft"},
        {"title": "公告", "published_at": "2026-09-08T01:00:00+00:00", "status": "published"},
    )
    assert [(c.label, c.before, c.after) for c in shown] == [
        ("发布时间", None, "2026-09-08 09:00"),
        ("状态", "草稿", "已发布"),
    ]


def test_free_text_fields_are_scrubbed():
    shown = rules.changes(None, {"reason": "联系人电话13812345678，身份证330203199001011234"})
    assert shown[0].after == "联系人电话***，身份证***"


def test_a_company_code_is_shown_and_an_id_number_in_its_place_is_masked():
    assert rules.changes(None, {"winner": "91330205720483610B"})[0].after == "91330205720483610B"
    assert rules.changes(None, {"winner": "330203199001011234"})[0].after == rules.MASK
    assert rules.valid_uscc("91330205720483610B")
    assert not rules.valid_uscc("91330205720483610C")


def test_the_role_comes_from_the_label_kept_at_the_time_never_the_name():
    assert rules.actor_role(7, "zhangsan (staff)") == "staff"
    assert rules.role_label(rules.actor_role(7, "zhangsan (staff)")) == "区公管办工作人员"
    assert rules.actor_role(None, "system") is None
    assert rules.role_label(None, english=True) == "System"
    # A label without a known role (a CLI name) reads as the system, not as the name.
    assert rules.role_label(rules.actor_role(3, "ops-script")) == "系统"


def test_entries_before_publication_are_withheld_to_the_second():
    published = datetime(2026, 9, 8, 1, 0, 0, 400_000, tzinfo=UTC)
    assert rules.withheld(datetime(2026, 9, 8, 0, 59, 59, tzinfo=UTC), published)
    assert not rules.withheld(datetime(2026, 9, 8, 1, 0, 0, tzinfo=UTC), published)


def test_values_read_in_english_on_the_english_site():
    shown = rules.changes({"upheld": None}, {"upheld": True, "status": "drawn"}, english=True)
    assert [(c.label, c.after) for c in shown] == [("Upheld", "Yes"), ("Status", "drawn")]
