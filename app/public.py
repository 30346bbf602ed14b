"""Public shell: the home page (its lists: app.home), search, language switch, dashboard."""

from __future__ import annotations

from flask import Blueprint, redirect, render_template, request
from flask_login import current_user, login_required

from app import LOCALE_COOKIE, display
from app.auth.roles import OFFICE_ROLES
from app.home import home_lists
from app.keyset import cursor_arg
from app.urls import safe_next

bp = Blueprint("public", __name__)


@bp.route("/")
def home():
    return render_template("public/home.html", lists=home_lists())


@bp.route("/search")
def search():
    """全站检索: every public object (notices, projects, companies, draws) whose title or text
    contains every word typed, narrowed by kind, notice type, category, 五公开 stage and dates,
    newest first or by relevance. Whatever is typed gets an ordinary page (app.search.rules)."""
    from app.search import queries
    from app.search import rules as search_rules

    query = search_rules.parse_query(request.args.get("q"))
    filters, problems = _search_filters(request.args)
    sort = search_rules.Sort.RELEVANCE if request.args.get("sort") == "relevance" else None
    sort = sort or search_rules.Sort.DATE
    results = None if query.empty else queries.search(query, filters, sort, cursor_arg())
    return render_template(
        "public/search.html",
        q=query.text,
        query=query,
        raw_given=bool(request.args.get("q", "").strip()),
        filters=filters,
        problems=problems,
        sort=sort,
        results=results,
        url_of=queries.url_of,
        highlight=search_rules.highlight,
        snippet=search_rules.snippet,
        **_search_choices(),
    )


def _search_filters(args):
    """The filters of `?kind=&type=&category=&stage=&since=&until=`: an unknown value means all
    (a filter, not an error page); a date that cannot be read is named on the page."""
    from datetime import date

    from flask_babel import gettext

    from app.search import queries
    from app.search import rules as search_rules
    from notices import categories
    from notices.rules import NOTICE_TYPES

    problems = []
    dates = {}
    for name in ("since", "until"):
        raw = (args.get(name) or "").strip()[:20]
        try:
            dates[name] = date.fromisoformat(raw) if raw else None
        except ValueError:
            dates[name] = None
            problems.append(
                gettext("日期“%(value)s”无法识别，请按 年-月-日 填写（如 2026-01-31）", value=raw)
            )
    if dates["since"] and dates["until"] and dates["since"] > dates["until"]:
        dates["since"], dates["until"] = dates["until"], dates["since"]
    kind = args.get("kind")
    stage = args.get("stage")
    notice_type = args.get("type")
    category = args.get("category")
    return queries.Filters(
        kind=kind if kind in {k.value for k in search_rules.Kind} else None,
        type=notice_type if notice_type in NOTICE_TYPES else None,
        category=category if categories.find(category) else None,
        stage=stage if stage in {s.value for s in search_rules.Stage} else None,
        since=dates["since"],
        until=dates["until"],
    ), problems


def _search_choices() -> dict:
    from app.search import rules as search_rules
    from notices import categories
    from notices.rules import NOTICE_TYPES

    return {
        "kinds": search_rules.KIND_LABELS,
        "stages": search_rules.STAGE_LABELS,
        "types": NOTICE_TYPES,
        "categories": categories.categories(),
    }


@bp.route("/lang/<code>", methods=["GET"])
def set_language(code: str):
    # A plain link (no JavaScript): remembers the choice in a cookie and goes back.
    response = redirect(safe_next(request.args.get("next")) or "/")
    response.set_cookie(
        LOCALE_COOKIE,
        "en" if code == "en" else "zh_CN",
        max_age=365 * 86400,
        samesite="Lax",
        httponly=True,
    )
    return response


@bp.route("/display/<mode>", methods=["GET"])
def set_display(mode: str):
    """大字号/高对比 on or off (app.display): a plain link like the language's, that remembers
    the choice for a year and goes back to the page it was chosen on (a local path only)."""
    response = redirect(safe_next(request.args.get("next")) or "/")
    if mode == display.LARGE:
        response.set_cookie(
            display.DISPLAY_COOKIE,
            display.LARGE,
            max_age=365 * 86400,
            samesite="Lax",
            httponly=True,
        )
    else:
        response.delete_cookie(display.DISPLAY_COOKIE, samesite="Lax", httponly=True)
    return response


@bp.route("/dashboard")
@login_required
def dashboard():
    """Each role's start page after login: what it can do here; for the office, its to-do
    counts (each linking to its list), a warning from 1 November while next year's working-day
    calendar is not entered, and the figures of the 5-working-day clock (trading notice → result
    letter) — all over its offices' projects only (a platform's clerk: its platform's)."""
    if current_user.role not in OFFICE_ROLES:
        return render_template("public/dashboard.html", user=current_user, letters=None)
    from app import clock
    from app.calendar import rules as calendar_rules
    from app.calendar import services as calendar
    from app.offices.scope import scope_ids
    from contracts import queries as trading
    from contracts.queries.todo import todo_of

    return render_template(
        "public/dashboard.html",
        user=current_user,
        letters=trading.scope_letters(scope_ids(current_user)),
        todo=todo_of(current_user),
        years_to_enter=calendar_rules.years_to_enter(
            clock.today(), calendar.current_calendar().confirmed_years()
        ),
        confirms_years=calendar.confirms_years(current_user),
    )
