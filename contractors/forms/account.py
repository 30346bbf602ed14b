"""Forms of the public sign-up and the contractor's own pages (profile, documents, applications,
objections)."""

from __future__ import annotations

from flask_babel import LazyString
from flask_babel import lazy_gettext as _l
from flask_wtf.file import FileField, FileRequired
from wtforms import (
    BooleanField,
    DateField,
    FieldList,
    FormField,
    HiddenField,
    PasswordField,
    SelectField,
    SelectMultipleField,
    StringField,
    TextAreaField,
)
from wtforms.fields.choices import SelectChoice
from wtforms.validators import (
    DataRequired,
    EqualTo,
    InputRequired,
    Length,
    Optional,
    Regexp,
    ValidationError,
)
from wtforms.widgets import CheckboxInput, ListWidget

from app.auth.services import MAX_PASSWORD_LENGTH, MIN_PASSWORD_LENGTH, USERNAME_RE
from app.forms import FlaskForm, Form, OnceField
from app.i18n import loc, localized
from contractors.identity import IdentityError, normalize_mobile, normalize_uscc
from contractors.rules import DOCUMENT_KINDS, MAX_QUALIFICATIONS

#: Rows of qualifications offered on the form (no JavaScript to add rows; blank rows are ignored).
QUALIFICATION_ROWS = 3


def _identity(normalize):
    """A validator running the same check as the service, with its exact message."""

    def check(form, field):
        if not field.data:
            return
        try:
            normalize(field.data)
        except IdentityError as e:
            raise ValidationError(localized(e)) from None

    return check


class CheckboxesField(SelectMultipleField):
    """Several choices as a list of checkboxes (no JavaScript)."""

    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()


class QualificationForm(Form):
    """One 资质证书 row; a row left blank is ignored, a partly filled one is refused."""

    category = StringField(_l("资质类别"), validators=[Length(max=100)])
    grade = StringField(_l("资质等级"), validators=[Length(max=50)])
    number = StringField(_l("资质证书编号"), validators=[Length(max=100)])
    valid_until = DateField(_l("有效期至"), validators=[Optional()])

    def is_blank(self) -> bool:
        texts = (self.category.data, self.grade.data, self.number.data)
        return not any((t or "").strip() for t in texts) and not self.valid_until.data

    def validate(self, extra_validators=None) -> bool:
        ok = super().validate(extra_validators)
        if self.is_blank():
            return ok
        for f, msg in (
            (self.category, _l("请填写资质类别")),
            (self.grade, _l("请填写资质等级")),
            (self.number, _l("请填写资质证书编号")),
        ):
            if not (f.data or "").strip():
                f.errors = [*f.errors, str(msg)]
                ok = False
        return ok


class CompanyFields(FlaskForm):
    """The company's details (ContractorInput): used by sign-up and by the profile page."""

    uscc = StringField(
        _l("统一社会信用代码"),
        validators=[DataRequired(_l("请填写统一社会信用代码")), _identity(normalize_uscc)],
    )
    name = StringField(
        _l("企业名称"), validators=[DataRequired(_l("请填写企业名称")), Length(max=200)]
    )
    legal_representative = StringField(
        _l("法定代表人"), validators=[DataRequired(_l("请填写法定代表人")), Length(max=100)]
    )
    contact_person = StringField(
        _l("联系人"), validators=[DataRequired(_l("请填写联系人")), Length(max=100)]
    )
    contact_mobile = StringField(
        _l("联系人手机号码"),
        validators=[DataRequired(_l("请填写联系人手机号码")), _identity(normalize_mobile)],
    )
    address = StringField(_l("地址"), validators=[DataRequired(_l("请填写地址")), Length(max=300)])
    safety_licence_number = StringField(
        _l("安全生产许可证编号"), validators=[Optional(), Length(max=100)]
    )
    safety_licence_valid_until = DateField(_l("安全生产许可证有效期至"), validators=[Optional()])
    qualifications = FieldList(
        FormField(QualificationForm), min_entries=QUALIFICATION_ROWS, max_entries=MAX_QUALIFICATIONS
    )

    def process(self, formdata=None, obj=None, data=None, **kwargs) -> None:
        # A record saved with more rows than the form offers (before saves were serialised,
        # two at once could double them) is still shown whole, not a 500.
        stored = getattr(obj, "qualifications", None) or ()
        self.qualifications.max_entries = max(MAX_QUALIFICATIONS, len(stored))
        super().process(formdata, obj, data=data, **kwargs)

    def validate_qualifications(self, field):
        if all(row.form.is_blank() for row in field):
            raise ValidationError(str(_l("请至少填写一项资质证书")))

    def fill_qualifications(self, rows) -> None:
        """Show the stored qualifications, then blank rows up to the offered number — a company
        that filled every row gets none (FieldList refuses an entry beyond max_entries)."""
        while len(self.qualifications):
            self.qualifications.pop_entry()
        for q in rows:
            self.qualifications.append_entry(
                {
                    "category": q.category,
                    "grade": q.grade,
                    "number": q.number,
                    "valid_until": q.valid_until,
                }
            )
        wanted = min(max(QUALIFICATION_ROWS, len(rows) + 1), MAX_QUALIFICATIONS)
        while len(self.qualifications) < wanted:
            self.qualifications.append_entry()


