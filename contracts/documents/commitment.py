"""The contractor's copy of its response commitment (交易响应承诺)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.platypus import (
    HRFlowable,
    KeepTogether,
    Spacer,
)

from app.clock import local
from app.pdf import (
    GRID,
    WIDTH,
    Fonts,
    build_pdf,
    cjk_fonts,
    para,
)

from .layout import _LABEL_W, _deadline, _moment, _styles, _table


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
    #: None on the blank form (统一表式, `blank_commitment`): the times print as lines to fill.
    confirmed_at: datetime | None
    response_deadline: datetime | None
    issuer: str
    generated_at: datetime | None
    withdrawn_at: datetime | None = None


#: What a blank field prints: a line to write on.
LINE = "＿" * 10
_BLANK_MOMENT = "＿＿＿＿年＿＿月＿＿日 ＿＿:＿＿"


def blank_commitment(issuer: str, text: str) -> CommitmentCopy:
    """The commitment as the 统一表式 shows it before anyone responds: the same layout and
    wording, every fact a line to fill (notices.guides lists it as a blank form)."""
    return CommitmentCopy(
        reference=LINE,
        project_code=LINE,
        project_name=LINE,
        owner=LINE,
        contractor_name=LINE,
        contractor_uscc=LINE,
        text=text,
        confirmed_at=None,
        response_deadline=None,
        issuer=issuer,
        generated_at=None,
    )


# --------------------------------------------------------------------------- commitment


def commitment_pdf(data: CommitmentCopy, *, fonts: Fonts | None = None) -> bytes:
    """The contractor's copy of its response commitment (交易响应承诺)."""
    fonts = fonts or cjk_fonts()
    s = _styles(fonts, 10.5)
    blank = data.confirmed_at is None
    confirmed = None if blank else local(data.confirmed_at)
    deadline = (
        _BLANK_MOMENT if data.response_deadline is None else _deadline(data.response_deadline)
    )
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
                _BLANK_MOMENT + "（北京时间）"
                if blank
                else confirmed.strftime("%Y年%m月%d日 %H:%M:%S（北京时间，UTC+08:00）"),
                s["cell"],
            ),
        ),
        ("响应截止", para(deadline + "（北京时间）", s["cell"])),
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
        para(
            "（统一表式 · 空白样式）" if blank else "（统一表式 · 承诺人留存副本）", s["subtitle"]
        ),
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
                para(
                    f"于 {_BLANK_MOMENT if blank else confirmed.strftime('%Y年%m月%d日 %H:%M:%S')}"
                    " 在线确认",
                    s["right"],
                ),
            ]
        ),
        Spacer(1, 6 * mm),
        para(
            "说明：本承诺由承诺单位登录交易平台在线确认，以平台记录为准，本副本供留存。"
            f"响应截止（{deadline}）前，承诺单位可在平台上撤回本承诺，"
            "撤回后不参加本项目的承包单位摇号；截止后不可撤回。中选后无正当理由拒签合同的，"
            "将按规定记录不良行为。",
            s["small"],
        ),
    ]
    if blank:  # built once and kept (app.built): no moment of its own to print
        footer = f"{data.issuer} · 交易响应承诺（统一表式空白样式）"
    else:
        footer = (
            f"{data.issuer} · 交易响应承诺 {data.reference} · 生成于 "
            f"{local(data.generated_at).strftime('%Y-%m-%d %H:%M')}（北京时间）"
        )
    pdf, _pages = build_pdf(
        story,
        fonts,
        title="交易响应承诺（空白样式）" if blank else f"交易响应承诺 {data.reference}",
        author=data.issuer,
        footer=footer,
    )
    return pdf
