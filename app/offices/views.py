"""Public pages of the offices: `/offices/` lists every district and its platforms,
`/offices/<code>` shows one office's projects, notices and figures.

The parts of an office's page come from the domains (app/ never imports them): each registers a
section at start-up (`register_office_section`, in its `init_app`), called with the office and
the ids it covers (a district: itself and its platforms).
"""

from __future__ import annotations

from flask import Blueprint, abort, render_template

from app.wiring import registry

from . import queries

bp = Blueprint("offices", __name__, url_prefix="/offices")

OFFICE_SECTIONS = "offices.sections"


def register_office_section(app, name: str, source) -> None:
    """A domain adds a part to each office's public page: `source(office, office_ids, platforms)`
    → `(template, data)`, rendered with `{% include template %}` (data as `data`)."""
    registry(OFFICE_SECTIONS, app)[name] = source


@bp.app_template_global("office_of")
def office_of(record):
    """The office of a record (its `office_id`), from the offices loaded once per request."""
    return queries.office_of(record)


@bp.route("/")
def index():
    return render_template("offices/index.html", groups=queries.grouped())


@bp.route("/<code>")
def detail(code: str):
    office = queries.by_code_cached(code)
    if office is None:
        abort(404)
    platforms = queries.platforms_cached(office)
    ids = [office.id, *(p.id for p in platforms)]
    sections = [source(office, ids, platforms) for source in registry(OFFICE_SECTIONS).values()]
    return render_template(
        "offices/detail.html",
        office=office,
        parent=queries.office_index().get(office.parent_id) if office.parent_id else None,
        platforms=platforms,
        sections=sections,
    )
