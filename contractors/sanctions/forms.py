"""Forms of cases and sanctions: open a case, a statement, a decision, a change with reason and
approver, a correction request and its answer."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import DateField, IntegerField, RadioField, SelectField, StringField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional

from app.forms import FlaskForm

from . import rules

_TEXT = Length(max=rules.MAX_TEXT)


class CaseForm(FlaskForm):
    """Staff open a case by hand (or from a source they name)."""

    uscc = StringField(
        _l("统一社会信用代码"),
        validators=[DataRequired(_l("请填写统一社会信用代码")), Length(max=18)],
    )
    source = SelectField(
        _l("案件来源"),
        choices=[SelectChoice(s.value, _l(zh)) for s, (zh, _en) in rules.SOURCE_LABELS.items()],
        default=rules.CaseSource.BY_HAND.value,
    )
    ref = StringField(_l("来源编号"), validators=[Optional(), Length(max=80)])
    facts = TextAreaField(_l("案件事实"), validators=[DataRequired(_l("请填写案件事实")), _TEXT])
    days = IntegerField(
        _l("陈述申辩期（工作日）"),
        default=rules.STATEMENT_DEFAULT_DAYS,
        validators=[
            InputRequired(_l("请填写陈述申辩期（工作日）")),
            NumberRange(min=rules.STATEMENT_MIN_DAYS, max=rules.MAX_STATEMENT_DAYS),
        ],
    )


class StatementForm(FlaskForm):
    statement = TextAreaField(
        _l("陈述申辩"), validators=[DataRequired(_l("请填写陈述申辩")), _TEXT]
    )


class DecisionForm(FlaskForm):
    outcome = RadioField(
        _l("处理结果"),
        choices=[SelectChoice(o.value, _l(zh)) for o, (zh, _en) in rules.OUTCOME_LABELS.items()],
        validators=[InputRequired(_l("请选择处理结果"))],
    )
    act = TextAreaField(
        _l("违法违规行为"), validators=[DataRequired(_l("请填写违法违规行为")), _TEXT]
    )
    basis = TextAreaField(_l("处理依据"), validators=[DataRequired(_l("请填写处理依据")), _TEXT])
    deciding_body = StringField(
        _l("处理机关"), validators=[DataRequired(_l("请填写处理机关")), Length(max=200)]
    )
    starts_on = DateField(_l("处理起始日期"), validators=[Optional()])
    months = IntegerField(
        _l("暂停期限（月）"), validators=[Optional(), NumberRange(min=1, max=rules.MAX_MONTHS)]
    )


class ChangeForm(FlaskForm):
    """A change of a published sanction (arts. 10–11), or what an upheld correction changes."""

    reason = TextAreaField(_l("变更理由"), validators=[DataRequired(_l("请填写变更理由")), _TEXT])
    approver = StringField(
        _l("批准人"), validators=[DataRequired(_l("请填写批准人")), Length(max=100)]
    )
    basis = TextAreaField(_l("新的处理依据"), validators=[Optional(), _TEXT])
    decision = TextAreaField(_l("新的处理决定"), validators=[Optional(), _TEXT])
    until = DateField(_l("新的暂停期限最后一日"), validators=[Optional()])


class CorrectionForm(FlaskForm):
    request = TextAreaField(_l("更正理由"), validators=[DataRequired(_l("请填写更正理由")), _TEXT])


class AnswerForm(ChangeForm):
    """The answer to a correction request; when upheld, the change fields say what changes."""

    answer = TextAreaField(_l("答复意见"), validators=[DataRequired(_l("请填写答复意见")), _TEXT])
    upheld = RadioField(
        _l("核对结果"),
        choices=[SelectChoice("yes", _l("更正申请成立")), SelectChoice("no", _l("更正申请不成立"))],
        validators=[InputRequired(_l("请选择核对结果"))],
    )
    reason = TextAreaField(_l("变更理由"), validators=[Optional(), _TEXT])
    approver = StringField(_l("批准人"), validators=[Optional(), Length(max=100)])


class ButtonForm(FlaskForm):
    """A button that only carries the CSRF token (publish)."""
