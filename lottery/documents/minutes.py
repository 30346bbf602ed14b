"""Draw minutes (摇号记录) as a PDF: every field of the record, the verifier's verdict, a QR code."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime

from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.platypus import KeepTogether, Spacer, Table, TableStyle

from app.pdf import WIDTH, Fonts, build_pdf, cjk_styles, para, qr_code
from lottery import rules, verify
from lottery.models import Draw

from .layout import (
    _LABEL_W,
    _ROOMY,
    _SMALL,
    _TIGHT,
    _grid,
    _heading,
    _hex,
    _Layout,
    _option_grid,
    fitted_widths,
)


def _minutes_story(
    d: Draw,
    record: Mapping,
    *,
    fonts: Fonts,
    page_url: str,
    record_url: str,
    office_name: str,
    local,
    sections: Sequence,
    lay: _Layout,
) -> list:
    """The flowables of the minutes in the spacing of `lay`."""
    s = cjk_styles(fonts, lay.base)
    s["heading"] = ParagraphStyle(
        "heading",
        parent=s["heading"],
        spaceBefore=lay.heading_before,
        spaceAfter=lay.heading_after,
    )

    def _table(rows, widths, font, header=True):
        return _grid(rows, widths, font, header, pad=lay.pad)

    verdict = verify.verify_record(dict(record))
    kind_zh = rules.KIND_LABELS[d.kind][0]
    status_zh = rules.STATUS_LABELS[d.status][0]
    subject_zh = rules.SUBJECT_TYPE_LABELS.get(d.subject_type, (d.subject_type,))[0]

    def when(moment: datetime | None) -> str:
        return local(moment).strftime("%Y-%m-%d %H:%M:%S（北京时间）") if moment else "—"

    story: list = [
        para(office_name, s["center_small"]),
        Spacer(1, 2 * mm),
        para("摇号记录", s["title"]),
        para(d.purpose, s["subtitle"]),
        Spacer(1, lay.title_gap),
        *_heading("一、基本信息", s, lay),
    ]
    subject_text = f"{subject_zh} {d.subject_code}" + (
        f"（{d.subject_label}）" if d.subject_label else ""
    )
    facts = [
        ("抽签编号", para(d.draw_id, s["mono"])),
        ("记录格式", para(record["format"], s["mono"])),
        ("抽签类型", para(f"{kind_zh}（{d.kind}）", s["cell"])),
        ("抽签事项", para(d.purpose, s["cell"])),
        ("所属事项", para(subject_text, s["cell"])),
        (
            "中选数量",
            para(
                f"{d.winners}（排名前{d.winners}位中选，其余依次为候补）"
                if d.kind == "ranking"
                else "1（抽取一个选项）",
                s["cell"],
            ),
        ),
        ("状态", para(f"{status_zh}（{d.status}）", s["cell"])),
        ("承诺时间", para(when(d.committed_at), s["cell"])),
        ("摇号时间", para(when(d.drawn_at) if d.is_drawn else "—", s["cell"])),
    ]
    if d.is_abandoned:
        facts += [
            ("作废时间", para(when(d.abandoned_at), s["cell"])),
            ("作废原因", para(d.abandon_reason, s["cell"])),
        ]
    story.append(
        _table(
            [[para(k, s["cell_head"]), v] for k, v in facts],
            [_LABEL_W, WIDTH - _LABEL_W],
            fonts.body,
            False,
        )
    )

    story += _heading("二、种子承诺与种子", s, lay)
    story.append(
        _table(
            [
                [
                    para("种子承诺（SHA-256）", s["cell_head"]),
                    _hex(d.seed_commitment, s["mono"], "—", s["cell"]),
                ],
                [
                    para("种子", s["cell_head"]),
                    _hex(record["seed"], s["mono"], "尚未公开（摇号时与结果同时公布）", s["cell"]),
                ],
            ],
            [_LABEL_W, WIDTH - _LABEL_W],
            fonts.body,
            False,
        )
    )
    story.append(
        para(
            "种子承诺在摇号前公布；摇号后公布的种子经 SHA-256 计算必须与承诺一致，"
            "证明种子在候选名单确定和现场公开随机数录入之前已经固定。",
            s["small"],
        )
    )

    story += _heading("三、现场公开随机数", s, lay)
    entropy = record["public_entropy"]
    if entropy is None:
        story.append(para("尚未录入（在摇号会议现场由到场人员报出，工作人员录入）。", s["body"]))
    elif not entropy:
        story.append(para("本次摇号未录入公开随机数（0项）。", s["body"]))
    else:
        rows = [
            [para("序号", s["cell_head"]), para("内容（按录入原样，不含引号）", s["cell_head"])]
        ]
        rows += [[para(i, s["cell"]), para(f"“{e}”", s["cell"])] for i, e in enumerate(entropy, 1)]
        story.append(_table(rows, [16 * mm, WIDTH - 16 * mm], fonts.body))

    candidates = record["candidates"]
    what = (
        "候选名单（按统一社会信用代码码位升序）"
        if d.kind == "ranking"
        else "候选选项（按公告公布的顺序）"
    )
    story += _heading(f"四、{what}", s, lay)
    if candidates is None:
        story.append(para("候选名单在摇号时确定并冻结。", s["body"]))
    else:
        head = "统一社会信用代码" if d.kind == "ranking" else "选项"
        if d.kind == "pick" and not any(rules.label_adds(c, d.label(c)) for c in candidates):
            # rate options: "3.00%" says all that "3.00" does, so each is listed once, and
            # _OPTIONS_A_ROW a row: eleven rates take three rows, not a page
            story.append(
                _option_grid([d.label(c) or c for c in candidates], s, fonts.body, lay.pad)
            )
        else:
            rows = [
                [
                    para("序号", s["cell_head"]),
                    para(head, s["cell_head"]),
                    para("名称", s["cell_head"]),
                ]
            ]
            rows += [
                [para(i, s["cell"]), para(c, s["mono"]), para(d.label(c) or "—", s["cell"])]
                for i, c in enumerate(candidates, 1)
            ]
            story.append(_table(rows, [16 * mm, 58 * mm, WIDTH - 74 * mm], fonts.body))

    for section in sections:
        story += _heading(f"附：{section.title}", s, lay)
        if section.intro:
            story.append(para(section.intro, s["body"]))
        if section.rows:
            n = len(section.header)
            rows = [[para(h, s["cell_head"]) for h in section.header]]
            rows += [[para(c, s["cell"]) for c in row] for row in section.rows]
            widths = fitted_widths([section.header, *section.rows], s["cell"], WIDTH)
            story.append(_table(rows, widths if len(widths) == n else [WIDTH / n] * n, fonts.body))
        if section.note:
            story.append(para(section.note, s["small"]))

    story += _heading("五、摇号结果", s, lay)
    result = record["result"]
    if result is None:
        story.append(
            para("本次抽签已作废，未摇号。" if d.is_abandoned else "尚未摇号。", s["body"])
        )
    elif d.kind == "pick":
        picked = result[0]
        label = d.label(picked)
        if rules.label_adds(picked, label):
            story.append(para(f"抽中选项：{picked}（{label}）", s["subtitle"]))
        else:
            story.append(para(f"抽中选项：{label or picked}", s["subtitle"]))
    else:
        rows = [
            [
                para("名次", s["cell_head"]),
                para("统一社会信用代码", s["cell_head"]),
                para("名称", s["cell_head"]),
                para("结果", s["cell_head"]),
            ]
        ]
        for place, c in enumerate(result, 1):
            outcome = "中选" if place <= d.winners else f"第{place - d.winners}候补"
            rows.append(
                [
                    para(place, s["cell"]),
                    para(c, s["mono"]),
                    para(d.label(c) or "—", s["cell"]),
                    para(outcome, s["cell_head" if place <= d.winners else "cell"]),
                ]
            )
        story.append(_table(rows, [14 * mm, 56 * mm, WIDTH - 96 * mm, 26 * mm], fonts.body))
        story.append(
            para(
                "中选单位放弃或无正当理由拒签的，由排名下一位的候补依次递补，不重新摇号；"
                "排名用尽时方重新抽签。",
                s["small"],
            )
        )

    story += _heading("六、验证", s, lay)
    verdict_rows = [[para(verdict.message, s["cell_head"])]]
    if d.status != "committed":  # before the draw there is nothing to check but the format
        verdict_rows += [
            [para(("通过  " if c.ok else "未通过  ") + f"{c.name}：{c.detail}", s["cell"])]
            for c in verdict.checks
        ]
    story.append(_table(verdict_rows, [WIDTH], fonts.body))
    how = [
        para(
            "本平台验证程序（lottery.verify，仅用 Python 标准库）对上述记录的结论如上。"
            "任何人均可下载记录自行验证：",
            s["body"],
        ),
        Spacer(1, 1.5 * mm),
        para(f"python -m lottery.verify {record_url}", s["mono"]),
        Spacer(1, 1.5 * mm),
        para(f"记录页面：{page_url}", s["small"]),
        para(f"记录数据（JSON）：{record_url}", s["small"]),
    ]
    left = WIDTH - 36 * mm
    sign = Table(
        [[para(f"{role}：", s["body"]) for role in ("主持人", "监督人", "记录人", "日期")]],
        colWidths=[(left if lay.sign_beside_qr else WIDTH) / 4] * 4,
        rowHeights=[lay.sign_height],
    )
    sign.setStyle(
        TableStyle(
            [
                ("FONTNAME", (0, 0), (-1, -1), fonts.body),
                ("VALIGN", (0, 0), (-1, -1), "BOTTOM"),
                ("LEFTPADDING", (0, 0), (0, -1), 0),
            ]
        )
    )
    if lay.sign_beside_qr:
        how += [Spacer(1, lay.sign_gap), sign]
    qr = Table(
        [
            [
                how,
                [
                    qr_code(page_url, lay.qr, font_name=fonts.body),
                    para("扫码查看记录页面", s["center_small"]),
                ],
            ]
        ],
        colWidths=[left, 36 * mm],
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
    # how to verify, the QR code and the signature lines stay on one page
    closing = [Spacer(1, 2 * mm), qr]
    if not lay.sign_beside_qr:
        closing += [Spacer(1, lay.sign_gap), sign]
    story.append(KeepTogether(closing))
    return story


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
    sections: Sequence = (),
) -> bytes:
    """The minutes of one draw, A4. `record` is the published record (the API's JSON), `local`
    turns a stored UTC time into local time (app.clock.local); `sections` are what the subject's
    owner adds after the candidates (lottery.services.MinutesSection: the credit screen)."""
    footer = (
        f"{office_name} · 摇号记录 {d.draw_id} · 生成于 "
        f"{local(generated_at).strftime('%Y-%m-%d %H:%M')}（北京时间）"
    )

    built = None
    for lay in (_ROOMY, _TIGHT, _SMALL):
        story = _minutes_story(
            d,
            record,
            fonts=fonts,
            page_url=page_url,
            record_url=record_url,
            office_name=office_name,
            local=local,
            sections=sections,
            lay=lay,
        )
        pdf, pages = build_pdf(
            story,
            fonts,
            title=f"摇号记录 {d.draw_id}",
            author=office_name,
            subject=d.purpose,
            footer=footer,
        )
        if built is None or pages < built[1]:
            built = (pdf, pages)
        if pages == 1:
            break
    return built[0]
