"""The performance evaluation form, as published: four parts, each 合格 / 不合格 with a reason."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf.file import MultipleFileField
from wtforms import DateField, RadioField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import InputRequired, Length, Optional

from app.forms import FlaskForm
from contracts.evaluations import rules


def _verdict(label):
    return RadioField(
        label,
        choices=[
            SelectChoice(rules.Verdict.PASSED.value, _l("合格")),
            SelectChoice(rules.Verdict.FAILED.value, _l("不合格")),
        ],
        validators=[InputRequired(_l("请选择合格或不合格"))],
    )


def _reason(label):
    return TextAreaField(label, validators=[Optional(), Length(max=rules.MAX_REASON)])


class EvaluationForm(FlaskForm):
    """完工日期, the four parts with their reasons, the evidence files."""

    completed_on = DateField(_l("完工日期"), validators=[InputRequired(_l("请填写完工日期"))])
    quality = _verdict(_l("工程质量"))
    quality_reason = _reason(_l("工程质量：理由（不合格时必填）"))
    schedule = _verdict(_l("工期"))
    schedule_reason = _reason(_l("工期：理由（不合格时必填）"))
    safety = _verdict(_l("安全文明施工"))
    safety_reason = _reason(_l("安全文明施工：理由（不合格时必填）"))
    cooperation = _verdict(_l("履约配合"))
    cooperation_reason = _reason(_l("履约配合：理由（不合格时必填）"))
    evidence = MultipleFileField(_l("证据材料（PDF或图片，最多5个；评价为不合格时必填）"))
