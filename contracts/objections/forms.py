"""Forms of objections: the company's objection, the office's answer."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import RadioField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, InputRequired, Length

from app.forms import FlaskForm
from contracts.objections import rules


class ObjectionForm(FlaskForm):
    matter = RadioField(
        _l("异议事项"),
        choices=[
            SelectChoice(str(rules.Matter.NOTICE), _l("对交易公告及交易文件的异议")),
            SelectChoice(str(rules.Matter.MEETING), _l("对定标会议（摇号）的异议")),
            SelectChoice(str(rules.Matter.RESULT), _l("对交易结果的异议")),
        ],
        validators=[InputRequired(_l("请选择异议事项"))],
    )
    text = TextAreaField(
        _l("异议的事实和请求"),
        validators=[DataRequired(_l("请填写异议的事实和请求")), Length(max=rules.TEXT_MAX)],
    )


class AnswerForm(FlaskForm):
    upheld = RadioField(
        _l("答复结论"),
        choices=[SelectChoice("no", _l("异议不成立")), SelectChoice("yes", _l("异议成立"))],
        validators=[InputRequired(_l("请选择答复结论"))],
    )
    answer = TextAreaField(
        _l("答复理由（将在项目页面公开）"),
        validators=[DataRequired(_l("请填写答复理由")), Length(max=rules.ANSWER_MAX)],
    )
