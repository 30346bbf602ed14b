"""Forms of the complaint pages: the complaint (办法 art. 7), and the staff's steps — accept,
refuse, pause and resume the clock, a finding, the decision, a withdrawal, suspending the trading."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf.file import MultipleFileField
from wtforms import (
    BooleanField,
    DateField,
    DateTimeLocalField,
    SelectField,
    StringField,
    TextAreaField,
)
from wtforms.validators import InputRequired, Length, Optional

from app.forms import FlaskForm, OnceField
from contracts.complaints import rules


def _strip(value):
    return value.strip() if isinstance(value, str) else value


def _choices(table) -> list[tuple[str, object]]:
    return [(str(k), _l(v[0])) for k, v in table.items()]


class ComplaintForm(FlaskForm):
    """A complaint about a trading. The rules (window, objection first, content, evidence) are
    the service's; the form only parses."""

    matter = SelectField(_l("投诉事项"), choices=[])
    knew_on = DateField(
        _l("知道或者应当知道投诉事项的日期"),
        validators=[InputRequired(_l("请填写知道或者应当知道投诉事项的日期"))],
    )
    complainant_name = StringField(_l("投诉人名称"), filters=[_strip], validators=[Length(max=200)])
    complainant_contact = StringField(
        _l("投诉人联系人、电话和地址"), filters=[_strip], validators=[Length(max=300)]
    )
    respondent_name = StringField(
        _l("被投诉人名称"), filters=[_strip], validators=[Length(max=200)]
    )
    respondent_contact = StringField(
        _l("被投诉人联系方式"), filters=[_strip], validators=[Length(max=300)]
    )
    respondent_uscc = StringField(
        _l("被投诉人统一社会信用代码（是企业的）"), filters=[_strip], validators=[Length(max=18)]
    )
    facts = TextAreaField(_l("投诉事项的基本事实"), validators=[Length(max=20000)])
    requests = TextAreaField(_l("相关请求及主张"), validators=[Length(max=20000)])
    evidence = MultipleFileField(_l("证明材料（PDF、JPEG或PNG，至少一份）"))
    #: Posted twice, the complaint is filed once (app.once).
    once = OnceField("complaint")

    def with_choices(self) -> ComplaintForm:
        self.matter.choices = _choices(rules.MATTERS)
        return self


class PaperComplaintForm(ComplaintForm):
    """Staff enter a complaint received on paper, on behalf of the named complainant."""

    trading_code = StringField(
        _l("交易编号"),
        filters=[_strip],
        validators=[InputRequired(_l("请填写交易编号")), Length(max=50)],
    )
    complainant_uscc = StringField(
        _l("投诉人统一社会信用代码（是登记企业的）"), filters=[_strip], validators=[Length(max=18)]
    )


class ButtonForm(FlaskForm):
    """A step that needs only the CSRF token (accept, end a pause)."""


class RefuseForm(FlaskForm):
    ground = SelectField(_l("不予受理的理由"), choices=[])
    reason = TextAreaField(_l("具体理由（将公开，不得含个人信息）"), validators=[Length(max=20000)])

    def with_choices(self) -> RefuseForm:
        self.ground.choices = _choices(rules.REFUSAL_GROUNDS)
        return self


class PauseForm(FlaskForm):
    kind = SelectField(_l("暂停计时的原因"), choices=[])
    reason = TextAreaField(_l("具体情况"), validators=[Length(max=20000)])

    def with_choices(self) -> PauseForm:
        self.kind.choices = _choices(rules.PAUSE_KINDS)
        return self


class FindingForm(FlaskForm):
    finding = TextAreaField(_l("查实的违法事实"), validators=[Length(max=20000)])


class DecideForm(FlaskForm):
    outcome = SelectField(_l("处理结果"), choices=[])
    facts = TextAreaField(
        _l("认定的事实（将公开，不得含个人信息）"), validators=[Length(max=20000)]
    )
    basis = StringField(_l("处理依据（法律条款）"), filters=[_strip], validators=[Length(max=500)])
    text = TextAreaField(_l("处理决定"), validators=[Length(max=20000)])
    open_case = BooleanField(_l("投诉成立：对被投诉企业立不良行为案件"), validators=[Optional()])
    false_complaint = BooleanField(
        _l("投诉虚假：对投诉人立不良行为案件（第七十七条）"), validators=[Optional()]
    )
    resume_trading = BooleanField(_l("同时恢复因本投诉暂停的交易"), validators=[Optional()])
    new_responses_close_at = DateTimeLocalField(
        _l("新的响应截止时间（原时间已过的）"), format="%Y-%m-%dT%H:%M", validators=[Optional()]
    )
    new_meeting_at = DateTimeLocalField(
        _l("新的定标会议时间（原时间已过的）"), format="%Y-%m-%dT%H:%M", validators=[Optional()]
    )

    def with_choices(self) -> DecideForm:
        self.outcome.choices = _choices(rules.OUTCOMES)
        return self


class WithdrawForm(FlaskForm):
    reason = TextAreaField(_l("投诉人书面撤回的理由"), validators=[Length(max=20000)])


class SuspendForm(FlaskForm):
    reason = TextAreaField(_l("暂停交易的理由（将公开）"), validators=[Length(max=20000)])
