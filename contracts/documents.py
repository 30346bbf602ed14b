"""Trading PDFs: the bulletin-board notice (信息公开栏), the copy of a response commitment
(交易响应承诺) and the result notification letter (交易结果通知书).

Pure functions: each takes a frozen dataclass defined here (filled by the services from the
models) and returns the PDF bytes. All text is drawn in the embedded CJK TrueType fonts of
`app.pdf` (DESIGN.md, "PDFs"), wrapped with `wordWrap='CJK'`. Money is `Decimal`, never float.
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import ROUND_HALF_UP, Decimal
from xml.sax.saxutils import escape

from reportlab.lib import colors
from reportlab.lib.enums import TA_CENTER, TA_RIGHT
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.platypus import (
    HRFlowable,
    KeepTogether,
    Paragraph,
    SimpleDocTemplate,
    Spacer,
    Table,
    TableStyle,
)

from app.clock import local
from app.pdf import (
    GRID,
    HEAD_BG,
    MARGIN,
    PAGE_W,
    WIDTH,
    Fonts,
    cjk_fonts,
    cjk_styles,
    para,
    qr_code,
)
from contracts.rules import contract_price

_LABEL_W = 34 * mm
_FEN = Decimal("0.01")
_HUNDRED = Decimal(100)


# --------------------------------------------------------------------------- data


@dataclass(frozen=True)
class BulletinNotice:
    """What the printed trading notice shows. Times are aware datetimes (shown in Beijing time);
    amounts are yuan; `rate_options` are percents (Decimal("8.50") = 8.50%)."""

    project_code: str
    project_name: str
    owner: str
    town: str  # 街道/镇
    village: str  # 村 ("" when the project is not in one village)
    category: str  # label, e.g. "施工"
    funding: str  # label, e.g. "村集体资金"
    estimate: Decimal
    control_price: Decimal
    duration: str  # e.g. "60日历天"
    scope: str
    rate_options: tuple[Decimal, ...]
    response_deadline: datetime
    meeting_at: datetime
    meeting_place: str
    award_draw_id: str
    award_commitment: str  # SHA-256 hex of the award draw's seed
    rate_draw_id: str
    rate_commitment: str
    objections_to: str  # who receives objections (异议), with contact
    complaints_to: str  # who receives complaints (投诉), with contact
    publicity_start: date
    publicity_last_day: date  # publicity ends at 24:00 of this day
    notice_url: str
    issuer: str
    issued_on: date
    non_competitive: Decimal = Decimal("0.00")  # part of the control price not discounted
    non_competitive_label: str = ""  # e.g. "安全文明施工费"
    contact: str = ""  # e.g. "区公管办 张工 0571-8888 8888"


@dataclass(frozen=True)
class CommitmentCopy:
    """A contractor's confirmed response commitment; `text` is the unified form's wording
    (paragraphs separated by blank lines or newlines)."""

    reference: str  # the commitment's reference number
    project_code: str
    project_name: str
    owner: str
    contractor_name: str
    contractor_uscc: str
    text: str
    confirmed_at: datetime
    response_deadline: datetime
    issuer: str
    generated_at: datetime
    withdrawn_at: datetime | None = None


@dataclass(frozen=True)
class ResultLetter:
    """The result notification letter to the winner, copied to the owner. `discount_rate` is a
    percent; `contract_price` must equal the rule of DESIGN.md (checked when rendering)."""

    reference: str  # letter number, e.g. "交易结果〔2026〕7号"
    project_code: str
    project_name: str
    owner: str
    winner_name: str
    winner_uscc: str
    discount_rate: Decimal
    control_price: Decimal
    contract_price: Decimal
    award_draw_id: str
    award_draw_url: str
    rate_draw_id: str
    rate_draw_url: str
    meeting_at: datetime
    signing_deadline: date  # sign by 24:00 of this day
    result_url: str
    issuer: str
    issued_on: date
    non_competitive: Decimal = Decimal("0.00")
    non_competitive_label: str = ""


# --------------------------------------------------------------------------- formatting


def yuan(amount: Decimal) -> str:
    """1234567.891 → '1,234,567.89' (ROUND_HALF_UP to the fen; Decimal only)."""
    if not isinstance(amount, Decimal):
        raise TypeError(f"amounts are Decimal, not {type(amount).__name__}")
    return f"{amount.quantize(_FEN, rounding=ROUND_HALF_UP):,.2f}"


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
    table = Table(rows, colWidths=widths, hAlign="LEFT")
    commands = [
        # Table cells default to Helvetica (never embedded) even when they only hold paragraphs.
        ("FONTNAME", (0, 0), (-1, -1), font),
        ("GRID", (0, 0), (-1, -1), 0.5, GRID),
        ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
        ("LEFTPADDING", (0, 0), (-1, -1), pad),
        ("RIGHTPADDING", (0, 0), (-1, -1), pad),
        ("TOPPADDING", (0, 0), (-1, -1), pad * 0.6),
        ("BOTTOMPADDING", (0, 0), (-1, -1), pad * 0.8),
    ]
    if label_col:
        commands.append(("BACKGROUND", (0, 0), (0, -1), HEAD_BG))
    table.setStyle(TableStyle(commands))
    return table


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


def _build(
    story: list,
    fonts: Fonts,
    *,
    title: str,
    author: str,
    footer: str | None,
    margin: float = MARGIN,
    top: float = 16 * mm,
    bottom: float = 18 * mm,
) -> tuple[bytes, int]:
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
        creator="smallworks",
        # Not Helvetica: every font in the file is an embedded one (DESIGN.md, "PDFs").
        initialFontName=fonts.body,
    )
    doc.build(story, onFirstPage=on_page, onLaterPages=on_page)
    return buffer.getvalue(), doc.page


# --------------------------------------------------------------------------- bulletin


def _discount_basis(control: Decimal, part: Decimal, label: str) -> str:
    if part <= 0:
        return "下浮率适用于控制价全额：合同价 = 控制价 ×（1 － 下浮率）。"
    what = label or "不参与下浮部分"
    return (
        f"其中{what} {yuan(part)} 元不参与下浮；下浮率仅适用于竞争部分 "
        f"{yuan(control - part)} 元：合同价 =（控制价 － {what}）×（1 － 下浮率）+ {what}。"
    )


def _bulletin_story(n: BulletinNotice, fonts: Fonts, base: float, clip: int | None, grid: bool):
    s = _styles(fonts, base)
    width = PAGE_W - 2 * 12 * mm
    label_w = base * 6.2
    title = ParagraphStyle(
        "poster_title",
        parent=s["title"],
        fontSize=base * 2.1,
        leading=base * 2.7,
        spaceAfter=base * 0.3,
    )
    big = ParagraphStyle(
        "poster_big", parent=s["cell_head"], fontSize=base + 1, leading=(base + 1) * 1.35
    )
    cell = s["cell"]

    location = n.town + (f" {n.village}" if n.village else "")
    control = [(f"{yuan(n.control_price)} 元", True)]
    if n.non_competitive > 0:
        control.append(
            (
                f"（含{n.non_competitive_label or '不参与下浮部分'} {yuan(n.non_competitive)} 元）",
                False,
            )
        )
    options = "、".join(percent(r) for r in n.rate_options)
    facts = [
        ("项目编号", para(n.project_code, s["mono"])),
        ("业主单位", para(_clip(n.owner, clip), cell)),
        ("项目地点", para(_clip(location, clip), cell)),
        ("项目类别", para(n.category, cell)),
        ("资金来源", para(n.funding, cell)),
        ("估算金额", para(f"{yuan(n.estimate)} 元", cell)),
        ("控制价", _markup(big, *control)),
        (
            "下浮基数",
            para(
                _discount_basis(n.control_price, n.non_competitive, n.non_competitive_label), cell
            ),
        ),
        ("工期", para(_clip(n.duration, clip), cell)),
        ("工程内容", para(_clip(n.scope, clip * 2 if clip else 240), cell)),
        (
            "下浮率选项",
            para(
                f"共 {len(n.rate_options)} 个：{options}（定标会议上公开摇号抽取其一）",
                cell,
            ),
        ),
        ("响应截止", _markup(big, (_deadline(n.response_deadline) + "（北京时间）", True))),
        (
            "定标会议",
            _markup(
                cell,
                (_moment(n.meeting_at), True),
                (f"　{_clip(n.meeting_place, clip)}", False),
            ),
        ),
    ]
    rows = [[para(k, s["cell_head"]), v] for k, v in facts]
    story: list = [
        para(n.issuer, s["center_small"]),
        para(_clip(n.project_name, clip), title),
        para("交易公告", title),
        para(
            f"公示期：{_day(n.publicity_start)} 至 {_day(n.publicity_last_day)} 24:00",
            s["subtitle"],
        ),
        Spacer(1, base * 0.5),
        _table(rows, [label_w, width - label_w], fonts.body, pad=base * 0.4),
    ]
    if grid and n.rate_options:
        per_row = 4
        cells = [
            para(
                f"{percent(r)} → {yuan(contract_price(n.control_price, n.non_competitive, r))}",
                s["mono"],
            )
            for r in n.rate_options
        ]
        cells += [""] * (-len(cells) % per_row)
        grid_rows = [cells[i : i + per_row] for i in range(0, len(cells), per_row)]
        story += [
            Spacer(1, base * 0.4),
            para("各下浮率对应的合同价（元）：", s["cell_head"]),
            _table(grid_rows, [width / per_row] * per_row, fonts.body, label_col=False, pad=3),
        ]
    story += [
        Spacer(1, base * 0.4),
        para("摇号种子承诺（SHA-256，摇号后公布种子，任何人可核验）：", s["cell_head"]),
        _table(
            [
                [
                    [para("承包单位摇号", cell), para(n.award_draw_id, s["mono"])],
                    para(_hex(n.award_commitment), s["mono"]),
                ],
                [
                    [para("下浮率摇号", cell), para(n.rate_draw_id, s["mono"])],
                    para(_hex(n.rate_commitment), s["mono"]),
                ],
            ],
            [base * 14, width - base * 14],
            fonts.body,
            pad=base * 0.4,
        ),
        Spacer(1, base * 0.4),
        para(
            "参与方式：本类别预选承包商名录库内的入围企业在响应截止前登录平台确认《交易响应承诺》即可，"
            "无需递交投标文件，不收取任何费用。",
            cell,
        ),
        para(
            f"异议：对本公告有异议的，请在公示期内向{_clip(n.objections_to, clip)}提出。"
            f"投诉：认为交易活动不符合规定的，可自知道或者应当知道之日起10日内向"
            f"{_clip(n.complaints_to, clip)}投诉（《招标投标法实施条例》第六十条）。",
            cell,
        ),
    ]
    if n.contact:
        story.append(para(f"联系方式：{_clip(n.contact, clip)}", cell))
    qr_size = base * 9
    left = [
        para("网上公告（以网上公告为准）：", s["small"]),
        para(n.notice_url, s["mono"]),
        Spacer(1, base),
        para(n.issuer, s["right"]),
        para(_day(n.issued_on), s["right"]),
    ]
    right = [
        qr_code(n.notice_url, qr_size, font_name=fonts.body),
        para("扫码查看网上公告", s["center_small"]),
    ]
    story += [
        Spacer(1, base * 0.6),
        KeepTogether(
            _plain(
                [[left, right]], [width - qr_size - 8 * mm, qr_size + 8 * mm], fonts.body, "BOTTOM"
            )
        ),
    ]
    return story


def bulletin_pdf(data: BulletinNotice, *, fonts: Fonts | None = None) -> bytes:
    """The A4 poster for the village/街道 bulletin board: always exactly one page (text shrinks,
    then the price table goes, then long values are shortened — the QR leads to the full text)."""
    fonts = fonts or cjk_fonts()
    attempts = [(b, None, True) for b in (15, 14, 13, 12, 11, 10, 9.5, 9)]
    attempts += [(b, None, False) for b in (10, 9, 8)]
    attempts += [(8, c, False) for c in (160, 100, 60, 30)]
    pdf = b""
    for base, clip, grid in attempts:
        pdf, pages = _build(
            _bulletin_story(data, fonts, base, clip, grid),
            fonts,
            title=f"{data.project_name} 交易公告",
            author=data.issuer,
            footer=None,
            margin=12 * mm,
            top=10 * mm,
            bottom=10 * mm,
        )
        if pages == 1:
            return pdf
    return pdf  # pragma: no cover - the last attempt clips every free text to 30 characters


# --------------------------------------------------------------------------- commitment


def commitment_pdf(data: CommitmentCopy, *, fonts: Fonts | None = None) -> bytes:
    """The contractor's copy of its response commitment (交易响应承诺)."""
    fonts = fonts or cjk_fonts()
    s = _styles(fonts, 10.5)
    confirmed = local(data.confirmed_at)
    facts = [
        ("承诺编号", para(data.reference, s["mono"])),
        ("项目编号", para(data.project_code, s["mono"])),
        ("项目名称", para(data.project_name, s["cell"])),
        ("业主单位", para(data.owner, s["cell"])),
        ("承诺单位", para(data.contractor_name, s["cell"])),
        ("统一社会信用代码", para(data.contractor_uscc, s["mono"])),
        (
            "确认时间",
            para(
                confirmed.strftime("%Y年%m月%d日 %H:%M:%S（北京时间，UTC+08:00）"),
                s["cell"],
            ),
        ),
        ("响应截止", para(_deadline(data.response_deadline) + "（北京时间）", s["cell"])),
    ]
    if data.withdrawn_at is not None:
        facts.append(
            (
                "撤回时间",
                para(_moment(data.withdrawn_at) + "（已撤回，本承诺不再有效）", s["cell_head"]),
            )
        )
    story: list = [
        para(data.issuer, s["center_small"]),
        Spacer(1, 2 * mm),
        para("交易响应承诺", s["title"]),
        para("（统一表式 · 承诺人留存副本）", s["subtitle"]),
        Spacer(1, 4 * mm),
        _table(
            [[para(k, s["cell_head"]), v] for k, v in facts],
            [_LABEL_W, WIDTH - _LABEL_W],
            fonts.body,
        ),
        para("承诺内容", s["heading"]),
    ]
    paragraphs = [p.strip() for p in data.text.splitlines() if p.strip()]
    body = ParagraphStyle(
        "commit", parent=s["body"], firstLineIndent=2 * s["body"].fontSize, spaceAfter=3
    )
    rule = HRFlowable(width="100%", thickness=0.6, color=GRID, spaceBefore=2, spaceAfter=6)
    story += [rule, *(para(p, body) for p in paragraphs), rule]
    story += [
        Spacer(1, 6 * mm),
        KeepTogether(
            [
                para(f"承诺单位：{data.contractor_name}", s["right"]),
                para(f"统一社会信用代码：{data.contractor_uscc}", s["right"]),
                para(f"于 {confirmed.strftime('%Y年%m月%d日 %H:%M:%S')} 在线确认", s["right"]),
            ]
        ),
        Spacer(1, 6 * mm),
        para(
            "说明：本承诺由承诺单位登录交易平台在线确认，以平台记录为准，本副本供留存。"
            f"响应截止（{_deadline(data.response_deadline)}）前，承诺单位可在平台上撤回本承诺，"
            "撤回后不参加本项目的承包单位摇号；截止后不可撤回。中选后无正当理由拒签合同的，"
            "将按规定记录不良行为。",
            s["small"],
        ),
    ]
    footer = (
        f"{data.issuer} · 交易响应承诺 {data.reference} · 生成于 "
        f"{local(data.generated_at).strftime('%Y-%m-%d %H:%M')}（北京时间）"
    )
    pdf, _pages = _build(
        story,
        fonts,
        title=f"交易响应承诺 {data.reference}",
        author=data.issuer,
        footer=footer,
    )
    return pdf


