"""Forms of suspending and resuming a trading (暂停/恢复, art. 62) on the staff project page."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

from flask_babel import lazy_gettext as _l
from wtforms import DateField, DateTimeLocalField, IntegerField, TextAreaField
from wtforms.validators import DataRequired, Length, NumberRange, Optional

from app.forms import FlaskForm
from app.workdays import TZ
from contracts import rules

MEETING_FORMAT = "%Y-%m-%dT%H:%M"


class SuspendForm(FlaskForm):
    reason = TextAreaField(
        _l("暂停理由（将公告）"),
        validators=[DataRequired(_l("请填写理由")), Length(max=rules.REASON_MAX)],
    )
    complaint_id = IntegerField(
        _l("相关投诉编号（可不填）"),
        validators=[Optional(), NumberRange(1, 2**31 - 1, _l("投诉编号无效"))],
    )


class ResumeForm(FlaskForm):
    """The reason, and new times when the old ones passed during the suspension: the response
    deadline is given as its last day (responses close at 00:00 after it, like a publicity)."""

    reason = TextAreaField(
        _l("恢复理由（将公告）"),
        validators=[DataRequired(_l("请填写理由")), Length(max=rules.REASON_MAX)],
    )
    new_responses_last_day = DateField(
        _l("新的响应截止日（当日24时截止，可不填）"), validators=[Optional()]
    )
    new_meeting_at = DateTimeLocalField(
        _l("新的定标会议时间（北京时间，可不填）"),
        format=MEETING_FORMAT,
        validators=[Optional()],
    )

    def responses_close_at(self) -> datetime | None:
        day: date | None = self.new_responses_last_day.data
        if day is None:
            return None
        return datetime.combine(day + timedelta(days=1), time(0, 0), tzinfo=TZ)

    def meeting_moment(self) -> datetime | None:
        moment = self.new_meeting_at.data
        return moment.replace(tzinfo=TZ) if moment is not None else None
