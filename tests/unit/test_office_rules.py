"""The pure office rules: who an office's accounts cover, and which office an account may have."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from app.offices import rules
from app.offices.rules import OfficeKind, Place
from app.refusal import Refusal

D1, D2 = Place(1, OfficeKind.DISTRICT, 1), Place(2, OfficeKind.DISTRICT, 2)
S11, S12 = Place(11, OfficeKind.STREET, 1), Place(12, OfficeKind.STREET, 1)
S21 = Place(21, OfficeKind.STREET, 2)
ALL = (D1, D2, S11, S12, S21)


def test_a_district_covers_itself_and_its_platforms_only():
    assert [rules.covers(D1, p) for p in ALL] == [True, False, True, True, False]


def test_a_platform_covers_itself_only():
    assert [rules.covers(S11, p) for p in ALL] == [False, False, True, False, False]


def test_the_deployment_covers_everything():
    assert all(rules.covers(None, p) for p in ALL)


def test_only_the_district_itself_acts_as_the_district():
    assert rules.is_district_office(D1, 1)
    assert not rules.is_district_office(D2, 1)
    assert not rules.is_district_office(S11, 1)  # its own platform: never the district


@given(st.sampled_from(ALL), st.sampled_from(ALL))
def test_covering_is_exactly_same_office_or_own_district(holder, target):
    expected = holder.id == target.id or (
        holder.kind == OfficeKind.DISTRICT and target.district_id == holder.id
    )
    assert rules.covers(holder, target) is expected


@pytest.mark.parametrize(
    ("role", "kind", "ok"),
    [
        ("staff", "street", True),
        ("staff", "district", True),
        ("staff", None, False),
        ("owner", "street", True),
        ("reviewer", "district", True),
        ("reviewer", "street", False),
        ("supervisor", "district", True),
        ("supervisor", "street", False),
        ("supervisor", None, False),
        ("contractor", None, True),
        ("contractor", "district", False),
        ("admin", None, True),
        ("admin", "street", True),
    ],
)
def test_which_office_an_account_of_a_role_may_belong_to(role, kind, ok):
    if ok:
        rules.check_account_office(role, kind)
    else:
        with pytest.raises(Refusal) as e:
            rules.check_account_office(role, kind)
        assert e.value.field == "office" and e.value.message and e.value.message_en


@pytest.mark.parametrize(
    "code", ["a", "Zhuangqiao", "1abc", "zh_q", "zh qiao", "x" * 41, "庄桥", "a\x00b"]
)
def test_a_bad_office_code_is_refused(code):
    with pytest.raises(Refusal):
        rules.check_office_code(code)


def test_a_platform_needs_a_district_and_a_district_no_parent():
    rules.check_parent("street", "district")
    rules.check_parent("district", None)
    for kind, parent in (
        ("street", None),
        ("street", "street"),
        ("district", "district"),
        ("x", None),
    ):
        with pytest.raises(Refusal):
            rules.check_parent(kind, parent)


def test_an_unknown_kind_is_refused_without_repeating_what_was_posted():
    posted = "x" * 10_000
    with pytest.raises(Refusal) as refused:
        rules.check_parent(posted, None)
    e = refused.value
    assert "xxxx" not in e.message + e.message_en and e.field == "kind"


def test_the_home_page_has_cards_for_a_district_and_its_platforms_and_a_directory_beyond():
    # A district with its eight streets and towns (江北区) keeps its cards; a province does not.
    assert rules.home_shows_cards(1) and rules.home_shows_cards(1 + 8)
    assert rules.home_shows_cards(rules.HOME_CARDS_UP_TO)
    assert not rules.home_shows_cards(rules.HOME_CARDS_UP_TO + 1)
    assert not rules.home_shows_cards(100 * (1 + 3))
