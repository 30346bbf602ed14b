"""Trading documents as PDFs: the bulletin-board notice, the result letter, posting photos."""

from __future__ import annotations

from flask import Blueprint

bp = Blueprint("project_documents", __name__, url_prefix="/projects")
