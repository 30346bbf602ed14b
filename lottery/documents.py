"""Draw minutes (摇号记录) as a PDF: every field of the record, the verifier's verdict, a QR code."""

from __future__ import annotations

import io
from collections.abc import Mapping
from datetime import datetime
from xml.sax.saxutils import escape

from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.units import mm
from reportlab.platypus import (
    CondPageBreak,
    KeepTogether,
    Paragraph,
    SimpleDocTemplate,
    Spacer,
    Table,
    TableStyle,
)

from app.pdf import Fonts, cjk_styles, qr_code
from lottery import rules, verify
from lottery.models import Draw

_GRID = colors.HexColor("#8a96a3")
_HEAD_BG = colors.HexColor("#e8eef5")
_PAGE_W, _PAGE_H = A4
_MARGIN = 18 * mm
_WIDTH = _PAGE_W - 2 * _MARGIN
_LABEL_W = 38 * mm


def _p(text: object, style) -> Paragraph:
    return Paragraph(escape(str(text)), style)


def _hex(text: str | None, style, missing: str, missing_style) -> Paragraph:
    """A hash or seed in groups of eight, so that a reader can compare it with a screen."""
    if not text:
        return _p(missing, missing_style)
    return _p(" ".join(text[i : i + 8] for i in range(0, len(text), 8)), style)


def _heading(text: str, s) -> list:
    """A section heading that never stays alone at the foot of a page: with less than 35 mm
    left, the section starts on the next page; otherwise its table may split, header repeated."""
    return [CondPageBreak(35 * mm), _p(text, s["heading"])]


def _table(rows, widths, font: str, header: bool = True) -> Table:
    table = Table(rows, colWidths=widths, repeatRows=1 if header else 0, hAlign="LEFT")
    commands = [
        # Table cells default to Helvetica (never embedded) even when they only hold paragraphs.
        ("FONTNAME", (0, 0), (-1, -1), font),
        ("GRID", (0, 0), (-1, -1), 0.5, _GRID),
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("LEFTPADDING", (0, 0), (-1, -1), 5),
        ("RIGHTPADDING", (0, 0), (-1, -1), 5),
        ("TOPPADDING", (0, 0), (-1, -1), 3),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 4),
    ]
    if header:
        commands.append(("BACKGROUND", (0, 0), (-1, 0), _HEAD_BG))
    else:
        commands.append(("BACKGROUND", (0, 0), (0, -1), _HEAD_BG))
    table.setStyle(TableStyle(commands))
    return table