class ProfileForm(CompanyFields):
    """The company's own details, as it edits them (the credit code is fixed at registration)."""


class SignUpForm(CompanyFields):
    """Public sign-up: the account and the company, in one form."""

    username = StringField(
        _l("用户名"),
        filters=[lambda v: (v or "").strip().lower()],
        validators=[
            DataRequired(_l("请填写用户名")),
            Regexp(
                USERNAME_RE,
                message=_l("用户名只能包含小写字母、数字、点、下划线和连字符，长度2至64"),
            ),
        ],
    )
    display_name = StringField(
        _l("账户使用人姓名"), validators=[DataRequired(_l("请填写姓名")), Length(max=100)]
    )
    password = PasswordField(
        _l("密码"),
        validators=[
            DataRequired(_l("请填写密码")),
            Length(
                min=MIN_PASSWORD_LENGTH,
                message=_l("密码至少需要%(n)d个字符", n=MIN_PASSWORD_LENGTH),
            ),
            Length(
                max=MAX_PASSWORD_LENGTH,
                message=_l("密码不能超过%(n)d个字符", n=MAX_PASSWORD_LENGTH),
            ),
        ],
    )
    password2 = PasswordField(
        _l("再次输入密码"),
        validators=[
            DataRequired(_l("请再次输入密码")),
            EqualTo("password", _l("两次输入的密码不一致")),
        ],
    )


class DocumentForm(FlaskForm):
    once = OnceField("contractor-document")
    kind = SelectField(
        _l("材料类型"),
        # In the request's language when the form is shown (the pair, not a msgid).
        choices=[
            SelectChoice(code, LazyString(loc, zh, en)) for code, (zh, en) in DOCUMENT_KINDS.items()
        ],
        validators=[DataRequired()],
    )
    file = FileField(_l("文件（PDF或图片）"), validators=[FileRequired(_l("请选择要上传的文件"))])


class ApplyForm(FlaskForm):
    """Categories applied for, and the company's documents attached (申请文件)."""

    categories = CheckboxesField(
        _l("申请类别"), validators=[InputRequired(_l("请至少选择一个申请类别"))]
    )
    documents = CheckboxesField(_l("随申请提交的材料"), coerce=int, validators=[Optional()])


class ObjectionForm(FlaskForm):
    entry_id = HiddenField(validators=[DataRequired()])
    text = TextAreaField(
        _l("异议内容和理由"),
        validators=[DataRequired(_l("请填写异议的内容和理由")), Length(max=5000)],
    )


class RosterObjectionForm(FlaskForm):
    """An objection to a category's drawn roster during the roster publicity."""

    call_category_id = HiddenField(validators=[DataRequired()])
    text = TextAreaField(
        _l("异议内容和理由"),
        validators=[DataRequired(_l("请填写异议的内容和理由")), Length(max=5000)],
    )


class SmsPreferenceForm(FlaskForm):
    """Optional messages (reminders); the notice SMS to active members is always sent."""

    optional_messages = BooleanField(_l("同时接收提醒类短信（如交易响应截止提醒）"))


class ConfirmForm(FlaskForm):
    """A button that only carries the CSRF token (withdraw)."""
