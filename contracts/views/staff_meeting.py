"""Staff award meeting page (定标会议): the respondents, then entropy → review → both draws."""

from __future__ import annotations

from flask import current_app, flash, redirect, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from app.auth.guards import roles_required
from app.auth.roles import OFFICE_ROLES
from contracts import queries, services
from contracts.forms.trading import ConfirmMeetingForm, MeetingEntropyForm
from contracts.models import Trading
from contracts.views.staff import bp
from contracts.views.staff_common import (
    _early,
    _project_or_404,
    _render,
)
from lottery import meeting as meeting_flow
from lottery import rules as draw_rules
from lottery import services as draws


def _meeting_facts(t: Trading) -> dict:
    """What the meeting page shows once the responses closed: respondents are public now."""
    found = queries.respondents(t)
    candidates = draw_rules.sorted_candidates(found)
    minimum = int(current_app.config.get("TRADING_MIN_RESPONDENTS", 3))
    return {
        "respondents": found,
        "candidates": candidates,
        "digest": draw_rules.candidates_digest(candidates),
        "minimum": minimum,
        "will_fail": len(candidates) < minimum,
    }


def _outcome(t: Trading) -> dict:
    award = draws.get(t.award_draw_id)
    ranking = [
        {"place": n, "uscc": c, "name": award.label(c), "current": c == t.winner_uscc}
        for n, c in enumerate(award.result or [], start=1)
    ]
    return {"ranking": ranking, "winner_name": award.label(t.winner_uscc or "")}


def _meeting_page(p, t, status=200, form=None):
    ctx = {"trading": t, "form": form}
    if t is not None:
        ctx["award"] = draws.get(t.award_draw_id)
        ctx["rate"] = draws.get(t.rate_draw_id)
        ctx["early"] = _early(t)
        if not ctx["early"] or t.outcome is not None:
            ctx.update(_meeting_facts(t))
        if t.outcome == "drawn":
            ctx.update(_outcome(t))
        if form is None and t.outcome is None and not ctx["early"]:
            ctx["form"] = MeetingEntropyForm(formdata=None)
    return _render("contracts/staff/trading_meeting.html", p, status, **ctx)


@bp.route("/<code>/meeting", methods=["GET", "POST"])
@roles_required(*OFFICE_ROLES)
def meeting(code: str):
    """定标会议. GET: the page; POST: the entries typed at the meeting, shown back for review (and
    on both draws' meeting screens) before anything is drawn."""
    p = _project_or_404(code)
    t = queries.latest_trading(p)
    if request.method == "GET":
        return _meeting_page(p, t)

    def not_now():
        if t is not None and t.outcome is None and not _early(t):
            return None
        if t is None:
            flash(_("该项目尚未发布交易公告"), "error")
        elif t.outcome is not None:
            flash(_("%(code)s的定标会议已经举行，不能再次摇号", code=t.code), "error")
        else:
            flash(
                _(
                    "交易公告公示期至%(end)s结束，公示期结束前不能召开定标会议",
                    end=current_app.jinja_env.filters["period_end"](t.responses_close_at),
                ),
                "error",
            )
        return redirect(url_for(".meeting", code=code))

    facts = _meeting_facts(t) if t is not None else {}

    def review(entries):
        confirm = ConfirmMeetingForm(
            formdata=None, data={"entropy": entries, "candidates_digest": facts["digest"]}
        )
        return _render(
            "contracts/staff/trading_meeting_review.html",
            p,
            trading=t,
            entries=entries,
            form=confirm,
            award=draws.get(t.award_draw_id),
            rate=draws.get(t.rate_draw_id),
            **facts,
        )

    def show(entries):
        # Shown on both meeting screens while the attendees check them: one list, two draws.
        return services.show_meeting_entropy(code, entries, actor=current_user)

    return meeting_flow.entries_step(
        MeetingEntropyForm(),
        page=lambda form, status: _meeting_page(p, t, status, form=form),
        guard=not_now,
        # Too few respondents: nothing is drawn, so there are no entries to show or review.
        show=None if facts.get("will_fail") else show,
        review=review,
    )


@bp.route("/<code>/meeting/confirm", methods=["POST"])
@roles_required(*OFFICE_ROLES)
def meeting_confirm(code: str):
    """Step 2 → held: the meeting with exactly the reviewed entries and respondents."""
    _project_or_404(code)

    def done(held):
        if held.outcome == "failed":
            flash(_("响应企业不足，本次交易失败（流标），流标公告已发布"), "success")
        else:
            flash(_("摇号完成，交易结果公告和交易结果通知书已发布"), "success")
        return redirect(url_for(".meeting", code=code))

    return meeting_flow.confirm_step(
        ConfirmMeetingForm(),
        confirm=lambda entropy, reviewed: services.hold_meeting(
            code, entropy, reviewed=reviewed, actor=current_user
        ),
        done=done,
        back=url_for(".meeting", code=code),
    )
