"""Contractor pages: the open tradings of its categories, the response commitment and its copy."""

from __future__ import annotations

from flask import Blueprint

bp = Blueprint("projects_account", __name__, url_prefix="/contractor/projects")
