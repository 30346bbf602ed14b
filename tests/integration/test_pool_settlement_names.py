"""The pool's settled values are named once in contractors.rules and the CHECK constraints agree."""

from __future__ import annotations

import re

import pytest

from contractors import rules
from contractors.models import PoolCallCategory, PoolSelection


def _listed(table, column: str) -> set[str]:
    checks = [str(c.sqltext) for c in table.constraints if hasattr(c, "sqltext")]
    text = next(c for c in checks if f"{column} IN" in c)
    return set(re.findall(r"'(\w+)'", text))


def test_the_category_outcome_check_admits_exactly_the_settlements():
    assert _listed(PoolCallCategory.__table__, "outcome") == {s.value for s in rules.Settlement}


def test_the_selection_status_check_admits_exactly_the_selection_statuses():
    assert _listed(PoolSelection.__table__, "status") == {s.value for s in rules.SelectionStatus}


@pytest.mark.parametrize(
    ("qualified", "quota", "settled"),
    [
        (5, 3, rules.Settlement.DRAWN),
        (3, 3, rules.Settlement.ALL_ENTER),
        (1, 3, rules.Settlement.ALL_ENTER),
    ],
)
def test_a_category_is_drawn_only_when_more_qualify_than_its_quota(app, qualified, quota, settled):
    outcome = rules.meeting_outcome(qualified, quota)
    cc = PoolCallCategory(quota=quota, outcome=outcome)
    assert outcome is settled
    assert cc.is_drawn == (settled is rules.Settlement.DRAWN)
    assert cc.all_entered == (settled is rules.Settlement.ALL_ENTER)
    assert PoolSelection(status=rules.SelectionStatus.SELECTED).is_selected
    assert not PoolSelection(status=rules.SelectionStatus.RESERVE).is_selected
