"""bench/scale.py compares like with like (issue 14): the measured district's lists are full at
the small size as at the large one, the large size's data are as before, and each row says what
its page holds."""

from __future__ import annotations

import sys
from collections import Counter

from flask import Flask, jsonify

_path = list(sys.path)
from bench import scale  # noqa: E402  (bench/scale.py sets sys.path[0] to the repository)

sys.path[:] = _path


def test_the_measured_district_holds_enough_blocks_at_the_small_size():
    plan = scale.Plan(10_000)
    held = Counter(plan.district(b) for b in range(plan.blocks))
    assert plan.measured == plan.districts // 2 == 50
    assert held[plan.measured] == scale.MEASURED_BLOCKS
    assert set(held) == set(range(plan.districts))  # every district still has its blocks
    # …spread over the year: in every tenth of it, a tenth of the measured district's blocks.
    tenth = plan.blocks // 10
    for first in range(0, plan.blocks, tenth):
        mine = sum(plan.district(b) == plan.measured for b in range(first, first + tenth))
        assert mine == scale.MEASURED_BLOCKS // 10


def test_the_large_size_is_built_in_turn_as_before():
    plan = scale.Plan(1_000_000)
    assert plan.busy is None
    assert all(plan.district(b) == b % plan.districts for b in range(0, plan.blocks, 7))


def test_page_length_counts_items_rows_and_companies():
    app = Flask(__name__)
    with app.test_request_context():
        assert scale.page_length("/api/v1/x", jsonify(items=[1, 2, 3], next=None)) == "3"
        stats = jsonify(fairness={"companies": [{}] * 7}, months=[])
        assert scale.page_length("/api/v1/stats", stats) == "7 co."
    html = (
        '<ul class="notice-list"><li>a</li><li>b</li></ul>'
        "<table><thead><tr><th>h</th></tr></thead><tbody><tr><td>1</td></tr></tbody></table>"
    )
    assert scale.page_length("/notices/", app.response_class(html)) == "3"
    empty = '<ul class="notice-list"><li class="empty">none</li></ul>'
    assert scale.page_length("/notices/", app.response_class(empty)) == "0"
    stats_page = '<td class="num" data-label="序号">1</td><summary>其余43家企业</summary>'
    assert scale.page_length("/stats/?office=d50", app.response_class(stats_page)) == "63 co."
    assert scale._count("63 co.") == 63 and scale._count("—") is None
