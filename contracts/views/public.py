"""Public trading pages: the list of projects and each project's whole timeline, with its
attachments. Only filed (备案) projects are public; a submitted or sent-back one does not exist here."""

from __future__ import annotations

from flask import Blueprint, abort, redirect, render_template, request, url_for

from app.i18n import loc
from app.keyset import cursor_arg
from app.offices import queries as offices
from app.offices.views import register_office_section
from app.storage import send_stored
from contracts import queries, rules
from contracts.complaints import queries as complaint_queries
from contracts.evaluations import queries as evaluation_queries
from contracts.queries import figures
from contracts.queries import public as public_queries

bp = Blueprint("projects", __name__, url_prefix="/projects")

PER_PAGE = 20


#: Badge colour of each state: running while something is open, ended once settled.
STATE_BADGES = {
    rules.ProjectState.ANNOUNCED: "badge-running",
    rules.ProjectState.AWAITING_MEETING: "badge-warn",
    rules.ProjectState.FAILED: "badge-bad",
    rules.ProjectState.DRAWN: "badge-running",
    rules.ProjectState.SUSPENDED: "badge-bad",
}


def state_label(state) -> str:
    """The state's words (rules.STATE_LABELS, the one list) in the request's language."""
    return loc(*rules.STATE_LABELS[rules.ProjectState(state)])


def state_badge(state) -> str:
    return STATE_BADGES.get(rules.ProjectState(state), "badge-ended")


@bp.record_once
def _template_globals(state) -> None:
    env = state.app.jinja_env
    env.globals["project_state_label"] = state_label
    env.globals["project_state_badge"] = state_badge
    env.globals["project_kinds"] = rules.KIND_LABELS
    env.globals["project_funding"] = rules.FUNDING
    # A project's kind and funding source in the request's language (rules.KIND_NAMES…).
    env.globals["project_kind_label"] = lambda kind: loc(*rules.kind_name(kind))
    env.globals["project_funding_label"] = lambda funding: loc(*rules.funding_name(funding))
    # "（第2次）" / " (2nd announcement)" after a re-announced project's name (rules.round_words).
    env.globals["round_words"] = lambda round_: loc(*rules.round_words(round_))
    # The home page's latest-projects block asks for them (the home view belongs to app/).
    env.globals["latest_projects"] = queries.latest_public_projects
    env.globals["latest_projects_by_office"] = public_queries.latest_by_office
    # An office's page (app.offices) shows its projects and its notice-to-letter figures.
    register_office_section(state.app, "projects", office_section)


def office_section(office, office_ids: list[int], platforms: list) -> tuple[str, dict]:
    """The projects of an office (a district: with its platforms'), with their states, and the
    notice-to-letter figures: the office's over all of them and, on a district's page, each
    platform's. A fixed number of queries whatever the number of offices or projects."""
    letters, per_office = figures.letter_figures(office_ids)
    return (
        "contracts/public/_office.html",
        {
            "pagination": public_queries.public_projects_page(
                cursor_arg(), PER_PAGE, None, office_ids
            ),
            "letters": letters,
            "platform_letters": [(o, per_office[o.id]) for o in [office, *platforms]]
            if platforms
            else [],
        },
    )


def public_project_or_404(code: str):
    p = queries.get_public_project(code)
    if p is None:
        abort(404)
    return p


@bp.route("/")
def index():
    state = queries.parse_state(request.args.get("state"))
    office = offices.office_filter(request.args.get("office"))
    return render_template(
        "contracts/public/index.html",
        pagination=public_queries.public_projects_page(cursor_arg(), PER_PAGE, state, office.ids),
        state=state,
        states=queries.PUBLIC_STATES,
        office_filter=office,
    )


@bp.route("/<code>")
def detail(code: str):
    p = queries.get_public_project(code)
    if p is None:
        # A draw's record links to its subject, the trading code (PRJ-2026-0007-2 for a second
        # round): that is the project's page at the round.
        t = queries.trading_by_code(code)
        if t is None or not t.project.is_filed:
            abort(404)
        return redirect(url_for(".detail", code=t.project.code, _anchor=f"round-{t.round}"))
    page = queries.project_page(p)
    current = page.current
    trading = current.trading if current else None
    return render_template(
        "contracts/public/detail.html",
        page=page,
        project=p,
        trading=trading,
        # Complaints (投诉): the published decisions of every round, and the form's link while
        # a complaint may still be filed.
        complaint_decisions=complaint_queries.decision_notices_of([t.id for t in p.tradings]),
        complaint_open=trading is not None and complaint_queries.filing_open(trading, None),
        # Performance evaluation (履约评价) of the latest contract, None before one exists.
        evaluation=evaluation_queries.evaluation_of(page.latest_contract, evidence=False),
    )


@bp.route("/<code>/attachments/<int:attachment_id>")
def attachment(code: str, attachment_id: int):
    att = queries.attachment_of(public_project_or_404(code), attachment_id)
    if att is None:
        abort(404)
    return send_stored(att.storage_key, att.content_type, att.original_name)
