"""The result notification letter (交易结果通知书) with its contract price formula."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal

from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.platypus import (
    KeepTogether,
    Spacer,
    Table,
    TableStyle,
)

from app.pdf import (
    GRID,
    HEAD_BG,
    WIDTH,
    Fonts,
    build_pdf,
    cjk_fonts,
    para,
    qr_code,
)
from contracts.rules import contract_price

from .layout import _LABEL_W, _day, _markup, _moment, _plain, _styles, _table, percent, yuan


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


# --------------------------------------------------------------------------- result letter


def _formula(d: ResultLetter) -> str:
    rate = percent(d.discount_rate)
    price = yuan(d.contract_price)
    if d.non_competitive > 0:
        what = d.non_competitive_label or "不参与下浮部分"
        return (
            f"合同价 =（控制价 － {what}）×（1 － 下浮率）+ {what}\n"
            f"=（{yuan(d.control_price)} － {yuan(d.non_competitive)}）×（1 － {rate}）"
            f"+ {yuan(d.non_competitive)}\n= {price}元"
        )
    return (
        f"合同价 = 控制价 ×（1 － 下浮率）\n= {yuan(d.control_price)} ×（1 － {rate}）\n= {price}元"
    )


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
        ("控制价", para(f"{yuan(data.control_price)}元", s["cell"])),
        (
            what if data.non_competitive > 0 else "不参与下浮部分",
            para(
                f"{yuan(data.non_competitive)}元（不参与下浮）"
                if data.non_competitive > 0
                else "无",
                s["cell"],
            ),
        ),
        ("下浮率", para(percent(data.discount_rate), s["cell_head"])),
        ("合同价", para(f"{yuan(data.contract_price)}元", s["cell_head"])),
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
            (f"{yuan(data.contract_price)}元", True),
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
    pdf, _pages = build_pdf(
        story,
        fonts,
        title=f"交易结果通知书 {data.project_code}",
        author=data.issuer,
        footer=footer,
    )
    return pdf
