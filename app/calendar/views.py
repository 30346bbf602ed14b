"""Staff pages of the working-day calendar: the years and their status; enter a new year."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from app import clock
from app.auth.guards import roles_required
from app.auth.roles import OFFICE_ROLES
from app.calendar import services
from app.calendar.errors import ArrangementRefused, CalendarError
from app.calendar.forms import YearArrangementForm

bp = Blueprint("calendar", __name__, url_prefix="/staff/calendar")


@bp.route("/", methods=["GET", "POST"])
@roles_required(*OFFICE_ROLES)
def index():
    form = YearArrangementForm()
    reviewed = changes = None
    confirms = services.confirms_years(current_user)
    if request.method == "POST" and not confirms:
        # A platform's clerk reads the years; the district office confirms them.
        abort(403)
    if form.validate_on_submit():
        reason = (form.override_reason.data or "") if form.override_builtin.data else ""
        try:
            arrangement = services.official_arrangement(
                form.year.data,
                form.notice_number.data,
                form.holidays.data or "",
                form.makeup_workdays.data or "",
                override_reason=reason,
            )
            if form.confirm.data:
                services.confirm_year(arrangement, actor=current_user, override_reason=reason)
            else:
                changes = services.review_year(arrangement, override_reason=reason)
                reviewed = arrangement
        except ArrangementRefused as e:
            for name, message in e.each():
                getattr(form, name, form.holidays).errors.append(message)
        except CalendarError as e:
            getattr(form, e.field or "holidays").errors.append(e.localized())
        else:
            if form.confirm.data:
                flash(_("%(year)d年的节假日安排已确认", year=arrangement.year), "success")
                return redirect(url_for(".index"))
    calendar = services.current_calendar()
    office = {row.year: row for row in services.office_years()}
    this_year = clock.today().year
    years = sorted(set(range(this_year - 1, this_year + 3)) | set(office))
    rows = [
        {
            "year": y,
            "office": office.get(y),
            "confirmed": calendar.is_confirmed(y),
        }
        for y in years
    ]
    if request.method == "GET":
        form.year.data = next((r["year"] for r in rows if not r["confirmed"]), None)
    status = 400 if form.errors else 200
    return render_template(
        "calendar/index.html",
        form=form,
        rows=rows,
        reviewed=reviewed,
        changes=changes,
        confirms=confirms,
    ), status
