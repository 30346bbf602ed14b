"""Staff trading pages: the trading notice, the bulletin-board posting and the award meeting."""

from __future__ import annotations

from flask import abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from app import clock
from app.auth.guards import roles_required
from app.auth.roles import OFFICE_ROLES
from app.errors import DomainError, Forbidden, NotFound
from app.forms import error_onto
from app.i18n import localized
from contractors import queries as pool_queries
from contracts import queries, rules, services
from contracts.forms.trading import (
    MEETING_FORMAT,
    AnnounceForm,
    ConfirmAnnounceForm,
    ConfirmMeetingForm,
    MeetingEntropyForm,
    PostingForm,
)
from contracts.models import Project, Trading
from contracts.services.posting import postings_of, record_posting
from contracts.views.staff import bp
from lottery import rules as draw_rules
from lottery import services as draws
from notices import services as notices

# ---- helpers ----------------------------------------------------------------------------------


def _project_or_404(code: str) -> Project:
    p = queries.get_project(code)
    if p is None:
        abort(404)
    return p


def detail_url(code: str) -> str:
    return url_for("projects_staff.detail", code=code)


def _render(template: str, p: Project, status: int = 200, **ctx):
    return render_template(
        template,
        project=p,
        detail_url=detail_url(p.code),
        index_url=url_for("projects_staff.index"),
        **ctx,
    ), status


def _early(t: Trading) -> bool:
    return clock.now() < t.responses_close_at


# ---- the trading steps on the project page (partial _trading_actions.html) ------------------------


def _step(key, label, state, *, when="", links=()):
    return {"key": key, "label": label, "state": state, "when": when, "links": list(links)}


@bp.app_template_global("trading_steps")
def trading_steps(project: Project, trading: Trading | None) -> list[dict]:
    """The steps of the current trading with the links the state allows, for staff."""
    code = project.code
    period_end = current_app.jinja_env.filters["period_end"]
    localtime = current_app.jinja_env.filters["localtime"]
    announce = url_for("projects_staff.announce", code=code)
    if trading is None:
        if project.filing == "filed":
            return [
                _step("notice", _("发布交易公告"), "now", links=[(_("发布交易公告"), announce)])
            ]
        return [_step("notice", _("发布交易公告"), "later", when=_("项目备案后才能发布交易公告"))]
    t = trading
    early = _early(t)
    postings = postings_of(t)
    steps = [
        _step(
            "notice",
            _("交易公告（第%(n)d次）", n=t.round),
            "done",
            when=_("公示期至%(end)s", end=period_end(t.responses_close_at)),
            links=[(_("查看交易公告"), url_for("notices.detail", notice_id=t.notice_id))],
        ),
        _step(
            "posting",
            _("打印并张贴信息公开栏公告"),
            "done" if postings else ("now" if t.outcome is None else "blocked"),
            when=_("已记录%(n)d处张贴", n=len(postings)) if postings else _("未记录张贴情况"),
            links=[
                (_("信息公开栏公告（PDF）"), url_for("project_documents.bulletin_pdf", code=code)),
                (_("记录张贴情况"), url_for("projects_staff.posting", code=code)),
            ],
        ),
        _step(
            "responses",
            _("响应截止"),
            "waiting" if early else "done",
            when=period_end(t.responses_close_at),
        ),
    ]
    meeting_link = [(_("定标会议"), url_for("projects_staff.meeting", code=code))]
    if t.outcome is None:
        steps.append(
            _step(
                "meeting",
                _("定标会议"),
                "later" if early else "now",
                when=_("定于%(at)s，%(place)s", at=localtime(t.meeting_at), place=t.meeting_place),
                links=meeting_link,
            )
        )
    elif t.outcome == "failed":
        steps.append(
            _step(
                "meeting",
                _("定标会议：交易失败（流标）"),
                "blocked",
                when=t.failed_reason,
                links=[
                    *meeting_link,
                    (_("流标公告"), url_for("notices.detail", notice_id=t.result_notice_id)),
                    (_("重新发布交易公告"), announce),
                ],
            )
        )
    else:
        steps.append(
            _step(
                "meeting",
                _("定标会议：已摇号"),
                "done",
                when=localtime(t.held_at),
                links=[
                    *meeting_link,
                    (_("交易结果公告"), url_for("notices.detail", notice_id=t.result_notice_id)),
                    (
                        _("交易结果通知书（PDF）"),
                        url_for("project_documents.letter_pdf", code=code),
                    ),
                ],
            )
        )
    return steps


