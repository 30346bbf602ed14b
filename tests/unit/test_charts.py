"""Chart geometry (app.charts): round ticks, bars inside the plot, heights proportional to values."""

from __future__ import annotations

import pytest

from app import charts


@pytest.mark.parametrize(
    ("top", "step"), [(0, 1), (4, 1), (7, 2), (10, 5), (95, 50), (1234, 500), (0.3, 0.1)]
)
def test_the_tick_step_is_a_round_number(top, step):
    assert charts.nice_step(top) == pytest.approx(step)


def test_bars_stand_on_the_axis_and_are_proportional_to_their_values():
    c = charts.chart([("1月", 2), ("2月", 5), ("3月", 0)])
    a, b, z = c.bars
    assert a.y + a.height == pytest.approx(c.bottom_y) == pytest.approx(b.y + b.height)
    assert b.height == pytest.approx(a.height * 5 / 2)
    assert z.height == 0
    assert c.ticks[0].value == 0 and c.ticks[-1].value >= 5
    assert c.left <= a.x and b.x + b.width <= c.right_x
    assert c.points.count(",") == 3
    assert c.y_of(5) == pytest.approx(b.y) and c.y_of(0) == pytest.approx(c.bottom_y)


def test_an_empty_chart_has_an_axis_and_no_bars():
    c = charts.chart([])
    assert c.bars == () and c.ticks[-1].value == 1


def test_many_categories_label_every_few():
    assert charts.chart([(str(i), i) for i in range(36)]).label_every == 3


def test_counts_step_by_whole_numbers():
    assert [t.value for t in charts.chart([("a", 2)], whole=True).ticks] == [0, 1, 2]
