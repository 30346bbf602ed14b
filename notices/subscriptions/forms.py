"""The subscription form (categories × notice types) and the stop button."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import BooleanField, SelectMultipleField
from wtforms.widgets import CheckboxInput, ListWidget

from app.forms import FlaskForm


class Checkboxes(SelectMultipleField):
    """Several choices as checkboxes (no JavaScript). Unknown codes are left to the rule
    (notices.subscriptions.rules.check_choice), which names them in the reader's language."""

    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()

    def pre_validate(self, form) -> None:
        """WTForms would refuse an unknown code here with its own English message; the rule
        does it instead (see the class docstring)."""


class SubscriptionForm(FlaskForm):
    all_categories = BooleanField(_l("全部类别（包括以后新增的类别和不分类别的公告）"))
    categories = Checkboxes(_l("类别"))
    all_types = BooleanField(_l("全部公告类型"))
    types = Checkboxes(_l("公告类型"))


class StopForm(FlaskForm):
    """The stop button: its CSRF token and nothing else."""
