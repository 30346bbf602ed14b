"""Login, password-change and account forms, and the deployment administrator's office form."""

from flask_babel import lazy_gettext as _l
from wtforms import BooleanField, PasswordField, SelectField, StringField
from wtforms.validators import DataRequired, EqualTo, Length

from app.forms import FlaskForm
from app.urls import MAX_ID


class LoginForm(FlaskForm):
    username = StringField(
        _l("用户名"), validators=[DataRequired(_l("请填写用户名")), Length(max=64)]
    )
    password = PasswordField(
        _l("密码"), validators=[DataRequired(_l("请填写密码")), Length(max=200)]
    )
    remember = BooleanField(_l("在本机保持登录"))


class PasswordForm(FlaskForm):
    current_password = PasswordField(
        _l("当前密码"), validators=[DataRequired(_l("请填写当前密码")), Length(max=200)]
    )
    new_password = PasswordField(
        _l("新密码"), validators=[DataRequired(_l("请填写新密码")), Length(max=200)]
    )
    confirm = PasswordField(
        _l("再次输入新密码"),
        validators=[EqualTo("new_password", _l("两次输入的新密码不一致"))],
    )


def office_id(value) -> int | None:
    """An office select's value: an id, or "" for no office (the deployment's administrator)."""
    if value in (None, "", "None"):
        return None
    number = int(value)  # a ValueError is the field's "not a valid choice"
    if not 0 < number <= MAX_ID:
        raise ValueError(value)
    return number


class NewAccountForm(FlaskForm):
    """An administrator opens an account (companies sign up themselves)."""

    username = StringField(
        _l("用户名"), validators=[DataRequired(_l("请填写用户名")), Length(max=64)]
    )
    display_name = StringField(
        _l("姓名"), validators=[DataRequired(_l("请填写姓名或名称")), Length(max=100)]
    )
    role = SelectField(_l("角色"), choices=[], validate_choice=True)
    #: Among the offices the administrator administers (the view fills the choices; the
    #: service refuses another office). "" = no office: the deployment's administrator.
    office = SelectField(_l("所属机构"), choices=[], coerce=office_id, validate_choice=False)
    organisation = StringField(_l("单位或部门"), validators=[Length(max=200)])
    password = PasswordField(
        _l("初始密码"), validators=[DataRequired(_l("请填写初始密码")), Length(max=200)]
    )


class AccountChangeForm(FlaskForm):
    """An administrator gives an account another role or office (app.auth.accounts)."""

    role = SelectField(_l("角色"), choices=[], validate_choice=True)
    #: As on NewAccountForm: the view offers the administrator's offices, the service decides.
    office = SelectField(_l("所属机构"), choices=[], coerce=office_id, validate_choice=False)


class ButtonForm(FlaskForm):
    """A button that changes something: its CSRF token and nothing else (disable, enable, reset)."""


class NewOfficeForm(FlaskForm):
    """The deployment's administrator adds a district office or a platform under one."""

    kind = SelectField(_l("机构类型"), choices=[], validate_choice=False)
    code = StringField(
        _l("机构代码"), validators=[DataRequired(_l("请填写机构代码")), Length(max=40)]
    )
    name = StringField(
        _l("机构名称"), validators=[DataRequired(_l("请填写机构名称")), Length(max=100)]
    )
    name_en = StringField(_l("英文名称"), validators=[Length(max=100)])
    parent = SelectField(_l("所属区公管办"), choices=[], coerce=office_id, validate_choice=False)
