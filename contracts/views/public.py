"""Public trading pages: the list of projects and each project's whole timeline."""

from __future__ import annotations

from flask import Blueprint

bp = Blueprint("projects", __name__, url_prefix="/projects")
