"""Forms of the owner's and the office's project pages: the project, an attachment, sending back,
the signed contract and a refusal to sign, and the buttons that only carry a CSRF token."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf.file import FileField, FileRequired
from wtforms import (
    DateField,
    HiddenField,
    IntegerField,
    SelectField,
    StringField,
    TextAreaField,
)
from wtforms.fields.choices import SelectChoice
from wtforms.validators import (
    DataRequired,
    InputRequired,
    Length,
    NumberRange,
    ValidationError,
)

from app.forms import FlaskForm, OnceField, confirmation
from contracts import rules

#: The caps of the project's texts are the rules' (contracts.rules.PROJECT_TEXTS): the browser
#: stops typing there, and the service's refusal names the field and the count.
LIMITS = rules.TEXT_LIMITS


def _amount(value):
    """Amounts as people type them: thousands separators (also full-width) and spaces dropped;
    the service checks the rest (at most two decimals, positive) with its own message."""
    if value is None:
        return None
    return "".join(str(value).split()).replace(",", "").replace("，", "")


def _office_id(value):
    """The chosen office's id; nothing chosen is None (the service then takes the account's).
    Anything else that is not a number raises ValueError, which the field reports ("选择无效")
    instead of quietly putting the project on the account's own office."""
    if value in (None, "") or isinstance(value, int):
        return value or None
    return int(value)


def _strip(value):
    return value.strip() if isinstance(value, str) else value


class ProjectForm(FlaskForm):
    """A project's facts (contracts.services.ProjectInput). The scope check is the service's:
    its refusal comes back on the estimate field with the statutory reason."""

    name = StringField(
        _l("项目名称"),
        filters=[_strip],
        validators=[DataRequired(_l("请填写项目名称"))],
        render_kw={"maxlength": LIMITS["name"]},
    )
    owner_name = StringField(
        _l("业主（建设单位）"),
        filters=[_strip],
        validators=[DataRequired(_l("请填写业主"))],
        render_kw={"maxlength": LIMITS["owner_name"]},
    )
    #: The platform (or district) that trades the project: one of the offices the account
    #: covers (the service checks it again); a hidden field when it covers only one.
    office_id = SelectField(_l("所属平台"), coerce=_office_id, validate_choice=True)
    #: Printed on the notice; left blank, the service fills the platform's name.
    town = StringField(
        _l("街道/镇"),
        filters=[_strip],
        render_kw={"maxlength": LIMITS["town"]},
    )
    village = StringField(
        _l("村（社区）"), filters=[_strip], render_kw={"maxlength": LIMITS["village"]}
    )
    category_code = SelectField(_l("工程类别"), validators=[InputRequired(_l("请选择工程类别"))])
    kind = SelectField(
        _l("合同类型"),
        # Literal labels so that they are extracted for translation (contracts.rules.KIND_LABELS).
        choices=[
            SelectChoice("construction", _l("施工")),
            SelectChoice("supervision", _l("工程监理")),
        ],
        default="construction",
    )
    funding = SelectField(
        _l("资金来源"),
        choices=[
            SelectChoice("", _l("（请选择）")),
            SelectChoice("state", _l("国有资金")),
            SelectChoice("collective", _l("村集体资金")),
        ],
        validators=[InputRequired(_l("请选择资金来源"))],
    )
    estimate = StringField(
        _l("单项合同估算价（元）"),
        filters=[_amount],
        validators=[DataRequired(_l("请填写估算价"))],
    )
    control_price = StringField(
        _l("控制价（元）"),
        filters=[_amount],
        validators=[DataRequired(_l("请填写控制价"))],
    )
    non_competitive_part = StringField(_l("其中不可竞争费用（元）"), filters=[_amount], default="0")
    duration_days = IntegerField(
        _l("工期（日历天）"),
        validators=[
            InputRequired(_l("请填写工期")),
            NumberRange(1, 3650, _l("工期应为1至3650日历天")),
        ],
    )
    scope = TextAreaField(
        _l("工程内容"), filters=[_strip], render_kw={"maxlength": LIMITS["scope"]}
    )
    contact_person = StringField(
        _l("联系人"),
        filters=[_strip],
        validators=[DataRequired(_l("请填写联系人"))],
        render_kw={"maxlength": LIMITS["contact_person"]},
    )
    contact_phone = StringField(
        _l("联系电话"),
        filters=[_strip],
        validators=[DataRequired(_l("请填写联系电话"))],
        render_kw={"maxlength": LIMITS["contact_phone"]},
    )

    def validate_town(self, field) -> None:
        """A platform's project may leave it blank (its name is printed); a district's may not."""
        if not field.data and self.office_id.data in getattr(self, "_districts", ()):
            raise ValidationError(_l("请填写街道/镇"))

    def set_offices(self, offices, default: int | None = None) -> ProjectForm:
        """The offices the account may choose (contracts.queries.projects.entry_offices);
        `default` (its own office) preselected on a new project."""
        self._districts = {o.id for o in offices if o.is_district}
        self.office_id.choices = [
            *([] if len(offices) == 1 else [SelectChoice("", _l("（请选择）"))]),
            *(SelectChoice(o.id, o.name) for o in offices),
        ]
        if self.office_id.data is None:
            ids = [o.id for o in offices]
            self.office_id.data = default if default in ids else (ids[0] if len(ids) == 1 else None)
        return self

    def set_categories(self, categories) -> ProjectForm:
        self.category_code.choices = [
            SelectChoice("", _l("（请选择）")),
            *(SelectChoice(c.code, _l(c.name)) for c in categories),
        ]
        return self


class NewProjectForm(ProjectForm):
    """A project entered: posted twice, it is entered once (app.once)."""

    once = OnceField("project")


class AttachmentForm(FlaskForm):
    once = OnceField("project-attachment")
    file = FileField(_l("附件（PDF或图片）"), validators=[FileRequired(_l("请选择要上传的文件"))])


class SendBackForm(FlaskForm):
    """Sending back a submitted project, or a filed one not yet announced; `reviewed` is the
    project's fingerprint as the page showed it (contracts.services.fingerprint)."""

    reasons = TextAreaField(
        _l("退回理由（业主可见）"),
        validators=[DataRequired(_l("请填写退回理由")), Length(max=5000)],
    )
    reviewed = HiddenField()


class ContractForm(FlaskForm):
    """The signed contract; the amount defaults to the trading's contract price. The service
    refuses an amount above it and asks the reason of one below (contracts.rules)."""

    signed_on = DateField(_l("合同签订日期"), validators=[InputRequired(_l("请填写签订日期"))])
    amount = StringField(
        _l("合同金额（元）"), filters=[_amount], validators=[DataRequired(_l("请填写合同金额"))]
    )
    amount_reason = StringField(_l("合同金额低于合同价的理由"), filters=[_strip])


class RefusalForm(FlaskForm):
    """A refusal to sign. The hidden fields name the company refusing and its place in the
    ranking as the page showed them; the service records nothing unless they are the current
    contract unit's (a form posted twice never reaches the next company)."""

    uscc = HiddenField(_l("拒签企业"))
    position = HiddenField(_l("排序名次"))
    reason = TextAreaField(
        _l("拒签情况"),
        validators=[DataRequired(_l("请填写拒签情况")), Length(max=5000)],
    )


class FileForm(FlaskForm):
    """The filing button: the CSRF token, the fingerprint of the project as shown (the service
    refuses a project changed since, contracts.services.file_project) and the box that confirms
    it — a filed project's facts and documents are fixed."""

    reviewed = HiddenField()
    confirm = confirmation(_l("我已核对项目信息和交易文件，确认备案：备案后不能再修改"))
