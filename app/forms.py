"""The house forms: every form of the platform derives from `FlaskForm` or `Form` here.

They add, for every field of every form, without a view or a form having to ask:
- WTForms' own messages ("Not a valid integer value.", "'1' is not a valid choice…") in the
  request's language — WTForms ships a Chinese catalogue, which lacks a few messages (fuzzy or
  untranslated there); those are filled in below;
- no control characters: a single-line field refuses every C0 control character and DEL, a
  multi-line one (textarea) all but tab and line breaks. NUL never reaches a form at all (see
  `app.inputs`); the others would be stored invisibly and break notices, PDFs and SMS;
- integers a database column can hold: an `IntegerField` beyond PostgreSQL's INTEGER is refused
  with a message instead of failing in the database.

The checks are added in `Meta.bind_field`, the hook WTForms calls for each field it binds,
including the fields of a `FormField` sub-form (which is why sub-forms derive from `Form` here).
`tests/unit/test_forms_base.py` fails if a form class of the platform bypasses these bases.
"""

from __future__ import annotations

import re

import flask_wtf
import wtforms
from flask import abort, flash
from flask_babel import get_locale
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from flask_wtf.i18n import translations as flask_wtf_translations
from wtforms.fields import BooleanField, HiddenField, IntegerField, StringField, TextAreaField
from wtforms.validators import DataRequired, ValidationError

from app import i18n, once
from app.errors import Forbidden, NotFound
from app.refusal import Refusal
from app.urls import MAX_ID

#: C0 controls and DEL: none belongs in a name, a number or a title.
SINGLE_LINE_CONTROLS = re.compile("[\x00-\x1f\x7f]")
#: A text area keeps tabs and line breaks.
MULTI_LINE_CONTROLS = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")

CONTROL_MESSAGE = _l("含有不允许的控制字符")
RANGE_MESSAGE = _l("数值超出允许范围")
#: An irreversible button posted without its confirmation box ticked.
CONFIRMATION_MESSAGE = _l("请勾选确认")

#: WTForms messages its Chinese catalogue leaves in English (fuzzy or missing there).
_CHINESE_FILL_INS = {
    "Date must be at least %(min)s.": "日期不能早于%(min)s。",
    "Date must be at most %(max)s.": "日期不能晚于%(max)s。",
    "Date must be between %(min)s and %(max)s.": "日期应在%(min)s至%(max)s之间。",
    "This field cannot be edited.": "该字段不能编辑。",
    "This field is disabled and cannot have a value.": "该字段已停用，不能填写。",
    "'%(value)s' is not a valid choice for this field.": "“%(value)s”不是该字段的有效选项。",
    "'%(value)s' are not valid choices for this field.": "“%(value)s”不是该字段的有效选项。",
    "Not a valid week value.": "不是有效的周。",
}


def _chinese() -> bool:
    locale = get_locale()
    return locale is None or locale.language == "zh"


class _WTFormsMessages:
    """WTForms' messages in the request's language (Flask-WTF's catalogue, gaps filled)."""

    def gettext(self, string: str) -> str:
        text = flask_wtf_translations.gettext(string)
        if text == string and _chinese():
            return _CHINESE_FILL_INS.get(string, string)
        return text

    def ngettext(self, singular: str, plural: str, n: int) -> str:
        text = flask_wtf_translations.ngettext(singular, plural, n)
        if text in (singular, plural) and _chinese():
            return _CHINESE_FILL_INS.get(text, text)
        return text


wtforms_messages = _WTFormsMessages()


class NoControlCharacters:
    """Refuses control characters in what was posted (raw, before any filter or coercion)."""

    def __init__(self, multiline: bool = False):
        self.pattern = MULTI_LINE_CONTROLS if multiline else SINGLE_LINE_CONTROLS

    def __call__(self, form, field) -> None:
        for value in field.raw_data or ():
            if isinstance(value, str) and self.pattern.search(value):
                raise ValidationError(str(CONTROL_MESSAGE))


def within_integer_column(form, field) -> None:
    """An integer a PostgreSQL INTEGER column holds (-2**31 … 2**31-1)."""
    if isinstance(field.data, int) and not -MAX_ID - 1 <= field.data <= MAX_ID:
        raise ValidationError(str(RANGE_MESSAGE))


