"""Forms of the staff trading pages: the trading notice (with its rate options given as a list or
as a range), its confirmation, the bulletin-board posting and the award meeting's entropy."""

from __future__ import annotations

import re
from datetime import datetime

from flask_babel import lazy_gettext as _l
from flask_wtf.file import FileField
from wtforms import DateTimeLocalField, HiddenField, IntegerField, StringField, TextAreaField
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional

from app.forms import FlaskForm, OnceField
from app.i18n import localized
from app.workdays import TZ
from contracts import rules
from lottery.forms import ConfirmDrawForm, EntropyForm, HiddenList

MAX_RATE_OPTIONS = rules.MAX_RATE_OPTIONS
MEETING_FORMAT = "%Y-%m-%dT%H:%M"
_SEPARATORS = re.compile(r"[\s,，、;；]+")


def parse_rate_list(text: str | None) -> list[str]:
    """ "3.00, 3.50, 4.00" or one per line (a trailing % is allowed) → the items as typed."""
    return [item.removesuffix("%") for item in _SEPARATORS.split(text or "") if item]


class AnnounceForm(FlaskForm):
    """The trading notice: the meeting, the publicity and the discount-rate options — either
    listed (`rates`) or generated from `rate_min` to `rate_max` by `rate_step`. The publicity
    comes first: the earliest meeting depends on it (services.earliest_meeting)."""

    publicity_days = IntegerField(
        _l("交易公告公示期（工作日）"),
        default=3,
        validators=[
            InputRequired(_l("请填写公示期")),
            NumberRange(3, 30, _l("公示期应为3至30个工作日")),
        ],
    )
    meeting_at = DateTimeLocalField(
        _l("定标会议时间（北京时间）"),
        format=MEETING_FORMAT,
        validators=[InputRequired(_l("请填写定标会议时间"))],
    )
    meeting_place = StringField(
        _l("定标会议地点"),
        validators=[DataRequired(_l("请填写定标会议地点")), Length(max=200)],
    )
    rates = TextAreaField(_l("下浮率选项（%），逐项列出"), validators=[Length(max=3000)])
    rate_min = StringField(_l("最小下浮率（%）"), validators=[Optional(), Length(max=20)])
    rate_max = StringField(_l("最大下浮率（%）"), validators=[Optional(), Length(max=20)])
    rate_step = StringField(_l("步长（%）"), validators=[Optional(), Length(max=20)])

    #: The checked options ("3.00", …) once `validate` passed.
    rate_options: list[str] | None = None

    def meeting_moment(self) -> datetime:
        """The meeting time typed in Beijing time, as an aware datetime."""
        return self.meeting_at.data.replace(tzinfo=TZ)

    def validate(self, extra_validators=None) -> bool:
        ok = super().validate(extra_validators)
        self.rate_options = None
        listed = (self.rates.data or "").strip()
        ranged = [
            f for f in (self.rate_min, self.rate_max, self.rate_step) if (f.data or "").strip()
        ]
        if listed and ranged:
            self.rates.errors.append(
                _l("请只用一种方式给出下浮率：逐项列出，或填写最小值、最大值和步长")
            )
            return False
        if not listed and not ranged:
            self.rates.errors.append(_l("请给出下浮率选项：逐项列出，或填写最小值、最大值和步长"))
            return False
        options = self._listed() if listed else self._ranged()
        if options is None:
            return False
        self.rate_options = options
        return ok

    def _error(self, e: rules.RuleError, default) -> None:
        """A rule's refusal on the field it names (else on `default`)."""
        field = getattr(self, e.field, None) if e.field else None
        (field if field is not None else default).errors.append(localized(e))

    def _listed(self) -> list[str] | None:
        try:
            return rules.check_rates(parse_rate_list(self.rates.data))
        except rules.RuleError as e:
            self._error(e, self.rates)
            return None

    def _ranged(self) -> list[str] | None:
        fields = (self.rate_min, self.rate_max, self.rate_step)
        if any(not (f.data or "").strip() for f in fields):
            self.rate_min.errors.append(_l("请同时填写最小下浮率、最大下浮率和步长"))
            return None
        try:
            return rules.rate_range(*((f.data or "").strip().removesuffix("%") for f in fields))
        except rules.RuleError as e:
            self._error(e, self.rates)
            return None


class ConfirmAnnounceForm(FlaskForm):
    """The review step's button: what was reviewed rides along hidden and is published as is."""

    meeting_at = HiddenField(validators=[DataRequired()])
    meeting_place = HiddenField(validators=[DataRequired(), Length(max=200)])
    publicity_days = HiddenField(validators=[DataRequired()])
    rates = HiddenList()
    #: The project's fingerprint on the review page (contracts.services.fingerprint).
    reviewed = HiddenField()

    def validate(self, extra_validators=None) -> bool:
        return super().validate(extra_validators) and len(self.rates.data or []) <= MAX_RATE_OPTIONS

    def meeting_moment(self) -> datetime | None:
        try:
            return datetime.strptime(self.meeting_at.data or "", MEETING_FORMAT).replace(tzinfo=TZ)
        except ValueError:
            return None

    def days(self) -> int | None:
        value = self.publicity_days.data or ""
        return int(value) if value.isascii() and value.isdigit() and len(value) < 4 else None


class PostingForm(FlaskForm):
    """A bulletin-board posting: who, when, where, and optionally a photo."""

    once = OnceField("bulletin-posting")
    posted_by = StringField(
        _l("张贴人"), validators=[DataRequired(_l("请填写张贴人")), Length(max=100)]
    )
    posted_at = DateTimeLocalField(
        _l("张贴时间（北京时间）"),
        format=MEETING_FORMAT,
        validators=[InputRequired(_l("请填写张贴时间"))],
    )
    place = StringField(
        _l("张贴地点"), validators=[DataRequired(_l("请填写张贴地点")), Length(max=200)]
    )
    photo = FileField(_l("张贴照片（可选，PNG、JPEG或WebP）"))

    def posted_moment(self) -> datetime:
        return self.posted_at.data.replace(tzinfo=TZ)


class MeetingEntropyForm(EntropyForm):
    """The attendees' entropy at the award meeting, one entry a line (used by both draws)."""


class ConfirmMeetingForm(ConfirmDrawForm):
    """The review step's button: the entries as shown and the respondents' fingerprint, hidden."""