@bp.app_template_global("trading_step_state_label")
def trading_step_state_label(state: str) -> str:
    return {
        "done": _("已完成"),
        "now": _("可以进行"),
        "waiting": _("等待中"),
        "blocked": _("受阻"),
        "later": _("尚未开始"),
    }[state]


# ---- the trading notice: form → review → publish -------------------------------------------------


def _announce_refusal(p: Project, t: Trading | None) -> str | None:
    if p.filing != "filed":
        return _("项目尚未备案，不能发布交易公告")
    if t is not None and t.outcome != "failed":
        return _("该项目已有交易公告；只有流标后才能重新发布")
    return None


def _announce_page(p, t, form, status=200, refusal=None):
    return _render(
        "contracts/staff/trading_announce.html",
        p,
        status,
        trading=t,
        form=form,
        refusal=refusal,
        category_name=_category_name(p.category_code),
        next_round=1 if t is None else t.round + 1,
    )


def _category_name(code: str) -> str:
    return next(
        (c.name for c in pool_queries.categories(active_only=False) if c.code == code), code
    )


@bp.route("/<code>/announce", methods=["GET", "POST"])
@roles_required(*OFFICE_ROLES)
def announce(code: str):
    """Step 1 → 2: the notice's meeting, publicity and rate options, then its review page."""
    p = _project_or_404(code)
    t = queries.latest_trading(p)
    refusal = _announce_refusal(p, t)
    form = AnnounceForm() if request.method == "POST" else AnnounceForm(formdata=None)
    if refusal:
        return _announce_page(p, t, form, 200 if request.method == "GET" else 409, refusal)
    if request.method == "GET" or request.form.get("edit"):
        # GET, or back from the review step with the values as they were, to change them.
        return _announce_page(p, t, form)
    if not form.validate_on_submit():
        return _announce_page(p, t, form, 400)
    meeting_at, days = form.meeting_moment(), form.publicity_days.data
    try:
        close_at = notices.publicity_end(days, clock.local(clock.now()).date())
    except DomainError as e:
        form.publicity_days.errors.append(e.localized())
        return _announce_page(p, t, form, 400)
    if meeting_at < close_at:
        form.meeting_at.errors.append(
            _(
                "定标会议须在交易公告公示期结束后召开：现在发布，公示期至%(end)s",
                end=current_app.jinja_env.filters["period_end"](close_at),
            )
        )
        return _announce_page(p, t, form, 400)
    rates = form.rate_options
    confirm = ConfirmAnnounceForm(
        formdata=None,
        data={
            "meeting_at": clock.local(meeting_at).strftime(MEETING_FORMAT),
            "meeting_place": form.meeting_place.data.strip(),
            "publicity_days": str(days),
            "rates": rates,
            # What this page shows of the project (its price table): publishing refuses a
            # project changed since (sent back, revised and filed again).
            "reviewed": services.fingerprint(p),
        },
    )
    return _render(
        "contracts/staff/trading_announce_review.html",
        p,
        trading=t,
        form=confirm,
        rates=rates,
        table=rules.price_table(p.control_price, p.non_competitive_part, rates),
        meeting_at=meeting_at,
        meeting_place=form.meeting_place.data.strip(),
        publicity_days=days,
        close_at=close_at,
        category_name=_category_name(p.category_code),
        next_round=1 if t is None else t.round + 1,
    )


@bp.route("/<code>/announce/confirm", methods=["POST"])
@roles_required(*OFFICE_ROLES)
def announce_confirm(code: str):
    """Step 2 → published: exactly what was reviewed, in one service call."""
    p = _project_or_404(code)
    form = ConfirmAnnounceForm()
    if not form.validate_on_submit():
        abort(400)
    meeting_at, days, rates = form.meeting_moment(), form.days(), list(form.rates.data or [])
    if meeting_at is None or days is None:
        abort(400)
    try:
        t = services.announce(
            code,
            services.TradingInput(meeting_at, form.meeting_place.data, rates, days),
            reviewed=form.reviewed.data or "",
            actor=current_user,
        )
    except DomainError as e:
        back = AnnounceForm(
            formdata=None,
            data={
                "meeting_at": clock.local(meeting_at).replace(tzinfo=None),
                "meeting_place": form.meeting_place.data,
                "publicity_days": days,
                "rates": "\n".join(rates),
            },
        )
        error_onto(back, e, summary=True)
        t = queries.latest_trading(p)
        return _announce_page(p, t, back, 400, _announce_refusal(p, t))
    flash(
        _(
            "交易公告已发布（%(code)s），短信已排队发送给本类别有效入围企业；请打印信息公开栏公告并记录张贴情况",
            code=t.code,
        ),
        "success",
    )
    return redirect(detail_url(code))


