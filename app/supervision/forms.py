"""The filters of the oversight pages: GET forms read from the query string (no CSRF: they change
nothing), each value bounded so that a stranger's query gives a 400 with a message, never a 500."""

from __future__ import annotations

from datetime import date

from flask_babel import lazy_gettext as _l
from wtforms import DateField, SelectField, StringField
from wtforms.validators import Length, Optional, Regexp, ValidationError

from app.forms import Form

#: Dates outside these years are no audit entry's and would overflow the date arithmetic.
EARLIEST, LATEST = date(2000, 1, 1), date(2099, 12, 31)


def _within_years(form, field) -> None:
    if field.data is not None and not EARLIEST <= field.data <= LATEST:
        raise ValidationError(str(_l("日期应在2000年至2099年之间")))


class DeadlineFilterForm(Form):
    """Filter the deadlines by kind (its prefix, e.g. "complaint") and status."""

    #: Any dotted kind may be asked for (a bookmarked `?kind=complaint` with none open lists
    #: nothing, not an error); the choices are the kinds registered now.
    kind = SelectField(
        _l("类别"),
        choices=[],
        validate_choice=False,
        default="",
        validators=[
            Optional(),
            Length(max=80),
            Regexp(r"^[a-z0-9_.]*$", message=_l("类别名称无效")),
        ],
    )
    status = SelectField(_l("状态"), choices=[], validate_choice=True, default="")


class AuditFilterForm(Form):
    """Filter the audit log."""

    action = StringField(_l("操作（前缀，如 complaint:）"), validators=[Optional(), Length(max=80)])
    actor = StringField(_l("操作人"), validators=[Optional(), Length(max=100)])
    role = SelectField(_l("角色"), choices=[], validate_choice=True, default="")
    since = DateField(_l("起始日期"), validators=[Optional(), _within_years])
    until = DateField(_l("截止日期"), validators=[Optional(), _within_years])
    subject = StringField(_l("对象（如 complaint:12）"), validators=[Optional(), Length(max=120)])

    def validate_until(self, field) -> None:
        if field.data and self.since.data and field.data < self.since.data:
            raise ValidationError(str(_l("截止日期不能早于起始日期")))