def minutes_pdf(
    d: Draw,
    record: Mapping,
    *,
    fonts: Fonts,
    page_url: str,
    record_url: str,
    office_name: str,
    generated_at: datetime,
    local,
) -> bytes:
    """The minutes of one draw, A4. `record` is the published record (the API's JSON), `local`
    turns a stored UTC time into local time (app.clock.local)."""
    s = cjk_styles(fonts)
    verdict = verify.verify_record(dict(record))
    kind_zh = rules.KIND_LABELS[d.kind][0]
    status_zh = rules.STATUS_LABELS[d.status][0]
    subject_zh = rules.SUBJECT_TYPE_LABELS.get(d.subject_type, (d.subject_type,))[0]

    def when(moment: datetime | None) -> str:
        return local(moment).strftime("%Y-%m-%d %H:%M:%S（北京时间）") if moment else "—"

    story: list = [
        _p(office_name, s["center_small"]),
        Spacer(1, 2 * mm),
        _p("摇号记录", s["title"]),
        _p(d.purpose, s["subtitle"]),
        Spacer(1, 4 * mm),
        *_heading("一、基本信息", s),
    ]
    subject_text = f"{subject_zh} {d.subject_code}" + (
        f"（{d.subject_label}）" if d.subject_label else ""
    )
    facts = [
        ("抽签编号", _p(d.draw_id, s["mono"])),
        ("记录格式", _p(record["format"], s["mono"])),
        ("抽签类型", _p(f"{kind_zh}（{d.kind}）", s["cell"])),
        ("抽签事项", _p(d.purpose, s["cell"])),
        ("所属事项", _p(subject_text, s["cell"])),
        (
            "中选数量",
            _p(
                f"{d.winners}（排名前{d.winners}位中选，其余依次为候补）"
                if d.kind == "ranking"
                else "1（抽取一个选项）",
                s["cell"],
            ),
        ),
        ("状态", _p(f"{status_zh}（{d.status}）", s["cell"])),
        ("承诺时间", _p(when(d.committed_at), s["cell"])),
        ("摇号时间", _p(when(d.drawn_at) if d.is_drawn else "—", s["cell"])),
    ]
    if d.is_abandoned:
        facts += [
            ("作废时间", _p(when(d.abandoned_at), s["cell"])),
            ("作废原因", _p(d.abandon_reason, s["cell"])),
        ]
    story.append(
        _table(
            [[_p(k, s["cell_head"]), v] for k, v in facts],
            [_LABEL_W, _WIDTH - _LABEL_W],
            fonts.body,
            False,
        )
    )

    story += _heading("二、种子承诺与种子", s)
    story.append(
        _table(
            [
                [
                    _p("种子承诺（SHA-256）", s["cell_head"]),
                    _hex(d.seed_commitment, s["mono"], "—", s["cell"]),
                ],
                [
                    _p("种子", s["cell_head"]),
                    _hex(record["seed"], s["mono"], "尚未公开（摇号时与结果同时公布）", s["cell"]),
                ],
            ],
            [_LABEL_W, _WIDTH - _LABEL_W],
            fonts.body,
            False,
        )
    )
    story.append(
        _p(
            "种子承诺在摇号前公布；摇号后公布的种子经 SHA-256 计算必须与承诺一致，"
            "证明种子在候选名单确定和现场公开随机数录入之前已经固定。",
            s["small"],
        )
    )

    story += _heading("三、现场公开随机数", s)
    entropy = record["public_entropy"]
    if entropy is None:
        story.append(_p("尚未录入（在摇号会议现场由到场人员报出，工作人员录入）。", s["body"]))
    elif not entropy:
        story.append(_p("本次摇号未录入公开随机数（0项）。", s["body"]))
    else:
        rows = [[_p("序号", s["cell_head"]), _p("内容（按录入原样，不含引号）", s["cell_head"])]]
        rows += [[_p(i, s["cell"]), _p(f"“{e}”", s["cell"])] for i, e in enumerate(entropy, 1)]
        story.append(_table(rows, [16 * mm, _WIDTH - 16 * mm], fonts.body))

    candidates = record["candidates"]
    what = (
        "候选名单（按统一社会信用代码码位升序）"
        if d.kind == "ranking"
        else "候选选项（按公告公布的顺序）"
    )
    story += _heading(f"四、{what}", s)
    if candidates is None:
        story.append(_p("候选名单在摇号时确定并冻结。", s["body"]))
    else:
        head = "统一社会信用代码" if d.kind == "ranking" else "选项"
        rows = [[_p("序号", s["cell_head"]), _p(head, s["cell_head"]), _p("名称", s["cell_head"])]]
        rows += [
            [_p(i, s["cell"]), _p(c, s["mono"]), _p(d.label(c) or "—", s["cell"])]
            for i, c in enumerate(candidates, 1)
        ]
        story.append(_table(rows, [16 * mm, 58 * mm, _WIDTH - 74 * mm], fonts.body))

    story += _heading("五、摇号结果", s)
    result = record["result"]
    if result is None:
        story.append(_p("本次抽签已作废，未摇号。" if d.is_abandoned else "尚未摇号。", s["body"]))
    elif d.kind == "pick":
        picked = result[0]
        label = d.label(picked)
        story.append(_p(f"抽中选项：{picked}" + (f"（{label}）" if label else ""), s["subtitle"]))
    else:
        rows = [
            [
                _p("名次", s["cell_head"]),
                _p("统一社会信用代码", s["cell_head"]),
                _p("名称", s["cell_head"]),
                _p("结果", s["cell_head"]),
            ]
        ]
        for place, c in enumerate(result, 1):
            outcome = "中选" if place <= d.winners else f"第{place - d.winners}候补"
            rows.append(
                [
                    _p(place, s["cell"]),
                    _p(c, s["mono"]),
                    _p(d.label(c) or "—", s["cell"]),
                    _p(outcome, s["cell_head" if place <= d.winners else "cell"]),
                ]
            )
        story.append(_table(rows, [14 * mm, 56 * mm, _WIDTH - 96 * mm, 26 * mm], fonts.body))
        story.append(
            _p(
                "中选单位放弃或无正当理由拒签的，由排名下一位的候补依次递补，不重新摇号；"
                "排名用尽时方重新抽签。",
                s["small"],
            )
        )

    story += _heading("六、验证", s)
    verdict_rows = [[_p(verdict.message, s["cell_head"])]]
    if d.status != "committed":  # before the draw there is nothing to check but the format
        verdict_rows += [
            [_p(("通过  " if c.ok else "未通过  ") + f"{c.name}：{c.detail}", s["cell"])]
            for c in verdict.checks
        ]
    story.append(_table(verdict_rows, [_WIDTH], fonts.body))
    how = [
        _p(
            "本平台验证程序（lottery.verify，仅用 Python 标准库）对上述记录的结论如上。"
            "任何人均可下载记录自行验证：",
            s["body"],
        ),
        Spacer(1, 1.5 * mm),
        _p(f"python -m lottery.verify {record_url}", s["mono"]),
        Spacer(1, 1.5 * mm),
        _p(f"记录页面：{page_url}", s["small"]),
        _p(f"记录数据（JSON）：{record_url}", s["small"]),
    ]
    qr = Table(
        [
            [
                how,
                [
                    qr_code(page_url, 30 * mm, font_name=fonts.body),
                    _p("扫码查看记录页面", s["center_small"]),
                ],
            ]
        ],
        colWidths=[_WIDTH - 36 * mm, 36 * mm],
    )
    qr.setStyle(
        TableStyle(
            [
                ("FONTNAME", (0, 0), (-1, -1), fonts.body),
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ("LEFTPADDING", (0, 0), (-1, -1), 0),
                ("RIGHTPADDING", (0, 0), (-1, -1), 0),
            ]
        )
    )
    story.append(Spacer(1, 2 * mm))
    story.append(qr)

    sign = Table(
        [[_p(f"{role}：", s["body"]) for role in ("主持人", "监督人", "记录人", "日期")]],
        colWidths=[_WIDTH / 4] * 4,
        rowHeights=[14 * mm],
    )
    sign.setStyle(
        TableStyle(
            [("FONTNAME", (0, 0), (-1, -1), fonts.body), ("VALIGN", (0, 0), (-1, -1), "BOTTOM")]
        )
    )
    story.append(KeepTogether([Spacer(1, 6 * mm), sign]))

    footer = (
        f"{office_name} · 摇号记录 {d.draw_id} · 生成于 "
        f"{local(generated_at).strftime('%Y-%m-%d %H:%M')}（北京时间）"
    )

    def on_page(canvas, doc) -> None:
        canvas.saveState()
        canvas.setFont(fonts.body, 7.5)
        canvas.setFillColor(colors.HexColor("#444444"))
        canvas.drawString(_MARGIN, 10 * mm, footer)
        canvas.drawRightString(_PAGE_W - _MARGIN, 10 * mm, f"第 {doc.page} 页")
        canvas.restoreState()

    buffer = io.BytesIO()
    doc = SimpleDocTemplate(
        buffer,
        pagesize=A4,
        leftMargin=_MARGIN,
        rightMargin=_MARGIN,
        topMargin=16 * mm,
        bottomMargin=18 * mm,
        title=f"摇号记录 {d.draw_id}",
        author=office_name,
        subject=d.purpose,
        creator="smallworks",
        # Not Helvetica: every font in the file is an embedded one (DESIGN.md, "PDFs").
        initialFontName=fonts.body,
    )
    doc.build(story, onFirstPage=on_page, onLaterPages=on_page)
    return buffer.getvalue()
