"""Forms of the staff draw console: enter entropy, confirm it, abandon a draw."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from markupsafe import Markup, escape
from wtforms import Field, HiddenField, TextAreaField
from wtforms.validators import DataRequired, Length

from app.forms import FlaskForm, confirmation
from lottery import rules


class HiddenList(Field):
    """Several hidden inputs of one name; `data` is the list in the order posted, unchanged.

    The confirmation step carries the entropy entries exactly as they were shown to staff.
    """

    def _value(self) -> list[str]:
        return list(self.data or [])

    def process_formdata(self, valuelist) -> None:
        # WTForms calls this with [] for a field absent from the post: keep the default then.
        if valuelist:
            self.data = list(valuelist)

    def __call__(self, **kwargs) -> Markup:
        return Markup("").join(
            Markup('<input type="hidden" name="{}" value="{}">').format(self.name, escape(value))
            for value in self._value()
        )


class EntropyForm(FlaskForm):
    entries = TextAreaField(
        _l("现场公开随机数（每行一项）"),
        validators=[
            Length(
                max=rules.MAX_ENTROPY_ENTRIES * (rules.MAX_ENTROPY_CHARS + 40),
                message=_l("内容过长"),
            )
        ],
    )


class ConfirmDrawForm(FlaskForm):
    """The review step's button: the entries and the candidate fingerprint ride along hidden."""

    entropy = HiddenList()
    candidates_digest = HiddenField(validators=[DataRequired()])


class AbandonForm(FlaskForm):
    reason = TextAreaField(
        _l("作废原因（将公开）"),
        validators=[
            DataRequired(_l("请填写作废原因")),
            Length(max=rules.MAX_REASON_CHARS, message=_l("作废原因不能超过500个字符")),
        ],
    )
    confirm = confirmation(_l("我确认作废本次抽签：种子将立即公开，本编号不能再摇号"))
