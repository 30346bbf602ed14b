"""The award meeting (定标会议): after the publicity, too few respondents fail the trading (流标);
otherwise the ranking and the rate pick are drawn with the attendees' entropy and the result
published, with the contract price computed once."""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal

from flask import current_app

from app import audit, clock
from app.audit import Action
from app.transactions import transactional
from contracts import queries, rules
from contracts.errors import TradingError
from contracts.models import Trading
from contracts.screening import queries as screen_queries
from contracts.screening import services as screening
from lottery import rules as draw_rules
from lottery import services as draws
from notices import services as notices
from notices.rules import legal_basis
from notices.timeliness.services import publish_due

from . import bodies, rollup, sms
from ._common import (
    SUBJECT_TYPE,
    checked,
    current_trading,
    get_project,
    issuer_of,
    now,
    require_project_scope,
    require_staff,
    state_of,
)


def _start(code: str, actor) -> Trading:
    require_staff(actor, "主持定标会议", "hold the award meeting")
    p = get_project(code, lock=True)
    require_project_scope(actor, p, "主持定标会议", "hold the award meeting")
    t = current_trading(p)
    checked(
        rules.require_meeting,
        state_of(p, t),
        clock.now(),
        code=t.code,
        responses_close_at=t.responses_close_at,
        meeting_at=t.meeting_at,
        tz=clock.TZ,
    )
    return t


@transactional
def show_meeting_entropy(code: str, public_entropy: Sequence[str], *, actor) -> list[str]:
    """The entries typed at the award meeting, shown on both draws' meeting screens while the
    attendees check them: one list for the ranking and the rate pick. `hold_meeting` then draws
    with exactly these (the lottery service refuses any other list). Returns them as recorded."""
    t = _start(code, actor)
    if len(queries.respondents(t)) >= int(current_app.config.get("TRADING_MIN_RESPONDENTS", 3)):
        screening.require_screened(t)  # no screen shows entries before the screen is complete
    entries = list(public_entropy)
    for draw_id in (t.award_draw_id, t.rate_draw_id):
        entries = draws.show_pending_entropy(draw_id, entries, actor=actor, owner=SUBJECT_TYPE)
    return entries


@transactional
def hold_meeting(
    code: str, public_entropy: Sequence[str], *, reviewed: str | None = None, actor
) -> Trading:
    """Freeze the respondents and settle the trading: failed below TRADING_MIN_RESPONDENTS
    (both draws abandoned with the reason, `trading_failed` published), else both draws drawn,
    the contract price computed and `trading_result` published (with the result letter). Each
    respondent's SMS is queued with it (contracts.services.sms). Both draws use exactly the
    entries `show_meeting_entropy` put on their screens, or nothing is drawn. `reviewed` is the
    fingerprint of the respondents the meeting's review page showed: a list changed since is
    refused (None: no review page, e.g. a command)."""
    t = _start(code, actor)
    p = t.project
    found = queries.respondents(t)
    minimum = int(current_app.config.get("TRADING_MIN_RESPONDENTS", 3))
    # The credit screen (信用审查) comes before the freeze: every respondent checked, the listed
    # and the sanctioned left out of the candidates. Too few respondents fail the trading anyway,
    # so they need no screen.
    screen = screening.require_screened(t) if len(found) >= minimum else []
    candidates = screen_queries.candidates(t, screen) if screen else found
    excluded = screen_queries.exclusions(t, screen) if screen else []
    if reviewed is not None and not draw_rules.as_reviewed(
        reviewed, draw_rules.sorted_candidates(candidates)
    ):
        raise TradingError(
            "响应企业名单在核对之后发生了变化，请重新核对",
            "The list of respondents changed after it was checked; check it again",
            field="candidates_digest",
        )
    moment = now()
    t.held_at = moment
    if len(candidates) < minimum:
        reason = (
            f"响应企业{len(found)}家，经信用审查排除{len(excluded)}家，"
            f"有效候选{len(candidates)}家，少于规定的{minimum}家，本次交易失败（流标）"
            if excluded
            else f"响应企业{len(found)}家，少于规定的{minimum}家，本次交易失败（流标）"
        )
        draws.abandon(t.award_draw_id, reason, actor=actor, owner=SUBJECT_TYPE)
        draws.abandon(t.rate_draw_id, reason, actor=actor, owner=SUBJECT_TYPE)
        notice = notices.publish_new(
            notices.NoticeInput(
                type="trading_failed",
                title=rules.notice_title(p.name, t.round, "流标公告"),
                **issuer_of(p),
                legal_basis=legal_basis("trading_failed"),
                body=bodies.trading_failed_body(p, t, reason),
                corrects_id=None,
                publish_due_at=publish_due("trading_failed", moment),
                subject_type=SUBJECT_TYPE,
                subject_id=t.code,
            ),
            actor=actor,
        )
        t.outcome, t.failed_reason, t.result_notice_id = rules.Outcome.FAILED, reason, notice.id
        # A failed round's responses count in the statistics' decided tradings.
        rollup.refresh_trading(t)
        sms.queue_failed(p, t, notice, minimum, actor=actor)
        audit.record(
            Action.TRADING_FAILED,
            SUBJECT_TYPE,
            t.code,
            actor=actor,
            office_id=p.office_id,
            after={"respondents": len(found), "minimum": minimum, "notice_id": notice.id},
        )
        return t
    award = draws.draw(
        t.award_draw_id,
        public_entropy,
        sorted(candidates),
        candidate_labels=candidates,
        actor=actor,
        owner=SUBJECT_TYPE,
    )
    rate = draws.draw(t.rate_draw_id, public_entropy, actor=actor, owner=SUBJECT_TYPE)
    winner = award.result[0]
    discount = Decimal(rate.result[0])
    price = rules.contract_price(p.control_price, p.non_competitive_part, discount)
    t.outcome, t.winner_uscc, t.discount_rate, t.contract_price = (
        rules.Outcome.DRAWN,
        winner,
        discount,
        price,
    )
    notice = notices.publish_new(
        notices.NoticeInput(
            type="trading_result",
            title=rules.notice_title(p.name, t.round, "交易结果公告"),
            **issuer_of(p),
            legal_basis=legal_basis("trading_result"),
            body=bodies.trading_result_body(p, t, award.result, candidates, screen=screen),
            publish_due_at=publish_due("trading_result", moment),
            subject_type=SUBJECT_TYPE,
            subject_id=t.code,
        ),
        actor=actor,
    )
    # The result notification letter (交易结果通知书) is issued with the result notice.
    t.result_notice_id, t.letter_issued_at = notice.id, notice.published_at
    rollup.refresh_trading(t, award)
    sms.queue_result(p, t, notice, award.result, actor=actor)
    audit.record(
        Action.TRADING_DRAWN,
        SUBJECT_TYPE,
        t.code,
        actor=actor,
        office_id=p.office_id,
        after={
            "winner": winner,
            "ranking": award.result,
            "discount_rate": discount,
            "contract_price": price,
            "notice_id": notice.id,
            "excluded": {r.uscc: r.state for r in excluded},
        },
    )
    return t
