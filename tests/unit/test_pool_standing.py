"""A selection's standing on the public record: one rule, every case."""

from __future__ import annotations

from datetime import date

import pytest

from contractors.rules import Standing, standing, standing_label

TODAY = date(2026, 12, 3)
SINCE, UNTIL = date(2026, 11, 1), date(2028, 11, 1)


@pytest.mark.parametrize(
    ("selected", "active", "since", "until", "expected"),
    [
        (False, True, SINCE, UNTIL, Standing.RESERVE),  # a reserve is a reserve, whatever else
        (True, True, SINCE, UNTIL, Standing.ACTIVE),
        (True, True, TODAY, UNTIL, Standing.ACTIVE),  # active from its first day
        (True, True, date(2026, 12, 4), UNTIL, Standing.UPCOMING),  # not yet on the first day
        (True, False, None, None, Standing.PENDING),  # the roster is not published yet
        (True, False, SINCE, TODAY, Standing.EXPIRED),  # `until` is exclusive
        (True, False, SINCE, UNTIL, Standing.INACTIVE),  # within validity, not active: suspended
    ],
)
def test_a_selection_stands_as_the_rule_says(selected, active, since, until, expected):
    got = standing(selected=selected, active=active, since=since, until=until, today=TODAY)
    assert got is expected


def test_a_reserve_is_told_its_place_and_that_it_is_not_selected():
    assert standing_label(Standing.RESERVE, 1) == ("第1候补，未入围", "Reserve no. 1, not selected")
    assert standing_label(Standing.RESERVE, 3)[0] == "第3候补，未入围"
    # A member's words never read as a reserve's, and every standing has words.
    assert "候补" not in standing_label(Standing.ACTIVE, 1)[0]
    assert {standing_label(s, 1) for s in Standing} >= {("入围，在库", "Selected, in the pool")}
    assert len({standing_label(s, 1) for s in Standing}) == len(Standing)
    # A reserve that entered is told the day it is in the pool from, not "suspended or removed".
    upcoming = standing(
        selected=True, active=False, since=date(2026, 12, 4), until=UNTIL, today=TODAY
    )
    assert standing_label(upcoming, 6, date(2026, 12, 4)) == (
        "入围，2026-12-04起在库",
        "Selected, in the pool from 2026-12-04",
    )
