"""Owner (业主) pages: enter a project, follow its filing, attach files, record the contract."""

from __future__ import annotations

from flask import Blueprint

bp = Blueprint("projects_owner", __name__, url_prefix="/owner/projects")