# ---- the bulletin-board posting --------------------------------------------------------------------


def _posting_page(p, t, form, status=200):
    return _render(
        "contracts/staff/trading_posting.html",
        p,
        status,
        trading=t,
        form=form,
        postings=postings_of(t),
    )


@bp.route("/<code>/posting", methods=["GET", "POST"])
@roles_required(*OFFICE_ROLES)
def posting(code: str):
    """The boards where the printed notice was posted, and the form to record one more."""
    p = _project_or_404(code)
    t = queries.latest_trading(p)
    if request.method == "GET":
        moment = clock.local(clock.now()).replace(second=0, microsecond=0, tzinfo=None)
        form = PostingForm(formdata=None, data={"posted_at": moment})
        return _posting_page(p, t, form)
    form = PostingForm()
    if t is None:
        flash(_("该项目尚未发布交易公告"), "error")
        return _posting_page(p, t, form, 409)
    if not form.validate_on_submit():
        return _posting_page(p, t, form, 400)
    upload = form.photo.data
    has_file = upload is not None and getattr(upload, "filename", "")
    try:
        record_posting(
            code,
            form.posted_by.data,
            form.posted_moment(),
            form.place.data,
            upload.read() if has_file else None,
            upload.filename if has_file else None,
            actor=current_user,
        )
    except DomainError as e:
        error_onto(form, e, summary=True)
        return _posting_page(p, t, form, 400)
    flash(_("张贴情况已记录"), "success")
    return redirect(url_for(".posting", code=code))


# ---- the award meeting: respondents and entropy → review → draw -------------------------------------


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
    form = MeetingEntropyForm()
    if t is None or t.outcome is not None or _early(t):
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
    if request.form.get("edit"):
        form.entries.data = "\n".join(request.form.getlist("entropy"))
        return _meeting_page(p, t, form=form)
    if not form.validate_on_submit():
        return _meeting_page(p, t, 400, form=form)
    facts = _meeting_facts(t)
    entries: list[str] = []
    if not facts["will_fail"]:
        try:
            entries = draw_rules.parse_entropy_lines(form.entries.data or "")
        except draw_rules.RuleError as e:
            form.entries.errors = [*form.entries.errors, localized(e)]
            return _meeting_page(p, t, 400, form=form)
        try:
            # Shown on both meeting screens while the attendees check them: one list, two draws.
            entries = services.show_meeting_entropy(code, entries, actor=current_user)
        except DomainError as e:
            if isinstance(e, Forbidden | NotFound):
                error_onto(None, e)
            form.entries.errors = [*form.entries.errors, e.localized()]
            return _meeting_page(p, t, 400, form=form)
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


@bp.route("/<code>/meeting/confirm", methods=["POST"])
@roles_required(*OFFICE_ROLES)
def meeting_confirm(code: str):
    """Step 2 → held: the meeting with exactly the reviewed entries and respondents."""
    p = _project_or_404(code)
    t = queries.latest_trading(p)
    form = ConfirmMeetingForm()
    if not form.validate_on_submit():
        abort(400)
    # Only when the meeting may be held now: otherwise the service's own refusal says why.
    may_hold = t is not None and t.outcome is None and not _early(t)
    if may_hold and form.candidates_digest.data != _meeting_facts(t)["digest"]:
        flash(_("响应企业名单在核对之后发生了变化，请重新核对"), "error")
        return redirect(url_for(".meeting", code=code))
    try:
        held = services.hold_meeting(code, list(form.entropy.data or []), actor=current_user)
    except DomainError as e:
        error_onto(None, e)
        return redirect(url_for(".meeting", code=code))
    if held.outcome == "failed":
        flash(_("响应企业不足，本次交易失败（流标），流标公告已发布"), "success")
    else:
        flash(_("摇号完成，交易结果公告和交易结果通知书已发布"), "success")
    return redirect(url_for(".meeting", code=code))
