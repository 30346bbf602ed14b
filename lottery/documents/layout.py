"""The draw minutes' layout: the three spacings tried, headings kept with their tables, the grids."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from reportlab.lib.units import mm
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.platypus import CondPageBreak, Paragraph, Table

from app.pdf import WIDTH, grid_table, para

_LABEL_W = 38 * mm


def _hex(text: str | None, style, missing: str, missing_style) -> Paragraph:
    """A hash or seed in groups of eight, so that a reader can compare it with a screen."""
    if not text:
        return para(missing, missing_style)
    return para(" ".join(text[i : i + 8] for i in range(0, len(text), 8)), style)


@dataclass(frozen=True)
class _Layout:
    """Spacing of the minutes. The roomy one is tried first; a tighter one is kept only when it
    saves a page, so the minutes do not end on a page that holds only the QR code and the
    signature lines (issue 13: "page 2 of the draw minutes is mostly blank")."""

    keep: float = 35 * mm  # room a heading needs below it, or it starts the next page
    heading_before: float = 10
    heading_after: float = 4
    pad: float = 5  # table cells
    qr: float = 30 * mm
    sign_gap: float = 6 * mm
    sign_height: float = 14 * mm
    title_gap: float = 4 * mm
    base: float = 10.5  # font size of the body text (cells are a point smaller)
    sign_beside_qr: bool = False  # the signature lines under the how-to, left of the QR code


_ROOMY = _Layout()
_TIGHT = _Layout(
    keep=24 * mm,
    heading_before=5,
    heading_after=2,
    pad=3.5,
    qr=24 * mm,
    sign_gap=3 * mm,
    sign_height=10 * mm,
    title_gap=2 * mm,
)
_SMALL = _Layout(
    keep=24 * mm,
    heading_before=4,
    heading_after=2,
    pad=3,
    qr=22 * mm,
    sign_gap=2 * mm,
    sign_height=9 * mm,
    title_gap=1 * mm,
    base=9.5,
    sign_beside_qr=True,
)


def _heading(text: str, s, lay: _Layout) -> list:
    """A section heading that never stays alone at the foot of a page: with less than
    `lay.keep` left, the section starts on the next page; otherwise its table may split, header
    repeated."""
    return [CondPageBreak(lay.keep), para(text, s["heading"])]


def _grid(rows, widths, font: str, header: bool = True, pad: float = 5) -> Table:
    """A header row repeated on each page, or (header=False) a label column."""
    return grid_table(
        rows, widths, font, head="row" if header else "column", repeat_head=header, pad=pad
    )


#: Options of a pick draw printed side by side: (序号, 选项) pairs a row.
_OPTIONS_A_ROW = 4


def _option_grid(options: Sequence[str], s, font: str, pad: float = 5) -> Table:
    """A pick draw's options, numbered in their published order, _OPTIONS_A_ROW pairs a row
    (read across, then down), under a repeated 序号/选项 head."""
    pair = WIDTH / _OPTIONS_A_ROW
    rows = [[para(h, s["cell_head"]) for _ in range(_OPTIONS_A_ROW) for h in ("序号", "选项")]]
    for start in range(0, len(options), _OPTIONS_A_ROW):
        row = []
        for i in range(start, start + _OPTIONS_A_ROW):
            row += (
                [para(i + 1, s["cell"]), para(options[i], s["cell"])]
                if i < len(options)
                else ["", ""]
            )
        rows.append(row)
    return _grid(rows, [12 * mm, pair - 12 * mm] * _OPTIONS_A_ROW, font, pad=pad)


def fitted_widths(
    rows: Sequence[Sequence[str]], style, total: float, pad: float = 10
) -> list[float]:
    """Column widths for a table of text filling `total`: a column whose longest cell fits in
    an equal share keeps just that width, the others share the rest by their longest cell, so
    a four-letter verdict does not take a quarter of the page while the checks wrap thrice."""
    n = max((len(r) for r in rows), default=0)
    if not n:
        return []
    natural = [
        max(stringWidth(str(r[i]), style.fontName, style.fontSize) for r in rows if i < len(r))
        + pad
        for i in range(n)
    ]
    if sum(natural) <= total:
        spare = (total - sum(natural)) / n
        return [w + spare for w in natural]
    share, fixed, free = total / n, {}, set(range(n))
    changed = True
    while changed:  # columns narrower than their share keep their width; the rest share
        changed = False
        share = (total - sum(fixed.values())) / len(free) if free else 0
        for i in sorted(free):
            if natural[i] <= share:
                fixed[i] = natural[i]
                free.discard(i)
                changed = True
    rest = total - sum(fixed.values())
    weight = sum(natural[i] for i in free) or 1
    return [fixed[i] if i in fixed else rest * natural[i] / weight for i in range(n)]
