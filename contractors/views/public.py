"""Public pool pages (no login): today's roster, each call's page, a contractor's public record."""

from __future__ import annotations

from datetime import timedelta

from flask import (
    Blueprint,
    abort,
    has_request_context,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import gettext as _
from flask_babel import pgettext
from flask_login import current_user

from app import clock
from app.i18n import loc
from app.wiring import registry
from contractors import queries, rules
from contractors.errors import PoolNotFound
from contractors.forms.account import ObjectionForm, RosterObjectionForm
from contractors.sanctions import queries as sanction_queries
from contractors.sanctions import rules as sanction_rules
from contractors.views.roster_rows import roster_rows

bp = Blueprint("pool", __name__)


def state_label(state: rules.CallState) -> str:
    return loc(*rules.STATE_LABELS[state])


def decision_label(decision: str | None) -> str:
    if decision is None:
        return _("待审查")
    # The context keeps these apart from the other 合格 / 不合格 of the interface ("Pass", "Fail").
    return {
        rules.PASS: pgettext("review decision", "合格"),
        rules.FAIL: pgettext("review decision", "不合格"),
    }[decision]


def category_label(key: str | None) -> str:
    """A pool category, given by its code (SZ) or its Chinese name (市政公用工程), in the request's
    language (its English name on the English site); anything else reads as itself. The categories
    are read once per request (outside one, every time)."""
    if not key:
        return ""
    # On the request, not on `g`: the tests keep one app context across their requests.
    by_key = (
        getattr(request, "_smallworks_pool_categories", None) if has_request_context() else None
    )
    if by_key is None:
        by_key = {}
        for c in queries.category_words():
            by_key[c.code] = by_key[c.name] = (c.name, c.name_en or c.name)
        if has_request_context():
            request._smallworks_pool_categories = by_key
    found = by_key.get(key)
    return loc(*found) if found is not None else key


@bp.record_once
def _template_globals(state) -> None:
    env = state.app.jinja_env
    env.globals["category_label"] = category_label
    env.globals["pool_state_label"] = state_label
    env.globals["pool_decision_label"] = decision_label
    env.globals["roster_rows"] = roster_rows
    # A company's standing on one of its selections: THE words (rules.standing_label), on its
    # public record, its account page and its projects page alike.
    env.globals["pool_standing_label"] = lambda m: loc(*m.label)
    # `until` is exclusive (the API's convention): pages print the last valid day.
    env.filters["last_valid_day"] = lambda until: (until - timedelta(days=1)).isoformat()


def published_call_or_404(call_id: int):
    """A call the public may see: its call notice is published (a draft is 404)."""
    try:
        call = queries.get_call(call_id)
    except PoolNotFound:
        abort(404)
    if call.call_notice_id is None:
        abort(404)
    return call


# ---- the roster ---------------------------------------------------------------------------------


def district_arg():
    """`?office=<code>`: the district whose pool is shown (a street/town platform's code names
    its district's pool, the one its projects draw from); None for every district; 404 for an
    unknown code."""
    code = (request.args.get("office") or "").strip() or None
    if code is None:
        return None
    district = queries.pool_district(code)
    if district is None:
        abort(404)
    return district


#: Up to this many districts the roster lists every district's members on one page; a province
#: of more (a hundred districts, fifty thousand members) asks which district's roster to show.
ROSTER_ALL_DISTRICTS = 10


@bp.route("/pool/")
def roster():
    categories = queries.categories()
    codes = {c.code for c in categories}
    chosen = request.args.get("category") or None
    if chosen and chosen not in codes:
        abort(404)
    district = district_arg()
    districts = queries.districts_by_id()
    choose = district is None and len(districts) > ROSTER_ALL_DISTRICTS
    members = [] if choose else queries.public_members(None, district.id if district else None)
    counts = {c.code: 0 for c in categories}
    for m in members:
        counts[m.category] = counts.get(m.category, 0) + 1
    shown = [m for m in members if chosen is None or m.category == chosen]
    return render_template(
        "contractors/public/roster.html",
        categories=categories,
        chosen=chosen,
        counts=counts,
        members=shown,
        any_members=bool(members) or choose,
        choose=choose,
        today=clock.today(),
        district=district,
        districts=districts,
        # Members kept out by a sanction today: named under the roster with their record.
        restricted=[
            s
            for s in sanction_queries.restricting_published(clock.today())
            if district is None or s.office_id == district.id
        ],
    )


# ---- calls --------------------------------------------------------------------------------------


@bp.route("/pool/calls/")
def calls():
    district = district_arg()
    published = [
        c
        for c in queries.calls()
        if c.call_notice_id is not None and (district is None or c.office_id == district.id)
    ]
    return render_template(
        "contractors/public/calls.html",
        calls=[(c, queries.state_of(c)) for c in published],
        states=rules.CallState,
        district=district,
        districts=queries.districts_by_id(),
    )


def _outcomes(call) -> list[dict]:
    """Per category: quota, the qualified count once the review is published, the outcome."""
    rows = []
    for cc in call.categories:
        rows.append(
            {
                "cc": cc,
                "qualified": len(queries.qualified(cc)) if call.review_notice_id else None,
                "selections": queries.selections(cc.id) if cc.outcome else [],
            }
        )
    return rows


@bp.route("/pool/calls/<int:call_id>")
def call(call_id: int):
    c = published_call_or_404(call_id)
    state = queries.state_of(c)
    review = c.review_notice_id is not None
    entries = queries.entries_of(c.id) if review else []
    in_objection_window = state is rules.CallState.REVIEW_PUBLICITY
    can_object = (
        in_objection_window
        and current_user.is_authenticated
        and queries.contractor_of(current_user) is not None
    )
    roster_notice = c.roster_publicity_notice
    in_roster_window = (
        roster_notice is not None
        and roster_notice.published_at is not None
        and clock.now() < roster_notice.publicity_ends_at
    )
    can_object_roster = (
        in_roster_window
        and current_user.is_authenticated
        and queries.contractor_of(current_user) is not None
    )
    notices = [
        (label, n)
        for label, n in (
            ("征集公告", c.call_notice),
            ("资格审查结果公示", c.review_notice),
            ("入围企业名录公示", c.roster_publicity_notice),
            ("入围企业名单", c.roster_notice),
        )
        if n is not None
    ]
    return render_template(
        "contractors/public/call.html",
        call=c,
        state=state,
        states=rules.CallState,
        notices=notices,
        outcomes=_outcomes(c),
        entries=entries,
        reasons=queries.reason_labels(shown=True) if review else {},
        in_objection_window=in_objection_window,
        can_object=can_object,
        objection_form=ObjectionForm() if can_object else None,
        in_roster_window=in_roster_window,
        roster_objection_form=RosterObjectionForm() if can_object_roster else None,
        roster_answers=[o for o in queries.roster_objections_of(c.id) if o.answered_at],
        own=queries.contractor_of(current_user) if current_user.is_authenticated else None,
    )


@bp.route("/pool/draws/<draw_id>")
def draw_subject(draw_id: str):
    """The page a pool draw's record links to as its subject: the call, at that category."""
    cc = queries.call_category_by_draw(draw_id)
    if cc is None or cc.call.call_notice_id is None:
        abort(404)
    return redirect(url_for(".call", call_id=cc.call_id, _anchor=f"cat-{cc.category.code}"))


# ---- a contractor's public record ----------------------------------------------------------------


def public_history(contractor) -> tuple[list, list[dict]]:
    """The contractor's memberships (selections of published calls, `queries.standings_of`) and
    its applications' published results. Only what the pool's notices already made public: no
    mobile, no documents, no decision before its review result was published."""
    results = [{"call": c, "entry": e} for c, e in queries.published_entries_of(contractor.id)]
    return queries.standings_of(contractor.id), results


#: Registry (app.wiring): name → source(contractor) → (template, context), a part of the public
#: record of a company kept by a domain above this one (trading's performance evaluations).
RECORD_SECTIONS = "contractors.record_sections"


def register_record_section(app, name: str, source) -> None:
    """A domain above the pool adds a part to the company's public record (its init_app)."""
    registry(RECORD_SECTIONS, app)[name] = source


@bp.route("/contractors/<uscc>")
def contractor(uscc: str):
    # An unknown code and a company the public may not see yet get the same 404.
    c = queries.public_contractor(uscc.strip().upper()[:18])
    if c is None:
        abort(404)
    memberships, results = public_history(c)
    return render_template(
        "contractors/public/contractor.html",
        contractor=c,
        memberships=memberships,
        results=results,
        reasons=queries.reason_labels(shown=True),
        Standing=rules.Standing,
        sanctions=sanction_queries.published(uscc=c.uscc),
        districts=queries.districts_by_id(),
        # Decided cases: a sanction once published, a case closed without one at once.
        cases=[
            k
            for k in sanction_queries.cases_of(c.id)
            if k.decided_at is not None and (k.sanction is None or k.sanction.notice_id)
        ],
        outcome_label=lambda o: loc(*sanction_rules.OUTCOME_LABELS[sanction_rules.Outcome(o)]),
        source_label=lambda s: loc(*sanction_rules.SOURCE_LABELS[sanction_rules.CaseSource(s)]),
        record_sections=[source(c) for source in registry(RECORD_SECTIONS).values()],
    )
