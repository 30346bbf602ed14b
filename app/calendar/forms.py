"""The form staff use to enter a year's holiday arrangement."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import IntegerField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length, NumberRange, Optional


class YearArrangementForm(FlaskForm):
    year = IntegerField(
        _l("年份"),
        validators=[
            DataRequired(_l("请填写年份")),
            NumberRange(2000, 2100, _l("年份应在2000至2100之间")),
        ],
    )
    notice_number = StringField(
        _l("国务院办公厅通知文号"), validators=[DataRequired(_l("请填写通知文号")), Length(max=100)]
    )
    holidays = TextAreaField(
        _l("放假日（含调休形成的休息日）"), validators=[Optional(), Length(max=4000)]
    )
    makeup_workdays = TextAreaField(
        _l("调休上班日（周六、周日）"), validators=[Optional(), Length(max=2000)]
    )
