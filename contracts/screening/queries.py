"""Reads of the credit screen: each respondent's checks and standing, and the candidates left."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import select

from app import clock
from app.extensions import db
from app.offices.scope import district_of
from contractors.models import Contractor
from contractors.queries import active_members
from contracts.models import Trading, TradingResponse
from contracts.screening import rules
from contracts.screening.models import CreditCheck
from lottery.models import Draw
from lottery.services import MinutesSection


@dataclass(frozen=True)
class ScreenRow:
    """One respondent at the screen: the recorded check (or None) and the derived standing."""

    contractor_id: int
    uscc: str
    name: str
    check: CreditCheck | None
    #: Active in the project's category on the screen's day (this platform's own check).
    active: bool
    state: rules.ScreenState

    @property
    def excluded(self) -> bool:
        return rules.excluded(self.state)


def screen_day(t: Trading) -> date:
    """The day the platform's own check looks at: the meeting's, once held; else today."""
    return clock.local(t.held_at).date() if t.held_at is not None else clock.today()


def screen_of(t: Trading) -> list[ScreenRow]:
    """Every respondent not withdrawn, in USCC order, with its check and standing."""
    rows = db.session.execute(
        select(Contractor.id, Contractor.uscc, Contractor.name)
        .join(TradingResponse, TradingResponse.contractor_id == Contractor.id)
        .where(TradingResponse.trading_id == t.id, TradingResponse.withdrawn_at.is_(None))
        .order_by(Contractor.uscc)
    ).all()
    checks = {
        c.contractor_id: c
        for c in db.session.scalars(select(CreditCheck).where(CreditCheck.trading_id == t.id))
    }
    # THE rule, in the project's district's pool (a member of another district's is not active).
    members = active_members(
        t.project.category_code, screen_day(t), district_id=district_of(t.project.office_id).id
    )
    active = {m.contractor_id for m in members}
    found = []
    for cid, uscc, name in rows:
        check = checks.get(cid)
        is_active = cid in active
        state = rules.screen_state(check.result if check else None, active=is_active)
        found.append(ScreenRow(cid, uscc, name, check, is_active, state))
    return found


def candidates(t: Trading, rows: list[ScreenRow] | None = None) -> dict[str, str]:
    """The respondents the award draw may freeze: USCC → name, the excluded left out."""
    return {r.uscc: r.name for r in (screen_of(t) if rows is None else rows) if not r.excluded}


def exclusions(t: Trading, rows: list[ScreenRow] | None = None) -> list[ScreenRow]:
    """The respondents the screen left out, with their reason (`state.label`)."""
    return [r for r in (screen_of(t) if rows is None else rows) if r.excluded]


def check_of(code: str, check_id: int) -> CreditCheck | None:
    """A check of a trading of project `code` (None when it belongs to another)."""
    from contracts.models import Project

    return db.session.scalar(
        select(CreditCheck)
        .join(Trading, Trading.id == CreditCheck.trading_id)
        .join(Project, Project.id == Trading.project_id)
        .where(CreditCheck.id == check_id, Project.code == code)
    )


def screen_lines(screen) -> list[dict]:
    """The credit screen as printed in a notice or the minutes: one line per respondent."""
    lines = []
    for r in screen:
        c = r.check
        checked = (
            f"{c.checked_on.isoformat()}经{rules.Source(c.source).label[0]}核查："
            f"{rules.CheckResult(c.result).label[0]}"
            if c is not None
            else "未核查全国失信被执行人名单"
        )
        lines.append(
            {
                "uscc": r.uscc,
                "name": r.name,
                "checked": checked,
                "platform": "本平台处理：无" if r.active else "本平台处理：不在有效名录内",
                "standing": r.state.label[0],
                "excluded": r.excluded,
                "checked_known": c is not None,
            }
        )
    return lines


def minutes_sections(d: Draw) -> list[MinutesSection]:
    """The award draw's minutes print the credit screen: each respondent's checks, and who it
    left out of the candidates and why (the draw record itself lists only the candidates)."""
    if d.kind != "ranking":
        return []
    t = db.session.scalar(select(Trading).where(Trading.code == d.subject_code))
    if t is None:
        return []
    lines = screen_lines(screen_of(t))
    if not any(line["checked_known"] or line["excluded"] for line in lines):
        return []
    excluded = [line for line in lines if line["excluded"]]
    return [
        MinutesSection(
            title="信用审查",
            intro=(
                "冻结候选名单前，逐家核查响应企业是否列入全国失信被执行人名单"
                "（信用中国、中国执行信息公开网），以及是否因本平台的处理不在有效名录内。"
                "被排除的企业不在上列候选名单中，不参加摇号。"
            ),
            header=("统一社会信用代码", "名称", "核查情况", "结论"),
            rows=tuple(
                (
                    line["uscc"],
                    line["name"],
                    f"{line['checked']}；{line['platform']}",
                    line["standing"],
                )
                for line in lines
            ),
            note=(
                "排除：" + "；".join(f"{line['name']}（{line['standing']}）" for line in excluded)
                if excluded
                else "经核查，无响应企业被排除。"
            ),
        )
    ]
