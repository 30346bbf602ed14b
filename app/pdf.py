"""Shared ReportLab helpers: embedded CJK fonts and styles, QR codes, the house table and page.

DESIGN.md, "PDFs": every PDF embeds a CJK TrueType font found on the system or configured by path
(Debian `fonts-arphic-uming` for body text, `fonts-wqy-zenhei` for headings). The non-embedded
`STSong-Light` CID font is a last resort that is logged; Noto CJK (CFF outlines) does not load in
ReportLab, so it is not looked for. Configure with `PDF_FONT_BODY`, `PDF_FONT_HEADING` and
`PDF_FONT_MONO`: a path, optionally `#<index>` for a face of a .ttc collection.
"""

from __future__ import annotations

import functools
import io
import logging
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from xml.sax.saxutils import escape

from reportlab.graphics.barcode.qr import QrCodeWidget
from reportlab.graphics.shapes import Drawing
from reportlab.lib import colors
from reportlab.lib.enums import TA_CENTER
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.cidfonts import UnicodeCIDFont
from reportlab.pdfbase.ttfonts import TTFError, TTFont
from reportlab.platypus import Paragraph, SimpleDocTemplate, Table, TableStyle

#: The house page of every generated PDF: A4, 18 mm margins, grey grid, pale-blue table heads.
PAGE_W, PAGE_H = A4
MARGIN = 18 * mm
WIDTH = PAGE_W - 2 * MARGIN
GRID = colors.HexColor("#8a96a3")
HEAD_BG = colors.HexColor("#e8eef5")


def para(text: object, style) -> Paragraph:
    """Plain text (escaped, never markup) as a Paragraph."""
    return Paragraph(escape(str(text)), style)


log = logging.getLogger(__name__)

_TRUETYPE = Path("/usr/share/fonts/truetype")
#: Looked for in order when nothing is configured (Debian paths; first found wins).
BODY_FONTS = (
    (_TRUETYPE / "arphic/uming.ttc", 0),  # AR PL UMing CN
    (_TRUETYPE / "arphic/ukai.ttc", 0),
    (_TRUETYPE / "wqy/wqy-microhei.ttc", 0),
    (_TRUETYPE / "wqy/wqy-zenhei.ttc", 0),
)
HEADING_FONTS = (
    (_TRUETYPE / "wqy/wqy-zenhei.ttc", 0),  # WenQuanYi Zen Hei
    (_TRUETYPE / "wqy/wqy-microhei.ttc", 0),
    (_TRUETYPE / "arphic/uming.ttc", 0),
)
#: Fixed-width digits for hashes and seeds, so that a reader can compare them column by column.
MONO_FONTS = (
    (_TRUETYPE / "wqy/wqy-zenhei.ttc", 1),  # WenQuanYi Zen Hei Mono
    (_TRUETYPE / "wqy/wqy-microhei.ttc", 1),
)
FALLBACK_CID = "STSong-Light"


@dataclass(frozen=True)
class Fonts:
    """Registered ReportLab font names; `embedded` is False only on the logged CID fallback."""

    body: str
    heading: str
    mono: str
    embedded: bool = True


def _parse(spec: str) -> tuple[Path, int]:
    path, _sep, index = spec.partition("#")
    return Path(path).expanduser(), int(index) if index.strip().isdigit() else 0


@functools.cache
def _register(path: str, index: int) -> str | None:
    """Register one TrueType face once per process; None (logged) if it cannot be used."""
    name = f"CJK-{Path(path).stem}-{index}"
    try:
        pdfmetrics.registerFont(TTFont(name, path, subfontIndex=index))
    except (OSError, TTFError) as e:
        # e.g. missing file, or CFF outlines ("postscript outlines are not supported").
        log.warning("PDF font %s#%d cannot be used: %s", path, index, e)
        return None
    return name


def _first(configured: str | None, defaults) -> str | None:
    candidates = [_parse(configured)] if configured else []
    candidates += [(p, i) for p, i in defaults if (p, i) not in candidates]
    for path, index in candidates:
        if path.is_file():
            name = _register(str(path), index)
            if name:
                return name
        elif configured and (path, index) == _parse(configured):
            log.warning("configured PDF font %s does not exist", path)
    return None


def cjk_fonts(config: Mapping | None = None) -> Fonts:
    """The fonts to draw Chinese with: configured paths first, then the Debian ones.

    `config` is the app config (or any mapping); keys PDF_FONT_BODY, PDF_FONT_HEADING,
    PDF_FONT_MONO. Falls back to STSong-Light (not embedded: readers without the font show
    boxes) with a logged warning only when no TrueType CJK font loads at all.
    """
    config = config or {}
    body = _first(config.get("PDF_FONT_BODY"), BODY_FONTS)
    heading = _first(config.get("PDF_FONT_HEADING"), HEADING_FONTS) or body
    if body is None:
        body = heading
    if body is None:
        log.warning(
            "no CJK TrueType font found (install fonts-arphic-uming and fonts-wqy-zenhei or set "
            "PDF_FONT_BODY); falling back to the non-embedded %s",
            FALLBACK_CID,
        )
        pdfmetrics.registerFont(UnicodeCIDFont(FALLBACK_CID))
        return Fonts(FALLBACK_CID, FALLBACK_CID, FALLBACK_CID, embedded=False)
    mono = _first(config.get("PDF_FONT_MONO"), MONO_FONTS) or body
    return Fonts(body, heading or body, mono)