# --------------------------------------------------------------------------- result letter


def _formula(d: ResultLetter) -> str:
    rate = percent(d.discount_rate)
    price = yuan(d.contract_price)
    if d.non_competitive > 0:
        what = d.non_competitive_label or "不参与下浮部分"
        return (
            f"合同价 =（控制价 － {what}）×（1 － 下浮率）+ {what}\n"
            f"=（{yuan(d.control_price)} － {yuan(d.non_competitive)}）×（1 － {rate}）"
            f"+ {yuan(d.non_competitive)}\n= {price} 元"
        )
    return f"合同价 = 控制价 ×（1 － 下浮率）\n= {yuan(d.control_price)} ×（1 － {rate}）\n= {price} 元"


def result_letter_pdf(data: ResultLetter, *, fonts: Fonts | None = None) -> bytes:
    """The result notification letter (交易结果通知书). Raises ValueError when `contract_price`
    is not what the rule gives, so a letter never shows a formula that disagrees with it."""
    expected = contract_price(data.control_price, data.non_competitive, data.discount_rate)
    if data.contract_price != expected:
        raise ValueError(f"contract price {data.contract_price} differs from the rule's {expected}")
    fonts = fonts or cjk_fonts()
    s = _styles(fonts, 11)
    letter = ParagraphStyle("letter", parent=s["body"], firstLineIndent=22, spaceAfter=4)
    letter.headingFont = fonts.heading
    what = data.non_competitive_label or "不参与下浮部分"
    facts = [
        ("项目编号", para(data.project_code, s["mono"])),
        ("项目名称", para(data.project_name, s["cell"])),
        ("业主单位", para(data.owner, s["cell"])),
        ("承包单位", para(data.winner_name, s["cell_head"])),
        ("统一社会信用代码", para(data.winner_uscc, s["mono"])),
        ("控制价", para(f"{yuan(data.control_price)} 元", s["cell"])),
        (
            what if data.non_competitive > 0 else "不参与下浮部分",
            para(
                f"{yuan(data.non_competitive)} 元（不参与下浮）"
                if data.non_competitive > 0
                else "无",
                s["cell"],
            ),
        ),
        ("下浮率", para(percent(data.discount_rate), s["cell_head"])),
        ("合同价", para(f"{yuan(data.contract_price)} 元", s["cell_head"])),
        ("计算方法", [para(line, s["cell"]) for line in _formula(data).split("\n")]),
    ]
    draws = [
        [
            para("抽签", s["cell_head"]),
            para("抽签编号", s["cell_head"]),
            para("摇号记录（可下载验证）", s["cell_head"]),
        ],
        [
            para("承包单位摇号", s["cell"]),
            para(data.award_draw_id, s["mono"]),
            para(data.award_draw_url, s["mono"]),
        ],
        [
            para("下浮率摇号", s["cell"]),
            para(data.rate_draw_id, s["mono"]),
            para(data.rate_draw_url, s["mono"]),
        ],
    ]
    draws_table = Table(
        draws, colWidths=[_LABEL_W, 50 * mm, WIDTH - _LABEL_W - 50 * mm], hAlign="LEFT"
    )
    draws_table.setStyle(
        TableStyle(
            [
                ("FONTNAME", (0, 0), (-1, -1), fonts.body),
                ("GRID", (0, 0), (-1, -1), 0.5, GRID),
                ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
                ("BACKGROUND", (0, 0), (-1, 0), HEAD_BG),
            ]
        )
    )
    story: list = [
        para(data.issuer, s["center_small"]),
        Spacer(1, 2 * mm),
        para("交易结果通知书", s["title"]),
        para(data.reference, s["center"]),
        Spacer(1, 5 * mm),
        para(f"{data.winner_name}：", s["body"]),
        _markup(
            letter,
            (
                f"在{_moment(data.meeting_at)}召开的“{data.project_name}”（项目编号 "
                f"{data.project_code}）定标会议上，经公开摇号，你单位被确定为本项目的承包单位，"
                f"抽取的下浮率为 ",
                False,
            ),
            (percent(data.discount_rate), True),
            ("，合同价为 ", False),
            (f"{yuan(data.contract_price)} 元", True),
            ("。具体如下：", False),
        ),
        Spacer(1, 2 * mm),
        _table(
            [[para(k, s["cell_head"]), v] for k, v in facts],
            [_LABEL_W, WIDTH - _LABEL_W],
            fonts.body,
        ),
        Spacer(1, 3 * mm),
        draws_table,
        Spacer(1, 3 * mm),
        _markup(
            letter,
            ("请你单位于 ", False),
            (f"{_day(data.signing_deadline)} 24:00 前", True),
            (
                f"与{data.owner}签订合同。无正当理由拒签合同的，取消承包资格，由摇号排名下一位的"
                "单位按同一下浮率递补，并按规定记录不良行为（《招标投标法实施条例》第七十四条）。",
                False,
            ),
        ),
        para("特此通知。", letter),
    ]
    qr_size = 28 * mm
    left = [
        para(data.issuer, s["right"]),
        para(_day(data.issued_on), s["right"]),
        Spacer(1, 6 * mm),
        para(f"抄送：{data.owner}", s["small"]),
        para(f"交易结果公告：{data.result_url}", s["small"]),
    ]
    right = [
        qr_code(data.result_url, qr_size, font_name=fonts.body),
        para("扫码查看结果公告", s["center_small"]),
    ]
    story += [
        Spacer(1, 6 * mm),
        KeepTogether(
            _plain(
                [[left, right]],
                [WIDTH - qr_size - 10 * mm, qr_size + 10 * mm],
                fonts.body,
                "BOTTOM",
            )
        ),
    ]
    footer = f"{data.issuer} · 交易结果通知书 {data.project_code} · {_day(data.issued_on)}"
    pdf, _pages = _build(
        story,
        fonts,
        title=f"交易结果通知书 {data.project_code}",
        author=data.issuer,
        footer=footer,
    )
    return pdf


__all__ = [
    "BulletinNotice",
    "CommitmentCopy",
    "ResultLetter",
    "bulletin_pdf",
    "commitment_pdf",
    "contract_price",
    "percent",
    "result_letter_pdf",
    "yuan",
]
