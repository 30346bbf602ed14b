"""Forms of the staff pages of policies and guides."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf.file import FileField, FileRequired
from wtforms import DateField, SelectField, StringField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Length, Optional

from app.forms import FlaskForm, OnceField, confirmation
from notices.guides.rules import KINDS, MAX_BODY, MAX_REASON, MAX_SHORT, MAX_TITLE


def _optional_int(value):
    return int(value) if value not in (None, "", "None") else None


class GuideForm(FlaskForm):
    kind = SelectField(
        _l("类别"),
        choices=[SelectChoice(code, _l(k.label)) for code, k in KINDS.items()],
        # The service refuses an unknown kind with its own message (and the field named).
        validate_choice=False,
        validators=[DataRequired()],
    )
    title = StringField(
        _l("标题"), validators=[DataRequired(_l("请填写标题")), Length(max=MAX_TITLE)]
    )
    #: Among the offices the author covers (the view fills the choices; the service checks).
    office_id = SelectField(
        _l("发布机构"), coerce=_optional_int, validate_choice=False, validators=[Optional()]
    )
    issuing_body = StringField(_l("发文机关"), validators=[Optional(), Length(max=MAX_SHORT)])
    doc_number = StringField(_l("文号"), validators=[Optional(), Length(max=MAX_SHORT)])
    effective_on = DateField(_l("施行日期"), validators=[Optional()])
    body = TextAreaField(_l("正文"), validators=[Length(max=MAX_BODY)])


class NewGuideForm(GuideForm):
    """A new draft: posted twice, it is saved once (app.once)."""

    once = OnceField("guide")


class AttachmentForm(FlaskForm):
    once = OnceField("guide-attachment")
    file = FileField(_l("附件（PDF或图片）"), validators=[FileRequired(_l("请选择要上传的文件"))])


class ConfirmForm(FlaskForm):
    """A button that only carries the CSRF token (remove an attachment)."""


class PublishForm(FlaskForm):
    confirm = confirmation(_l("我已核对预览，确认发布"))


class DeleteDraftForm(FlaskForm):
    confirm = confirmation(_l("确认删除此草稿及其附件：删除后不能恢复"))


class WithdrawForm(FlaskForm):
    reason = StringField(
        _l("废止或停用的原因"),
        validators=[DataRequired(_l("请说明废止或停用的原因")), Length(max=MAX_REASON)],
    )
    confirm = confirmation(_l("确认废止或停用：文件将移出公开列表，页面保留并标明已废止或已停用"))
