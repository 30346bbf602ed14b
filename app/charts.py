"""Chart geometry for SVG drawn on the server, pure: bars, a line and round axis ticks.

Pages draw figures without JavaScript (templates/_macros/charts.html renders these shapes); the
numbers sit in a table beside each chart, so the picture is only ever a second way to read them.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

#: The drawing's own coordinate system; the SVG scales to the width it is given on the page.
WIDTH = 640
HEIGHT = 280
#: Room for the value axis labels (left) and the category labels (bottom).
LEFT, RIGHT, TOP, BOTTOM = 64, 12, 16, 56


@dataclass(frozen=True)
class Tick:
    value: float
    y: float


@dataclass(frozen=True)
class Bar:
    label: str
    value: float
    x: float
    y: float
    width: float
    height: float

    @property
    def centre(self) -> float:
        return self.x + self.width / 2


@dataclass(frozen=True)
class Chart:
    """A plot of `bars` (or the points of a line, each at a bar's top centre) on `ticks`."""

    bars: tuple[Bar, ...]
    ticks: tuple[Tick, ...]
    width: int = WIDTH
    height: int = HEIGHT
    left: int = LEFT
    top: int = TOP
    bottom_y: float = HEIGHT - BOTTOM
    right_x: float = WIDTH - RIGHT
    #: Show every n-th category label, so that many months do not overprint.
    label_every: int = 1
    #: The value at the top of the axis.
    ceiling: float = 1.0

    def y_of(self, value: float) -> float:
        """Where `value` sits on the value axis (e.g. an expected count marked beside a bar)."""
        return self.bottom_y - (self.bottom_y - self.top) * value / self.ceiling

    @property
    def points(self) -> str:
        """The bars' top centres as an SVG `points` list, for a line through them."""
        return " ".join(f"{b.centre:.1f},{b.y:.1f}" for b in self.bars)


def nice_step(top: float, ticks: int = 4) -> float:
    """A round step (1, 2 or 5 × 10^k) dividing 0..top into about `ticks` parts."""
    if top <= 0:
        return 1.0
    raw = top / ticks
    power = 10 ** math.floor(math.log10(raw))
    for factor in (1, 2, 5, 10):
        if factor * power >= raw:
            return float(factor * power)
    return float(10 * power)  # pragma: no cover - the loop always returns


def chart(
    items: Sequence[tuple[str, float]],
    *,
    max_labels: int = 12,
    at_least: float = 0.0,
    whole: bool = False,
) -> Chart:
    """Bars for `(label, value)` in the given order, on a value axis from 0 to a round top (at
    least `at_least`, so that marks drawn beside the bars fit too); `whole`: the values are
    counts, so the axis steps by whole numbers."""
    plot_w = WIDTH - LEFT - RIGHT
    plot_h = HEIGHT - TOP - BOTTOM
    largest = max(at_least, max((v for _l, v in items), default=0.0))
    step = max(1.0, nice_step(largest)) if whole else nice_step(largest)
    top = step * max(1, math.ceil(largest / step))
    ticks = tuple(
        Tick(step * i, TOP + plot_h - plot_h * step * i / top) for i in range(round(top / step) + 1)
    )
    slot = plot_w / max(1, len(items))
    gap = min(slot * 0.2, 8)
    bars = tuple(
        Bar(
            label=label,
            value=value,
            x=LEFT + i * slot + gap / 2,
            y=TOP + plot_h - plot_h * value / top,
            width=slot - gap,
            height=plot_h * value / top,
        )
        for i, (label, value) in enumerate(items)
    )
    return Chart(
        bars=bars,
        ticks=ticks,
        label_every=max(1, math.ceil(len(items) / max_labels)),
        ceiling=top,
    )
