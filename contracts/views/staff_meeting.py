"""Staff award meeting page (定标会议): the respondents, then entropy → review → both draws."""

from __future__ import annotations

from flask import abort, current_app, flash, redirect, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from wtforms.fields.choices import SelectChoice

from app import clock
from app.auth.guards import roles_required
from app.auth.roles import OFFICE_ROLES, OVERSIGHT_ROLES
from app.errors import DomainError
from app.forms import error_onto
from app.i18n import label
from app.storage import send_stored
from contracts import queries, rules, services
from contracts.forms.trading import ConfirmMeetingForm, MeetingEntropyForm
from contracts.models import Trading
from contracts.screening import queries as screen_queries
from contracts.screening import rules as screen_rules
from contracts.screening import services as screening
from contracts.screening.forms import CreditCheckForm
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
    """What the meeting page shows once the responses closed: respondents are public now, each
    with its credit screen; the candidates are those the screen leaves (all of them when too few
    responded for a draw, as hold_meeting does)."""
    found = queries.respondents(t)
    minimum = int(current_app.config.get("TRADING_MIN_RESPONDENTS", 3))
    screen = screen_queries.screen_of(t)
    screened = len(found) < minimum or all(
        r.state != screen_rules.ScreenState.UNSCREENED for r in screen
    )
    kept = found if len(found) < minimum else screen_queries.candidates(t, screen)
    candidates = draw_rules.sorted_candidates(kept)
    return {
        "respondents": found,
        "candidates": candidates,
        "digest": draw_rules.candidates_digest(candidates),
        "minimum": minimum,
        "will_fail": len(candidates) < minimum,
        "screen": screen,
        "screened": screened,
        "screen_needed": len(found) >= minimum,
    }


def _outcome(t: Trading) -> dict:
    award = draws.get(t.award_draw_id)
    ranking = [
        {"place": n, "uscc": c, "name": award.label(c), "current": c == t.winner_uscc}
        for n, c in enumerate(award.result or [], start=1)
    ]
    return {"ranking": ranking, "winner_name": award.label(t.winner_uscc or "")}


def _check_form(t: Trading, screen, formdata=None) -> CreditCheckForm:
    form = (
        CreditCheckForm(formdata=None, data={"checked_on": clock.today()})
        if formdata is None
        else CreditCheckForm()
    )
    form.uscc.choices = [SelectChoice(r.uscc, f"{r.name}（{r.uscc}）") for r in screen if r.active]
    return form


def _meeting_page(p, t, status=200, form=None, check_form=None):
    """The page offers the credit check and the meeting's entries only while the state allows
    them (not while the trading is suspended); a posted form comes back with its refusal."""
    ctx = {"trading": t, "form": form}
    if t is not None:
        may = rules.Allowed(queries.state_of(p))
        ctx["award"] = draws.get(t.award_draw_id)
        ctx["rate"] = draws.get(t.rate_draw_id)
        ctx["early"] = _early(t)
        if not ctx["early"] or t.outcome is not None:
            ctx.update(_meeting_facts(t))
        if t.outcome == "drawn":
            ctx.update(_outcome(t))
        if form is None and may.hold_meeting:
            ctx["form"] = MeetingEntropyForm(formdata=None)
        if check_form is not None or may.screen:
            ctx["check_form"] = check_form or _check_form(t, ctx["screen"])
    return _render("contracts/staff/trading_meeting.html", p, status, **ctx)


def meeting_url_of(subject_code: str) -> str | None:
    """The award meeting page of the round a draw belongs to (its subject: the round's code,
    PRJ-2026-0007 or PRJ-2026-0007-2; a legacy draw's: the project's), or None if unknown —
    registered as the draw console's link to where the draw is run (lottery.meeting_pages)."""
    t = queries.trading_by_code(subject_code)
    p = t.project if t is not None else queries.get_project(subject_code)
    return url_for("projects_staff.meeting", code=p.code) if p is not None else None


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


@bp.route("/<code>/meeting/screen", methods=["POST"])
@roles_required(*OFFICE_ROLES)
def meeting_screen(code: str):
    """信用审查: one respondent's check of the national list of dishonest judgment debtors, with
    its screenshot or PDF, recorded before the candidates are frozen."""
    p = _project_or_404(code)
    t = queries.latest_trading(p)
    if t is None or t.outcome is not None or _early(t):
        flash(_("现在不能记录信用核查"), "error")
        return redirect(url_for(".meeting", code=code))
    form = _check_form(t, screen_queries.screen_of(t), formdata=True)
    if not form.validate_on_submit():
        return _meeting_page(p, t, 400, check_form=form)
    upload = form.evidence.data
    has_file = upload is not None and getattr(upload, "filename", "")
    try:
        screening.record_check(
            code,
            screening.CheckInput(
                uscc=form.uscc.data,
                checked_on=form.checked_on.data,
                source=form.source.data,
                result=form.result.data,
                evidence=upload.stream if has_file else None,
                evidence_name=upload.filename if has_file else None,
                note=form.note.data or "",
            ),
            actor=current_user,
        )
    except DomainError as e:
        error_onto(form, e, summary=True)
        return _meeting_page(p, t, 400, check_form=form)
    flash(_("信用核查已记录"), "success")
    return redirect(url_for(".meeting", code=code) + "#screen")


@bp.route("/<code>/meeting/screen/<int:check_id>/evidence")
@roles_required(*OVERSIGHT_ROLES)
def meeting_screen_evidence(code: str, check_id: int):
    """A credit check's screenshot or PDF, as a download (staff and supervisors)."""
    _project_or_404(code)
    check = screen_queries.check_of(code, check_id)
    if check is None:
        abort(404)
    return send_stored(check.evidence_key, check.evidence_type, check.evidence_name)


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


@bp.app_template_global("screen_source_label")
def screen_source_label(value: str) -> str:
    return label(screen_rules.Source(value).label)


@bp.app_template_global("screen_result_label")
def screen_result_label(value: str) -> str:
    return label(screen_rules.CheckResult(value).label)


@bp.app_template_global("screen_state_label")
def screen_state_label(value: str) -> str:
    return label(screen_rules.ScreenState(value).label)