def house_validators(field) -> list:
    """The checks a bound field gets after its own: text fields (StringField and its kinds:
    password, hidden, text area…) no control characters; integer fields the column's range.
    Other fields parse their input into dates, choices or lists and refuse what does not parse;
    a custom field (the draws' HiddenList) leaves its values to the rule that owns them."""
    checks: list = []
    if isinstance(field, StringField):
        checks.append(NoControlCharacters(multiline=isinstance(field, TextAreaField)))
    if isinstance(field, IntegerField):
        checks.append(within_integer_column)
    return checks


class HouseMeta:
    """Mixed into the Meta of both bases below (WTForms merges the Meta classes of a form's MRO)."""

    def get_translations(self, form):
        return wtforms_messages

    def bind_field(self, form, unbound_field, options):
        field = super().bind_field(form, unbound_field, options)
        field.validators = [*field.validators, *house_validators(field)]
        return field


def confirmation(label) -> BooleanField:
    """The box an irreversible button needs ticked (确认发布, 删除草稿, 备案, 作废抽签): posted
    without it, the form does not validate and the view shows the page again (400) with
    "请勾选确认" on the box — nothing is changed. It works without JavaScript; the template
    draws it with `confirm_box` (templates/_macros/forms.html).

    It lives in the form, not in a service, on purpose: it is the page's question "did you mean
    it?", not a rule of the procedure. The services' callers that are not pages (the demo, the
    scheduler, tests, the API) act deliberately already; what a service must refuse — a notice
    changed since its preview, a project changed since it was reviewed — it refuses itself."""
    return BooleanField(label, validators=[DataRequired(CONFIRMATION_MESSAGE)])


class OnceField(HiddenField):
    """The once-only token of a create form (`app.once`): drawn as a hidden input holding a fresh
    token, or the posted one while it is valid (a form shown again after a refusal is still the
    same submission). Posted absent, altered or for another form, the form does not validate and
    says why; the service checks the token again when it claims it.

    `kind` names the form (e.g. "notice"): the service claims the token for the same kind."""

    def __init__(self, kind: str, label=None, **kwargs):
        super().__init__(label or _l("表单凭证"), **kwargs)
        self.kind = kind

    def process_formdata(self, valuelist) -> None:
        # Absent means absent: never the default a StringField would keep.
        self.data = valuelist[0] if valuelist else ""

    def pre_validate(self, form) -> None:
        try:
            once.check(self.data, self.kind, current_user)
        except once.SubmissionRefused as e:
            raise ValidationError(i18n.localized(e)) from None

    def _value(self) -> str:
        try:
            once.check(self.data, self.kind, current_user)
        except once.SubmissionRefused:
            return once.issue(self.kind, current_user)
        return self.data


class FlaskForm(flask_wtf.FlaskForm):
    """Flask-WTF's form (CSRF, request data) with the house rules above."""

    Meta = HouseMeta


class Form(wtforms.Form):
    """A sub-form (for `FormField`) with the house rules above; it carries no CSRF token."""

    Meta = HouseMeta


def abort_for_role_or_record(error: Refusal) -> None:
    """A role refused answers 403, an unknown record 404; any other refusal returns."""
    if isinstance(error, Forbidden):
        abort(403)
    if isinstance(error, NotFound):
        abort(404)


def error_onto(form, error: Refusal, *, summary: bool = False) -> None:
    """A refused action back where the user acted (nothing was changed).

    A role refused answers 403 and an unknown record 404. Otherwise the message, in the request's
    language, goes on the field the error names when `form` has it (a list of rows included);
    an error naming a field the form lacks (a group of inputs, e.g. a call's quotas) goes on the
    form as a whole (`form.form_errors`, drawn by the error summary); an error naming no field is
    flashed — or, with `summary=True`, goes on the form as a whole too (pages whose forms are
    steps drawn with their own summary, e.g. the trading steps).
    """
    abort_for_role_or_record(error)
    message = i18n.localized(error)
    if form is None:
        flash(message, "error")
    elif error.field and error.field in form:
        target = form[error.field]
        target.errors = [*target.errors, message]
    elif error.field or summary:
        form.form_errors.append(message)
    else:
        flash(message, "error")
