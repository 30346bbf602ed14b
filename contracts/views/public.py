"""Public trading pages: the list of projects and each project's whole timeline, with its
attachments. Only filed (备案) projects are public; a submitted or sent-back one does not exist here."""

from __future__ import annotations

from flask import Blueprint, abort, current_app, redirect, render_template, request, url_for
from flask_babel import gettext
from markupsafe import Markup, escape

from app import clock, i18n, money
from app.i18n import loc
from app.keyset import cursor_arg
from app.offices import queries as offices
from app.offices.views import register_office_section
from app.storage import send_stored
from contracts import article, queries, rules
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
    env.globals["project_facts"] = project_facts
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


#: The words of a project's facts (`project_facts`), the last two formats.
_FACT_WORDS = (
    "当前阶段",
    "交易平台",
    "业主",
    "地点",
    "类别",
    "资金来源",
    "估算价",
    "控制价",
    "其中不可竞争费用",
    "工期",
    "联系人",
    "备案时间",
    "%(amount)s元",
    "%(n)d日历天",
)
#: `localtime` of the filing, as the `<time>` element gives it.
_MOMENT = "%Y-%m-%dT%H:%M:%S+08:00"


def _fact_words() -> dict[str, Markup]:
    """`_FACT_WORDS` in the request's language, kept per app and language: Flask-Babel's
    `gettext` looks the domain, locale and catalogue up again on every call (issue 14). A
    catalogue never changes while the process runs (app.i18n keeps them the same way)."""
    kept = current_app.extensions.setdefault("smallworks.project_fact_words", {})
    locale = i18n.request_locale()
    words = kept.get(locale)
    if words is None:
        # The catalogue's texts, not escaped again, as the templates' `_` gives them.
        words = kept.setdefault(locale, {m: Markup(gettext(m)) for m in _FACT_WORDS})  # noqa: S704
    return words


def project_facts(project, state, paren) -> Markup:
    """The facts of a project's public page (`<dl class="facts">` of
    templates/contracts/public/_project_article.html): its state, platform, owner, place,
    category and kind, funding, prices, duration, contact and filing time; `paren` the
    template's.

    Written here rather than in the template (issue 14): its sixteen translations, filters and
    calls were a third of the page's own rendering. The markup is the template's, byte for
    byte (tests/web/test_project_facts.py renders both and compares them)."""
    from app.offices.queries import office_of
    from contractors.views.public import category_label

    w = _fact_words()

    def amount(value) -> Markup:
        return w["%(amount)s元"] % {"amount": "" if value is None else money.yuan(value)}

    platform = office_of(project)
    at = project.filed_at
    filed = (
        f'<time datetime="{clock.local(at).strftime(_MOMENT)}">'
        f"{clock.local(at).strftime('%Y-%m-%d %H:%M')}</time>"
        if at
        else '<time datetime=""></time>'
    )
    return Markup(  # noqa: S704 (every value below escaped or the catalogue's)
        f'\n      <div><dt>{w["当前阶段"]}</dt><dd><span class="badge {escape(state_badge(state))}">'
        f"{escape(state_label(state))}</span></dd></div>\n      \n      "
        + (
            f'<div><dt>{w["交易平台"]}</dt><dd><a href="'
            f'{escape(url_for("offices.detail", code=platform.code))}">'
            f"{escape(i18n.named(platform))}</a></dd></div>"
            if platform
            else ""
        )
        + f"\n      <div><dt>{w['业主']}</dt><dd>{escape(project.owner_name)}</dd></div>"
        f"\n      <div><dt>{w['地点']}</dt><dd>{escape(project.town)}{escape(project.village)}"
        "</dd></div>"
        f"\n      <div><dt>{w['类别']}</dt><dd>{escape(category_label(project.category_code))}"
        f"{escape(paren(loc(*rules.kind_name(project.kind))))}</dd></div>"
        f"\n      <div><dt>{w['资金来源']}</dt><dd>"
        f"{escape(loc(*rules.funding_name(project.funding)))}</dd></div>"
        f"\n      <div><dt>{w['估算价']}</dt><dd>{amount(project.estimate)}</dd></div>"
        f"\n      <div><dt>{w['控制价']}</dt><dd>{amount(project.control_price)}</dd></div>"
        "\n      "
        + (
            f"<div><dt>{w['其中不可竞争费用']}</dt><dd>{amount(project.non_competitive_part)}"
            "</dd></div>"
            if project.non_competitive_part
            else ""
        )
        + f"\n      <div><dt>{w['工期']}</dt><dd>"
        f"{w['%(n)d日历天'] % {'n': project.duration_days}}</dd></div>"
        f"\n      <div><dt>{w['联系人']}</dt><dd>{escape(project.contact_person)} "
        f"{escape(project.contact_phone)}</dd></div>"
        f"\n      <div><dt>{w['备案时间']}</dt><dd>{filed}</dd></div>"
    )


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
    found = article.article(code)
    if found is None:
        # A draw's record links to its subject, the trading code (PRJ-2026-0007-2 for a second
        # round): that is the project's page at the round.
        t = queries.trading_by_code(code)
        if t is None or not t.project.is_filed:
            abort(404)
        return redirect(url_for(".detail", code=t.project.code, _anchor=f"round-{t.round}"))
    head, markup = found
    return render_template("contracts/public/detail.html", project=head, article=markup)


@bp.route("/<code>/attachments/<int:attachment_id>")
def attachment(code: str, attachment_id: int):
    att = queries.attachment_of(public_project_or_404(code), attachment_id)
    if att is None:
        abort(404)
    return send_stored(att.storage_key, att.content_type, att.original_name)
