"""The form staff use to enter a year's holiday arrangement (checked, then confirmed)."""

from flask_babel import lazy_gettext as _l
from wtforms import BooleanField, IntegerField, StringField, SubmitField, TextAreaField
from wtforms.validators import DataRequired, Length, NumberRange, Optional

from app.forms import FlaskForm


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
    #: For a year chinese-calendar already covers: replacing it is a deliberate correction.
    override_builtin = BooleanField(_l("更正内置日历（仅用于内置日历已有的年份）"))
    override_reason = TextAreaField(_l("更正理由"), validators=[Optional(), Length(max=500)])
    #: First "check" (shows what the entry changes), then "confirm".
    check = SubmitField(_l("检查并预览"))
    confirm = SubmitField(_l("确认该年安排"))
