"""Forms of the contractor's response commitment (交易响应承诺): confirm, and withdraw."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import BooleanField, HiddenField
from wtforms.validators import DataRequired

from app.forms import FlaskForm


class RespondForm(FlaskForm):
    """The unified commitment text as shown (sent back, so that a text changed meanwhile is
    refused rather than confirmed unseen) and the box that confirms it."""

    commitment = HiddenField()
    confirm = BooleanField(
        _l("我已阅读并确认以上承诺"),
        validators=[DataRequired(_l("请勾选“我已阅读并确认以上承诺”"))],
    )


class WithdrawForm(FlaskForm):
    """A button that only carries the CSRF token."""
