"""The staff blueprint of trading; its pages live in staff_projects (entry, filing, contracts),
staff_announce (the trading notice), staff_posting (bulletin boards), staff_steps (the trading
checklist) and staff_meeting (the award meeting), staff_suspension (suspending and resuming, art. 62)."""

from __future__ import annotations

from flask import Blueprint

bp = Blueprint("projects_staff", __name__, url_prefix="/staff/projects")

from contracts.views import (  # noqa: E402,F401 (register the pages)
    staff_announce,
    staff_meeting,
    staff_posting,
    staff_projects,
    staff_steps,
    staff_suspension,
)
