"""The bulletin-board trading notice (信息公开栏): one A4 page, whatever the texts' length."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal

from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.platypus import (
    KeepTogether,
    Spacer,
)

from app.pdf import (
    PAGE_W,
    Fonts,
    build_pdf,
    cjk_fonts,
    para,
    qr_code,
)
from contracts.rules import contract_price

from .layout import (
    _clip,
    _day,
    _deadline,
    _hex,
    _markup,
    _moment,
    _plain,
    _styles,
    _table,
    percent,
    yuan,
)

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
    #: 异议与投诉, as the notice's page says it (notices.rules.objections_text, Chinese).
    objections: str
    publicity_start: date
    publicity_last_day: date  # publicity ends at 24:00 of this day
    notice_url: str
    issuer: str
    issued_on: date
    non_competitive: Decimal = Decimal("0.00")  # part of the control price not discounted
    non_competitive_label: str = ""  # e.g. "安全文明施工费"
    contact: str = ""  # e.g. "区公管办 张工 0571-8888 8888"


# --------------------------------------------------------------------------- bulletin


def _discount_basis(control: Decimal, part: Decimal, label: str) -> str:
    if part <= 0:
        return "下浮率适用于控制价全额：合同价 = 控制价 ×（1 － 下浮率）。"
    what = label or "不参与下浮部分"
    return (
        f"其中{what}{yuan(part)}元不参与下浮；下浮率仅适用于竞争部分"
        f"{yuan(control - part)}元：合同价 =（控制价 － {what}）×（1 － 下浮率）+ {what}。"
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
    control = [(f"{yuan(n.control_price)}元", True)]
    if n.non_competitive > 0:
        control.append(
            (
                f"（含{n.non_competitive_label or '不参与下浮部分'}{yuan(n.non_competitive)}元）",
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
        ("估算金额", para(f"{yuan(n.estimate)}元", cell)),
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
        # Clipped only on the last resorts (a poster of very long texts), as every free text.
        _markup(
            cell, ("异议与投诉：", True), (_clip(n.objections, clip * 4 if clip else None), False)
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
        pdf, pages = build_pdf(
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
