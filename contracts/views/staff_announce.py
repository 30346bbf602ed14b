"""Staff publish a trading notice: the form, its review page, then one service call."""

from __future__ import annotations

from flask import abort, current_app, flash, redirect, request
from flask_babel import gettext as _
from flask_login import current_user

from app import clock
from app.auth.guards import roles_required
from app.auth.roles import OFFICE_ROLES
from app.errors import DomainError
from app.forms import error_onto
from app.i18n import localized
from contractors import queries as pool_queries
from contracts import queries, rules, services
from contracts.forms.trading import MEETING_FORMAT, AnnounceForm, ConfirmAnnounceForm
from contracts.models import Project, Trading
from contracts.views.staff import bp
from contracts.views.staff_common import (
    _project_or_404,
    _render,
    detail_url,
)
from notices.rules import NOTICE_TYPES

# ---- the trading notice: form → review → publish -------------------------------------------------


def _announce_refusal(p: Project, t: Trading | None) -> str | None:
    """Why the project's state refuses a trading notice now (contracts.rules.require_announce,
    the guard the service calls), or None."""
    try:
        rules.require_announce(queries.project_state(p, t, queries.contract_of(t) is not None))
    except rules.RuleError as e:
        return localized(e)
    return None


def _earliest(form) -> tuple[int, object | None]:
    """The publicity the form holds (its minimum while not a valid number) and the earliest
    meeting it allows if published now (services.earliest_meeting), for the meeting's hint."""
    days = form.publicity_days.data
    if not isinstance(days, int) or not 3 <= days <= 30:
        days = NOTICE_TYPES["trading_notice"].min_working_days
    try:
        return days, services.earliest_meeting(days)
    except DomainError:  # an unconfirmed calendar year: the check says so on submission
        return days, None


def _announce_page(p, t, form, status=200, refusal=None):
    days, earliest = _earliest(form)
    return _render(
        "contracts/staff/trading_announce.html",
        p,
        status,
        trading=t,
        form=form,
        refusal=refusal,
        earliest_days=days,
        earliest_meeting=earliest,
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
        close_at = services.earliest_meeting(days)
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
