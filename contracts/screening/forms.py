"""The credit check form of the award meeting page: one respondent's check of the national list."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf.file import FileField
from wtforms import DateField, RadioField, SelectField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import InputRequired, Length, Optional

from app.forms import FlaskForm
from contracts.screening import rules


class CreditCheckForm(FlaskForm):
    """Which respondent, when and where it was checked, the result, a screenshot or PDF, a note."""

    uscc = SelectField(_l("响应企业"), validators=[InputRequired(_l("请选择响应企业"))])
    checked_on = DateField(_l("核查日期"), validators=[InputRequired(_l("请填写核查日期"))])
    source = SelectField(
        _l("核查渠道"),
        choices=[
            SelectChoice(rules.Source.CREDIT_CHINA.value, _l("信用中国")),
            SelectChoice(rules.Source.ZXGK.value, _l("中国执行信息公开网")),
        ],
        validators=[InputRequired(_l("请选择核查渠道"))],
    )
    result = RadioField(
        _l("核查结果"),
        choices=[
            SelectChoice(rules.CheckResult.NOT_LISTED.value, _l("未列入失信被执行人名单")),
            SelectChoice(
                rules.CheckResult.LISTED.value, _l("列入失信被执行人名单（不作为候选人）")
            ),
        ],
        validators=[InputRequired(_l("请选择核查结果"))],
    )
    evidence = FileField(_l("核查结果截图或PDF"))
    note = TextAreaField(_l("备注（可选）"), validators=[Optional(), Length(max=rules.MAX_NOTE)])
