"""A selection's standing on the public record: one rule, every case."""

from __future__ import annotations

from datetime import date

import pytest

from contractors.rules import Standing, standing

TODAY = date(2026, 12, 3)
SINCE, UNTIL = date(2026, 11, 1), date(2028, 11, 1)


@pytest.mark.parametrize(
    ("selected", "active", "since", "until", "expected"),
    [
        (False, True, SINCE, UNTIL, Standing.RESERVE),  # a reserve is a reserve, whatever else
        (True, True, SINCE, UNTIL, Standing.ACTIVE),
        (True, True, TODAY, UNTIL, Standing.ACTIVE),  # active from its first day
        (True, True, date(2026, 12, 4), UNTIL, Standing.INACTIVE),  # not yet on the first day
        (True, False, None, None, Standing.PENDING),  # the roster is not published yet
        (True, False, SINCE, TODAY, Standing.EXPIRED),  # `until` is exclusive
        (True, False, SINCE, UNTIL, Standing.INACTIVE),  # within validity, not active: suspended
    ],
)
def test_a_selection_stands_as_the_rule_says(selected, active, since, until, expected):
    got = standing(selected=selected, active=active, since=since, until=until, today=TODAY)
    assert got is expected
