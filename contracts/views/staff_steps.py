"""The staff's trading checklist on the project page (partial _trading_actions.html): the steps
and their status come from contracts.rules (STATES[state].steps); this adds words and links."""

from __future__ import annotations

from flask import current_app, url_for
from flask_babel import gettext as _

from contracts import queries, rules
from contracts.models import Project, Trading
from contracts.services.posting import postings_of
from contracts.views.staff import bp

Status = rules.StepStatus


def _step(key, label, state, *, when="", links=()):
    return {"key": key, "label": label, "state": state, "when": when, "links": list(links)}


def _notice(project: Project, t: Trading | None, status: Status) -> dict:
    if t is None:  # before the first trading notice: to publish now, or once filed
        if status is Status.NOW:
            announce = url_for("projects_staff.announce", code=project.code)
            return _step("notice", _("发布交易公告"), status, links=[(_("发布交易公告"), announce)])
        return _step("notice", _("发布交易公告"), status, when=_("项目备案后才能发布交易公告"))
    period_end = current_app.jinja_env.filters["period_end"]
    return _step(
        "notice",
        _("交易公告（第%(n)d次）", n=t.round),
        status,
        when=_("公示期至%(end)s", end=period_end(t.responses_close_at)),
        links=[(_("查看交易公告"), url_for("notices.detail", notice_id=t.notice_id))],
    )


def _posting(project: Project, status: Status, postings: list) -> dict:
    return _step(
        "posting",
        _("打印并张贴信息公开栏公告"),
        status,
        when=_("已记录%(n)d处张贴", n=len(postings)) if postings else _("未记录张贴情况"),
        links=[
            (
                _("信息公开栏公告（PDF）"),
                url_for("project_documents.bulletin_pdf", code=project.code),
            ),
            (_("记录张贴情况"), url_for("projects_staff.posting", code=project.code)),
        ],
    )


def _responses(t: Trading, status: Status) -> dict:
    period_end = current_app.jinja_env.filters["period_end"]
    return _step("responses", _("响应截止"), status, when=period_end(t.responses_close_at))


def _meeting(project: Project, t: Trading, status: Status, state: rules.ProjectState) -> dict:
    code = project.code
    localtime = current_app.jinja_env.filters["localtime"]
    meeting_link = [(_("定标会议"), url_for("projects_staff.meeting", code=code))]
    if status is Status.BLOCKED and t.is_failed:  # the meeting failed the trading (流标)
        again = [(_("重新发布交易公告"), url_for("projects_staff.announce", code=code))]
        return _step(
            "meeting",
            _("定标会议：交易失败（流标）"),
            status,
            when=t.failed_reason,
            links=[
                *meeting_link,
                (_("流标公告"), url_for("notices.detail", notice_id=t.result_notice_id)),
                *(again if rules.may(state, rules.TradingAction.ANNOUNCE) else []),
            ],
        )
    if t.is_drawn:  # drawn (a suspension blocks what follows): the result notice and the letter
        return _step(
            "meeting",
            _("定标会议：已摇号"),
            status,
            when=localtime(t.held_at),
            links=[
                *meeting_link,
                (_("交易结果公告"), url_for("notices.detail", notice_id=t.result_notice_id)),
                (_("交易结果通知书（PDF）"), url_for("project_documents.letter_pdf", code=code)),
            ],
        )
    return _step(
        "meeting",
        _("定标会议"),
        status,
        when=_("定于%(at)s，%(place)s", at=localtime(t.meeting_at), place=t.meeting_place),
        links=meeting_link,
    )


@bp.app_template_global("trading_steps")
def trading_steps(project: Project, trading: Trading | None) -> list[dict]:
    """The steps of the current trading with the links the state allows, for staff."""
    state = queries.project_state(project, trading, queries.contract_of(trading) is not None)
    postings = postings_of(trading) if trading is not None else []
    steps = []
    for key, status in rules.trading_steps(state, posted=bool(postings)):
        if key == "notice":
            steps.append(_notice(project, trading, status))
        elif key == "posting":
            steps.append(_posting(project, status, postings))
        elif key == "responses":
            steps.append(_responses(trading, status))
        else:
            steps.append(_meeting(project, trading, status, state))
    return steps


@bp.app_template_global("trading_step_state_label")
def trading_step_state_label(state: str) -> str:
    return {
        Status.DONE: _("已完成"),
        Status.NOW: _("可以进行"),
        Status.WAITING: _("等待中"),
        Status.BLOCKED: _("受阻"),
        Status.LATER: _("尚未开始"),
    }[state]
