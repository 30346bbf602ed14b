"""Forms of the staff notice pages."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf.file import FileField, FileRequired
from wtforms import DateTimeLocalField, IntegerField, SelectField, StringField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Length, NumberRange, Optional

from app.forms import FlaskForm, OnceField, confirmation
from notices.rules import BY_HAND, NOTICE_TYPES


def _optional_int(value):
    return int(value) if value not in (None, "", "None") else None


class NoticeForm(FlaskForm):
    type = SelectField(
        _l("公告类型"),
        # Offers only what staff may write by hand. The service decides (notices.services): the
        # choice is not checked here, so a posted service-only type gets the service's message.
        choices=[SelectChoice(code, _l(NOTICE_TYPES[code].label)) for code in BY_HAND],
        validate_choice=False,
        validators=[DataRequired()],
    )
    title = StringField(_l("标题"), validators=[DataRequired(_l("请填写标题")), Length(max=200)])
    #: The issuing office, among those the author covers (the view fills the choices; the
    #: service refuses another office).
    office_id = SelectField(
        _l("发布机构"), coerce=_optional_int, validate_choice=False, validators=[Optional()]
    )
    #: Blank: the issuing office's name (notices.services).
    issuing_body = StringField(_l("公开主体"), validators=[Optional(), Length(max=200)])
    legal_basis = StringField(_l("公开依据"), validators=[Optional(), Length(max=500)])
    body = TextAreaField(_l("正文"), validators=[Length(max=50_000)])
    min_working_days = IntegerField(
        _l("公示期（工作日）"),
        validators=[Optional(), NumberRange(1, 60, _l("公示期应为1至60个工作日"))],
    )
    publish_due_at = DateTimeLocalField(
        _l("公开时限（北京时间）"), format="%Y-%m-%dT%H:%M", validators=[Optional()]
    )
    corrects_id = SelectField(_l("被更正的公告"), coerce=_optional_int, validators=[Optional()])


class NewNoticeForm(NoticeForm):
    """A new draft: posted twice, it is saved once (app.once)."""

    once = OnceField("notice")


class AttachmentForm(FlaskForm):
    once = OnceField("notice-attachment")
    file = FileField(_l("附件（PDF或图片）"), validators=[FileRequired(_l("请选择要上传的文件"))])


class ConfirmForm(FlaskForm):
    """A button that only carries the CSRF token (remove an attachment, send SMS)."""


class PublishForm(FlaskForm):
    """确认发布: a published notice cannot be changed or withdrawn, so the box must be ticked."""

    confirm = confirmation(_l("我已核对预览，确认发布：发布后不能修改或删除，只能另发更正公告"))


class DeleteDraftForm(FlaskForm):
    """删除草稿: the draft and its attachments are removed for good, so the box must be ticked."""

    confirm = confirmation(_l("确认删除此草稿及其附件：删除后不能恢复"))
