"""Where a trading's notices lead (notices.related): the project at the round, both draws, the
response page for a member company while it may respond, the result and the bulletin poster."""

from __future__ import annotations

from flask import url_for

from app.i18n import loc
from contractors.queries import contractor_of
from contracts import queries, rules
from contracts.views.documents import may_see_letter
from notices.related import RelatedLink

#: The notices that announce a round's outcome, or correct it once the meeting is held (a refusal
#: passing the award on): they lead to the result.
RESULT_TYPES = ("trading_result", "trading_failed", "correction")


def _respond_link(p, t, viewer) -> list[RelatedLink]:
    """The response page, for a signed-in member company of the project's pool while the round
    takes responses (a closed or suspended round has nothing to respond to)."""
    if not getattr(viewer, "is_authenticated", False) or viewer.role != "contractor":
        return []
    company = contractor_of(viewer)
    if company is None or t is not queries.latest_trading(p):
        return []
    if not rules.may(queries.state_of(p), rules.TradingAction.RESPOND):
        return []
    if not queries.is_member_for(p, company.id):
        return []
    return [
        RelatedLink(
            loc("确认交易响应（本企业）", "Respond to this trading (your company)"),
            url_for("projects_account.respond", code=p.code),
        )
    ]


def notice_links(notice, viewer) -> list[RelatedLink]:
    """The links of a notice whose subject is a trading (its code in `subject_id`).

    An anonymous reader (most of them) has no response page nor letter to see: the links are
    written from `queries.trading_facts`, a row of columns; a signed-in one's from the trading
    and its project as objects, which the response page's and the letter's rules read (issue
    14). The same links either way."""
    if not getattr(viewer, "is_authenticated", False):
        f = queries.trading_facts(notice.subject_id)
        if f is None or f.filing != rules.Filing.FILED:
            return []
        return _links(
            notice, f.project_code, f.round, f.held_at, (f.award_draw_id, f.rate_draw_id),
            f.round == f.latest_round, list, bool,
        )  # fmt: skip
    t = queries.trading_by_code(notice.subject_id)
    if t is None or not t.project.is_filed:
        return []
    p = t.project
    return _links(
        notice, p.code, t.round, t.held_at, (t.award_draw_id, t.rate_draw_id),
        t is queries.latest_trading(p),
        lambda: _respond_link(p, t, viewer), lambda: may_see_letter(p, t),
    )  # fmt: skip


def _links(notice, code, round_, held_at, draw_ids, latest, respond, letter) -> list[RelatedLink]:
    """The links of a trading notice: its project `code`, the trading's `round_`, when its
    meeting was `held_at`, its award and rate `draw_ids`, whether it is the project's `latest`
    round; `respond()` the response page's links for the reader, `letter()` whether the reader
    may see the result letter."""
    links = [
        RelatedLink(
            loc("项目页面（第%d次交易）", "Project page (round %d)") % round_,
            url_for("projects.detail", code=code, _anchor=f"round-{round_}"),
            code,
        )
    ]
    if notice.type == "complaint_decision":
        return links  # the decision is about the trading, not its draws
    if notice.type == "trading_notice":
        links += respond()
    if notice.type in RESULT_TYPES and held_at is not None:
        links.append(
            RelatedLink(
                loc("交易结果（项目页面）", "Trading result (project page)"),
                url_for("projects.detail", code=code, _anchor=f"round-{round_}-result"),
            )
        )
        if letter():
            links.append(
                RelatedLink(
                    loc("交易结果通知书（PDF）", "Result notification letter (PDF)"),
                    url_for("project_documents.letter_pdf", code=code),
                )
            )
    award_draw_id, rate_draw_id = draw_ids
    links += [
        RelatedLink(
            loc("承包单位排序抽签", "Draw of the contract unit's ranking"),
            url_for("draws.detail", draw_id=award_draw_id),
            award_draw_id,
        ),
        RelatedLink(
            loc("下浮率抽签", "Draw of the discount rate"),
            url_for("draws.detail", draw_id=rate_draw_id),
            rate_draw_id,
        ),
    ]
    if notice.type == "trading_notice" and latest:
        links.append(
            RelatedLink(
                loc("信息公开栏打印版（PDF）", "Bulletin-board poster (PDF)"),
                url_for("project_documents.bulletin_pdf", code=code),
            )
        )
    return links
