"""Public shell: home page with the latest notices by column, search, language switch, dashboard."""

from __future__ import annotations

from flask import Blueprint, redirect, render_template, request
from flask_login import current_user, login_required

from app import LOCALE_COOKIE, display
from app.auth.roles import OFFICE_ROLES
from app.keyset import cursor_arg
from app.urls import safe_next

bp = Blueprint("public", __name__)

#: Notices and projects on each office's card of the home page.
HOME_PER_OFFICE = 3


@bp.route("/")
def home():
    from app.offices.queries import grouped
    from contracts.queries.public import latest_by_office
    from notices import queries

    return render_template(
        "public/home.html",
        columns=queries.home_columns(),
        # Each district with a card for itself and one per platform: their latest notices and
        # projects, two windowed queries for all offices (no query per office).
        office_groups=grouped(),
        notices_by_office=queries.latest_by_office(HOME_PER_OFFICE),
        projects_by_office=latest_by_office(HOME_PER_OFFICE),
    )


@bp.route("/search")
def search():
    from notices import queries

    q = request.args.get("q", "").strip()[:100]
    results = queries.search(q, cursor_arg()) if q else None
    return render_template("public/search.html", q=q, results=results)


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
        letters=trading.letter_distribution(scope_ids(current_user)),
        todo=todo_of(current_user),
        years_to_enter=calendar_rules.years_to_enter(
            clock.today(), calendar.current_calendar().confirmed_years()
        ),
        confirms_years=calendar.confirms_years(current_user),
    )


@bp.route("/healthz")
def healthz():
    return {"ok": True}
