"""Objection pages: a company's form on the trading, the office's list and answer form (the
supervisors read both)."""

from __future__ import annotations

from flask import Blueprint

bp = Blueprint("objections", __name__)
