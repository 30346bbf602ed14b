"""Forms of the staff and reviewer pool pages: the call, consultation, meeting, review decisions,
objection answers, the meeting's entropy and the buttons that only carry a CSRF token."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import (
    DateField,
    DateTimeLocalField,
    HiddenField,
    IntegerField,
    RadioField,
    SelectField,
    StringField,
    TextAreaField,
)
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional

from app.forms import FlaskForm, OnceField
from app.i18n import loc
from contractors import rules
from lottery import forms as draw_forms

QUOTA_PREFIX = "quota_"


class CallForm(FlaskForm):
    """A call's draft. One quota input per category is added by `call_form` (0/empty: not offered)."""

    title = StringField(_l("标题"), validators=[DataRequired(_l("请填写标题")), Length(max=200)])
    requirements = TextAreaField(_l("申请条件"), validators=[Length(max=20_000)])
    valid_from = DateField(
        _l("名录库有效期自"), validators=[InputRequired(_l("请填写有效期开始日期"))]
    )
    valid_until = DateField(
        _l("名录库有效期至"), validators=[InputRequired(_l("请填写有效期结束日期"))]
    )
    publicity_days = IntegerField(
        _l("征集公告公示期（工作日）"),
        validators=[
            Optional(),
            NumberRange(rules.CALL_DAYS, 60, _l("公示期应为10至60个工作日")),
        ],
    )
    meeting_place = StringField(_l("摇号会议地点"), validators=[Optional(), Length(max=200)])

    def quota_fields(self):
        return [f for f in self if f.name.startswith(QUOTA_PREFIX)]

    def quotas(self) -> tuple[tuple[str, int], ...]:
        """(category code, quota) of the categories offered, in the order of the inputs."""
        return tuple(
            (f.name.removeprefix(QUOTA_PREFIX), f.data) for f in self.quota_fields() if f.data
        )


def call_form(categories, districts=None, *, new: bool = False, **kwargs) -> CallForm:
    """A CallForm with one quota input per category (`quota_<code>`), labelled with its name;
    with `districts` (for an account bound to no district: the deployment's administrator), a
    choice of the district whose pool the call fills; `new`: a new draft's once-only token
    (app.once), so posted twice it is drafted once."""

    class _CallForm(CallForm):
        pass

    if new:
        _CallForm.once = OnceField("pool-call")

    if districts:
        _CallForm.office = SelectField(
            _l("所属区公管办"),
            choices=[SelectChoice(str(d.id), d.name) for d in districts],
            validators=[InputRequired(_l("请选择征集所属的区公管办"))],
        )

    for c in categories:
        setattr(
            _CallForm,
            QUOTA_PREFIX + c.code,
            IntegerField(
                c.name,
                validators=[Optional(), NumberRange(0, 999, _l("入围数量应为0至999"))],
            ),
        )
    return _CallForm(**kwargs)


class ConsultForm(FlaskForm):
    opinion = TextAreaField(
        _l("会商意见"), validators=[DataRequired(_l("请填写会商意见")), Length(max=5000)]
    )
    agrees = RadioField(
        _l("是否同意发布"),
        choices=[
            SelectChoice("yes", _l("同意")),
            SelectChoice("no", _l("不同意，须修改后重新会商")),
        ],
        validators=[InputRequired(_l("请选择是否同意"))],
    )


class MeetingForm(FlaskForm):
    meeting_at = DateTimeLocalField(
        _l("摇号会议时间（北京时间）"),
        format="%Y-%m-%dT%H:%M",
        validators=[InputRequired(_l("请填写会议时间"))],
    )
    meeting_place = StringField(
        _l("摇号会议地点"), validators=[DataRequired(_l("请填写摇号会议地点")), Length(max=200)]
    )


class PrefixedForm(FlaskForm):
    """A form of which one page shows many, each under its own prefix (`e12-decision`).

    Its CSRF token is the page's plain `csrf_token` field, checked by CSRFProtect on every POST
    (app.extensions.csrf): a prefixed form's own token field would be `e12-csrf_token`.
    """

    class Meta:
        csrf = False


def _reason_choices(reasons):
    return [
        SelectChoice("", _l("（请选择）")),
        *(SelectChoice(r.code, loc(r.label, r.label_en or r.label)) for r in reasons),
    ]


class DecisionForm(PrefixedForm):
    """One entry's decision; prefixed `e<entry id>` so many sit on one page."""

    decision = RadioField(
        _l("审查结论"),
        choices=[SelectChoice(rules.PASS, _l("合格")), SelectChoice(rules.FAIL, _l("不合格"))],
        validators=[InputRequired(_l("请选择审查结论"))],
    )
    reason_code = SelectField(_l("不合格理由"), validators=[Optional()])
    reason_text = TextAreaField(_l("具体说明"), validators=[Length(max=500)])

    def set_reasons(self, reasons) -> DecisionForm:
        self.reason_code.choices = _reason_choices(reasons)
        return self


class RosterAnswerForm(PrefixedForm):
    """A roster objection's answer (public); prefixed `r<objection id>`."""

    answer = TextAreaField(
        _l("答复内容（将公开）"), validators=[DataRequired(_l("请填写答复内容")), Length(max=5000)]
    )
    upheld = RadioField(
        _l("异议是否成立"),
        choices=[
            SelectChoice("no", _l("异议不成立")),
            SelectChoice("yes", _l("异议成立")),
        ],
        validators=[InputRequired(_l("请选择异议是否成立"))],
    )


class AnswerForm(PrefixedForm):
    """An objection's answer; prefixed `o<objection id>`."""

    answer = TextAreaField(
        _l("答复内容（将公开）"), validators=[DataRequired(_l("请填写答复内容")), Length(max=5000)]
    )
    upheld = RadioField(
        _l("异议是否成立"),
        choices=[
            SelectChoice("yes", _l("成立，更正审查结果")),
            SelectChoice("no", _l("不成立，维持原结论")),
        ],
        validators=[InputRequired(_l("请选择异议是否成立"))],
    )
    reason_code = SelectField(_l("更正为不合格时的理由"), validators=[Optional()])
    reason_text = TextAreaField(_l("具体说明"), validators=[Length(max=500)])

    def set_reasons(self, reasons) -> AnswerForm:
        self.reason_code.choices = _reason_choices(reasons)
        return self


class EntropyForm(PrefixedForm, draw_forms.EntropyForm):
    """The meeting's entries (lottery.forms), prefixed `c<category code>`: one per category on the
    timeline."""


class ConfirmSettleForm(draw_forms.ConfirmDrawForm):
    """The review step's button: the entries as shown and the candidates' fingerprint, hidden.

    Without a fingerprint the confirmation still reaches the service, which refuses it as a list
    changed since the review: a message on the timeline rather than a bare 400."""

    candidates_digest = HiddenField()


class ConfirmForm(FlaskForm):
    """A button that only carries the CSRF token (publish steps)."""
