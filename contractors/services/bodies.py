"""Notice bodies generated from the data (Markdown tables): call, review result, correction, roster."""

from __future__ import annotations

from app import clock
from contractors import queries, rules
from contractors.models import ApplicationEntry, PoolCall, PoolCallCategory
from notices.markup import md_text


def _cell(text: str) -> str:
    """A value people typed (a name, a title, a reason…), as literal text on one line: fit for a
    table cell or a sentence (notices.markup.md_text); "—" when empty."""
    return md_text(text) or "—"


def _when(moment) -> str:
    return clock.local(moment).strftime("%Y-%m-%d %H:%M") if moment else "另行通知"


def call_body(call: PoolCall) -> str:
    rows = "\n".join(f"| {_cell(c.category.name)} | {c.quota} |" for c in call.categories)
    return (
        f"现公开征集{_cell(call.title)}的预选承包商（征集编号 {call.code}）。\n\n"
        f"| 类别 | 入围数量 |\n|---|---|\n{rows}\n\n"
        f"**申请条件**：\n\n{call.requirements or '见征集文件。'}\n\n"
        f"**申请时间**：自本公告发布之日起至公示期（{call.publicity_days}个工作日）结束，"
        "请登录平台提交申请；公示期内可修改或撤回。\n\n"
        f"**名录库有效期**：{call.valid_from.isoformat()}至{call.valid_until.isoformat()}。\n\n"
        "**入围方式**：某类别合格申请人超过入围数量的，通过公开摇号确定入围企业，其余按摇号顺序为候补；"
        "未超过的，合格申请人全部入围。\n"
    )


def _review_rows(entries: list[ApplicationEntry], reasons: dict[str, str]) -> str:
    rows = []
    for e in entries:
        c = e.application.contractor
        reason = "—"
        if e.decision == rules.FAIL:
            label = reasons.get(e.reason_code, e.reason_code or "")
            reason = f"{label}：{e.reason_text}" if e.reason_text else label  # _cell escapes both
        rows.append(
            f"| {_cell(c.name)} | {c.uscc} | {_cell(e.call_category.category.name)} | "
            f"{rules.DECISION_LABELS.get(e.decision, '未审查')} | {_cell(reason)} |"
        )
    return (
        "| 申请企业 | 统一社会信用代码 | 类别 | 结果 | 不合格理由 |\n|---|---|---|---|---|\n"
        + "\n".join(rows)
    )


def review_body(call: PoolCall, commitments: dict[str, str]) -> str:
    """Every application and category with pass/fail and the reason of each fail, the meeting,
    and each category's draw id and seed commitment (LOTTERY.md: printed here, before the
    qualified list is final)."""
    entries = queries.entries_of(call.id)
    reasons = queries.reason_labels()
    draws = "\n".join(
        f"| {_cell(cc.category.name)} | {cc.quota} | {len(queries.qualified(cc))} | "
        f"{cc.draw_id} | `{commitments.get(cc.draw_id, '')}` |"
        for cc in call.categories
    )
    return (
        f"资格审查小组已完成{_cell(call.title)}（{call.code}）的资格审查，结果如下：\n\n"
        f"{_review_rows(entries, reasons)}\n\n"
        "**摇号种子承诺**（SHA-256；摇号后公布种子，任何人可自行验证）。合格申请人未超过入围数量的类别"
        "全部入围，不摇号，其抽签将注明原因作废并公布种子：\n\n"
        "| 类别 | 入围数量 | 合格人数 | 抽签编号 | 种子承诺 |\n|---|---|---|---|---|\n"
        f"{draws}\n\n"
        f"**摇号会议**：{_when(call.meeting_at)}，{_cell(call.meeting_place)}，申请人可到场监督。\n\n"
        "对审查结果有异议的，请在公示期内登录平台提出。\n"
    )


def correction_body(call: PoolCall, entry: ApplicationEntry, before: str, answer: str) -> str:
    reasons = queries.reason_labels()
    c = entry.application.contractor
    after = rules.DECISION_LABELS[entry.decision]
    if entry.decision == rules.FAIL:
        after += (
            f"（{_cell(reasons.get(entry.reason_code, entry.reason_code))}："
            f"{_cell(entry.reason_text)}）"
        )
    return (
        f"经复核，对{_cell(call.title)}资格审查结果公示更正如下：\n\n"
        f"{_cell(c.name)}（{c.uscc}）申请的“{_cell(entry.call_category.category.name)}”类别，"
        f"审查结果由“{before}”更正为“{after}”。\n\n"
        f"**异议答复**：{_cell(answer)}\n\n"
        f"更正后的审查结果：\n\n{_review_rows(queries.entries_of(call.id), reasons)}\n"
    )


def _category_section(cc: PoolCallCategory) -> str:
    sel = queries.selections(cc.id)
    chosen = [s for s in sel if s.status == "selected"]
    reserve = [s for s in sel if s.status == "reserve"]
    head = f"### {_cell(cc.category.name)}（入围数量 {cc.quota}）\n\n"
    if cc.outcome == "all_enter":
        head += (
            f"合格申请人{len(chosen)}家，未超过入围数量，全部入围，不摇号"
            f"（抽签 {cc.draw_id} 已注明原因作废并公布种子）。\n\n"
        )
    else:
        head += (
            f"合格申请人{len(sel)}家，超过入围数量，经公开摇号（抽签编号 {cc.draw_id}）确定。\n\n"
        )
    table = "| 序号 | 企业 | 统一社会信用代码 | 结果 |\n|---|---|---|---|\n" + "\n".join(
        f"| {s.position} | {_cell(s.contractor.name)} | {s.contractor.uscc} | "
        f"{'入围' if s.status == 'selected' else '候补'} |"
        for s in chosen + reserve
    )
    return head + (table if sel else "无合格申请人。") + "\n"


def roster_publicity_body(call: PoolCall) -> str:
    return (
        f"{_cell(call.title)}（{call.code}）经公开摇号，入围企业及候补顺序如下，现予公示：\n\n"
        + "\n".join(_category_section(cc) for cc in call.categories)
        + "\n摇号记录可在“摇号记录”栏目查看，并用公开的验证程序自行验证。"
        "对公示结果有异议的，请在公示期内向区公管办提出。\n"
    )


def roster_body(call: PoolCall) -> str:
    return (
        f"{_cell(call.title)}（{call.code}）入围企业名单正式公布，"
        f"名录库有效期{call.valid_from.isoformat()}至{call.valid_until.isoformat()}：\n\n"
        + "\n".join(_category_section(cc) for cc in call.categories)
    )