def cjk_styles(fonts: Fonts, base_size: float = 10.5) -> dict[str, ParagraphStyle]:
    """Paragraph styles that wrap Chinese anywhere (`wordWrap='CJK'`), in the given fonts."""
    common = {"wordWrap": "CJK", "textColor": colors.black}
    return {
        "title": ParagraphStyle(
            "title", fontName=fonts.heading, fontSize=20, leading=28, alignment=TA_CENTER, **common
        ),
        "subtitle": ParagraphStyle(
            "subtitle",
            fontName=fonts.heading,
            fontSize=13,
            leading=19,
            alignment=TA_CENTER,
            **common,
        ),
        "heading": ParagraphStyle(
            "heading",
            fontName=fonts.heading,
            fontSize=12.5,
            leading=18,
            spaceBefore=10,
            spaceAfter=4,
            **common,
        ),
        "body": ParagraphStyle(
            "body", fontName=fonts.body, fontSize=base_size, leading=base_size * 1.5, **common
        ),
        "cell": ParagraphStyle(
            "cell",
            fontName=fonts.body,
            fontSize=base_size - 1,
            leading=(base_size - 1) * 1.4,
            **common,
        ),
        "cell_head": ParagraphStyle(
            "cell_head",
            fontName=fonts.heading,
            fontSize=base_size - 1,
            leading=(base_size - 1) * 1.4,
            **common,
        ),
        "mono": ParagraphStyle(
            "mono",
            fontName=fonts.mono,
            fontSize=base_size - 1.5,
            leading=(base_size - 1) * 1.4,
            **common,
        ),
        "small": ParagraphStyle(
            "small",
            fontName=fonts.body,
            fontSize=base_size - 2,
            leading=(base_size - 2) * 1.45,
            spaceBefore=3,
            textColor=colors.HexColor("#333333"),
            wordWrap="CJK",
        ),
        "center_small": ParagraphStyle(
            "center_small",
            fontName=fonts.body,
            fontSize=base_size - 2,
            leading=(base_size - 2) * 1.45,
            alignment=TA_CENTER,
            wordWrap="CJK",
        ),
    }


def qr_code(data: str, size: float, *, font_name: str, level: str = "M") -> Drawing:
    """A QR code of `data` (a URL) as a square drawing `size` points wide (ReportLab's widget).

    `font_name` replaces the drawing's default font state (Times-Roman, which would otherwise be
    listed as a non-embedded font of the PDF although the code draws no text).
    """
    widget = QrCodeWidget(data, barLevel=level)
    x0, y0, x1, y1 = widget.getBounds()
    width, height = x1 - x0, y1 - y0
    drawing = Drawing(size, size, transform=[size / width, 0, 0, size / height, 0, 0])
    drawing.initialFontName = font_name
    drawing.add(widget)
    return drawing


def grid_table(
    rows,
    widths,
    font: str,
    *,
    valign: str = "TOP",
    pad: float = 5,
    head: str | None = "row",
    repeat_head: bool = False,
) -> Table:
    """A ruled table of the house style: grey grid, `pad` left and right (less above and below),
    and the pale-blue head on the first row (`head="row"`), the first column ("column") or none."""
    table = Table(rows, colWidths=widths, repeatRows=1 if repeat_head else 0, hAlign="LEFT")
    commands = [
        # Table cells default to Helvetica (never embedded) even when they only hold paragraphs.
        ("FONTNAME", (0, 0), (-1, -1), font),
        ("GRID", (0, 0), (-1, -1), 0.5, GRID),
        ("VALIGN", (0, 0), (-1, -1), valign),
        ("LEFTPADDING", (0, 0), (-1, -1), pad),
        ("RIGHTPADDING", (0, 0), (-1, -1), pad),
        ("TOPPADDING", (0, 0), (-1, -1), pad * 0.6),
        ("BOTTOMPADDING", (0, 0), (-1, -1), pad * 0.8),
    ]
    if head == "row":
        commands.append(("BACKGROUND", (0, 0), (-1, 0), HEAD_BG))
    elif head == "column":
        commands.append(("BACKGROUND", (0, 0), (0, -1), HEAD_BG))
    table.setStyle(TableStyle(commands))
    return table


def build_pdf(
    story: list,
    fonts: Fonts,
    *,
    title: str,
    author: str,
    footer: str | None,
    subject: str | None = None,
    margin: float = MARGIN,
    top: float = 16 * mm,
    bottom: float = 18 * mm,
) -> tuple[bytes, int]:
    """Lay `story` out on A4 pages with the house footer (`footer` left, the page number right;
    None: no footer). Returns the PDF and its number of pages."""

    def on_page(canvas, doc) -> None:
        if footer is None:
            return
        canvas.saveState()
        canvas.setFont(fonts.body, 7.5)
        canvas.setFillColor(colors.HexColor("#444444"))
        canvas.drawString(margin, 10 * mm, footer)
        canvas.drawRightString(PAGE_W - margin, 10 * mm, f"第 {doc.page} 页")
        canvas.restoreState()

    buffer = io.BytesIO()
    doc = SimpleDocTemplate(
        buffer,
        pagesize=A4,
        leftMargin=margin,
        rightMargin=margin,
        topMargin=top,
        bottomMargin=bottom,
        title=title,
        author=author,
        subject=subject,
        creator="smallworks",
        # Not Helvetica: every font in the file is an embedded one (DESIGN.md, "PDFs").
        initialFontName=fonts.body,
    )
    doc.build(story, onFirstPage=on_page, onLaterPages=on_page)
    return buffer.getvalue(), doc.page
