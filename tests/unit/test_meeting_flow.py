"""The draw meeting's entropy → review → confirm flow is written once (lottery.meeting and
templates/lottery/_meeting_flow.html): the three meeting pages use it instead of restating it."""

from __future__ import annotations

from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
PARTIAL = "lottery/_meeting_flow.html"

#: The review page (step 2) of the lottery console, the pool meeting and the award meeting.
REVIEW_PAGES = [
    "templates/lottery/review.html",
    "templates/contractors/staff/settle_review.html",
    "templates/contracts/staff/trading_meeting_review.html",
]
#: The view modules of the three meetings.
MEETING_VIEWS = [
    "lottery/views.py",
    "contractors/views/staff/meeting.py",
    "contracts/views/staff_meeting.py",
]


@pytest.mark.parametrize("page", REVIEW_PAGES)
def test_a_review_page_shows_the_entries_and_buttons_from_the_one_partial(page):
    text = (ROOT / page).read_text(encoding="utf-8")
    assert f'import "{PARTIAL}"' in text
    assert "meeting.shown_entries(entries)" in text and "meeting.review_actions(" in text
    assert 'name="edit"' not in text and '<table class="data entropy-review"' not in text


@pytest.mark.parametrize("module", MEETING_VIEWS)
def test_a_meeting_view_goes_through_the_one_flow(module):
    text = (ROOT / module).read_text(encoding="utf-8")
    assert "entries_step(" in text and "confirm_step(" in text
    # Parsing the entries, the "back to edit" post and comparing fingerprints live in the flow
    # and the services, not in each view.
    for restated in ("parse_entropy_lines", 'getlist("entropy")', "candidates_digest.data"):
        assert restated not in text, f"{module} restates {restated}"
