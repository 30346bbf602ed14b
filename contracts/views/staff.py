"""The staff blueprint of trading; its pages live in staff_projects (entry, filing, contracts)
and staff_trading (announce, bulletin posting, award meeting)."""

from __future__ import annotations

from flask import Blueprint

bp = Blueprint("projects_staff", __name__, url_prefix="/staff/projects")

from contracts.views import staff_projects, staff_trading  # noqa: E402,F401 (register the pages)
