"""The trading PDFs' shared layout: money and date formatting, tables, styles and the page."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from decimal import ROUND_HALF_UP, Decimal
from xml.sax.saxutils import escape

from reportlab.lib.enums import TA_CENTER, TA_RIGHT
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.platypus import (
    Paragraph,
    Table,
    TableStyle,
)

from app import money
from app.clock import local
from app.pdf import (
    Fonts,
    cjk_styles,
    grid_table,
)

_LABEL_W = 34 * mm
_FEN = Decimal("0.01")


# --------------------------------------------------------------------------- formatting


def yuan(amount: Decimal) -> str:
    """1234567.891 → '1,234,567.89' (ROUND_HALF_UP to the fen; Decimal only): app.money.yuan,
    the one format of amounts on pages, notices and SMS too."""
    if not isinstance(amount, Decimal):
        raise TypeError(f"amounts are Decimal, not {type(amount).__name__}")
    return money.yuan(amount)


def percent(rate: Decimal) -> str:
    """Decimal('8.5') → '8.50%'."""
    if not isinstance(rate, Decimal):
        raise TypeError(f"rates are Decimal, not {type(rate).__name__}")
    return f"{rate.quantize(_FEN, rounding=ROUND_HALF_UP)}%"


def _moment(moment: datetime) -> str:
    return local(moment).strftime("%Y年%m月%d日 %H:%M")


def _deadline(moment: datetime) -> str:
    """An exclusive end at local midnight reads as the last day's 24:00, as official notices
    write it (响应截止至12月2日24:00, not "12月3日00:00"); other moments read as they are."""
    at = local(moment)
    if (at.hour, at.minute, at.second, at.microsecond) == (0, 0, 0, 0):
        return _day((at - timedelta(days=1)).date()) + " 24:00"
    return _moment(moment)


def _day(day: date) -> str:
    return f"{day.year}年{day.month:02d}月{day.day:02d}日"


def _clip(text: str, limit: int | None) -> str:
    text = " ".join(text.split()) if limit else text
    if limit is None or len(text) <= limit:
        return text
    return text[: limit - 1] + "…"


def _markup(style, *parts: tuple[str, bool]) -> Paragraph:
    """A paragraph of escaped parts, the flagged ones bold (drawn in the heading font)."""
    out = []
    for text, strong in parts:
        t = escape(text)
        out.append(f'<font name="{style.headingFont}">{t}</font>' if strong else t)
    return Paragraph("".join(out), style)


def _hex(text: str) -> str:
    return " ".join(text[i : i + 8] for i in range(0, len(text), 8))


def _table(rows, widths, font: str, *, label_col: bool = True, pad: float = 5) -> Table:
    """A ruled table of label (shaded, first column) and value rows, centred vertically."""
    return grid_table(
        rows, widths, font, valign="MIDDLE", pad=pad, head="column" if label_col else None
    )


def _plain(rows, widths, font: str, valign: str = "TOP") -> Table:
    table = Table(rows, colWidths=widths, hAlign="LEFT")
    table.setStyle(
        TableStyle(
            [
                ("FONTNAME", (0, 0), (-1, -1), font),
                ("VALIGN", (0, 0), (-1, -1), valign),
                ("LEFTPADDING", (0, 0), (-1, -1), 0),
                ("RIGHTPADDING", (0, 0), (-1, -1), 0),
                ("TOPPADDING", (0, 0), (-1, -1), 0),
                ("BOTTOMPADDING", (0, 0), (-1, -1), 0),
            ]
        )
    )
    return table


def _styles(fonts: Fonts, base: float) -> dict[str, ParagraphStyle]:
    s = cjk_styles(fonts, base)
    for style in s.values():
        style.headingFont = fonts.heading  # used by _markup
    s["right"] = ParagraphStyle("right", parent=s["body"], alignment=TA_RIGHT)
    s["center"] = ParagraphStyle("center", parent=s["body"], alignment=TA_CENTER)
    s["right"].headingFont = s["center"].headingFont = fonts.heading
    return s
