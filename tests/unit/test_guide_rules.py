"""Pure rules of policies and guides: the states, their guards and the checks of what staff write."""

from __future__ import annotations

from datetime import date

import pytest

from notices.guides import rules
from notices.guides.rules import GuideRefused, GuideState


def _check(**overrides):
    values = {
        "kind": "policy",
        "title": "小型建设工程预选承包商名录库管理办法",
        "body": "第一条 ……",
        "issuing_body": "江北区人民政府办公室",
        "doc_number": "北区政办发〔2026〕8号",
        "effective_on": date(2026, 12, 1),
    } | overrides
    rules.check_text(**values)


def test_a_well_formed_policy_passes_the_checks():
    _check()


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"kind": "notice"}, "kind"),
        ({"title": "  "}, "title"),
        ({"title": "长" * 201}, "title"),
        ({"title": "办法\x00"}, "title"),
        ({"body": "x" * (rules.MAX_BODY + 1)}, "body"),
        ({"body": "正文\x00"}, "body"),
        ({"doc_number": "号" * 201}, "doc_number"),
        ({"kind": "guide", "issuing_body": "", "effective_on": None}, "doc_number"),
    ],
)
def test_bad_text_is_refused_on_the_field_at_fault(overrides, field):
    with pytest.raises(GuideRefused) as refused:
        _check(**overrides)
    assert refused.value.field == field
    assert refused.value.message and refused.value.message_en


def test_a_guide_may_have_no_document_number_nor_effective_date():
    _check(kind="guide", doc_number="", effective_on=None, issuing_body="")


def test_a_draft_is_published_and_a_published_document_is_withdrawn_never_the_reverse():
    rules.require_publishable(GuideState.DRAFT)
    rules.require_withdrawable(GuideState.PUBLISHED)
    for state in (GuideState.PUBLISHED, GuideState.WITHDRAWN):
        with pytest.raises(GuideRefused):
            rules.require_publishable(state)
    for state in (GuideState.DRAFT, GuideState.WITHDRAWN):
        with pytest.raises(GuideRefused):
            rules.require_withdrawable(state)


def test_a_withdrawn_document_stays_as_it_was_and_only_a_draft_is_deleted():
    rules.require_editable(GuideState.DRAFT)
    rules.require_editable(GuideState.PUBLISHED)
    with pytest.raises(GuideRefused):
        rules.require_editable(GuideState.WITHDRAWN)
    rules.require_removable(GuideState.DRAFT)
    with pytest.raises(GuideRefused):
        rules.require_removable(GuideState.PUBLISHED)


def test_a_withdrawn_policy_is_repealed_and_a_withdrawn_guide_is_out_of_use():
    assert rules.state_label("policy", "withdrawn") == ("已废止", "Repealed")
    assert rules.state_label("form", "withdrawn") == ("已停用", "Withdrawn")
    assert rules.state_label("guide", "published") == ("现行有效", "In force")


@pytest.mark.parametrize("reason", ["", "   ", "因\x00", "长" * 501])
def test_a_withdrawal_needs_a_short_clean_reason(reason):
    with pytest.raises(GuideRefused) as refused:
        rules.check_reason(reason)
    assert refused.value.field == "reason"


def test_a_published_policy_is_in_force_from_its_effective_date():
    day = date(2026, 12, 1)
    assert not rules.in_force("published", day, date(2026, 11, 30))
    assert rules.in_force("published", day, day)
    assert rules.in_force("published", None, day)
    assert not rules.in_force("withdrawn", None, day)
