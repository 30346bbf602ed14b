"""app.forms.error_onto: one place for a refusal — its field, the form as a whole, or a flash."""

from __future__ import annotations

import pytest
from flask import get_flashed_messages
from werkzeug.exceptions import Forbidden as Http403
from werkzeug.exceptions import NotFound as Http404
from wtforms import StringField

from app.errors import DomainError, Forbidden, NotFound
from app.forms import FlaskForm, error_onto


class _Form(FlaskForm):
    class Meta:
        csrf = False

    title = StringField()


def _placed(app, error, **kwargs):
    with app.test_request_context("/"):
        form = _Form()
        error_onto(form, error, **kwargs)
        return list(form.title.errors), form.form_errors, get_flashed_messages()


def test_a_refusal_naming_a_field_of_the_form_goes_on_that_field(app):
    assert _placed(app, DomainError("太长", field="title")) == (["太长"], [], [])


def test_a_refusal_naming_a_field_the_form_lacks_goes_on_the_form_as_a_whole(app):
    assert _placed(app, DomainError("类别", field="categories")) == ([], ["类别"], [])


def test_a_refusal_naming_no_field_is_flashed_or_summarised_when_asked(app):
    assert _placed(app, DomainError("已关闭")) == ([], [], ["已关闭"])
    assert _placed(app, DomainError("已关闭"), summary=True) == ([], ["已关闭"], [])


@pytest.mark.parametrize(("error", "answer"), [(Forbidden, Http403), (NotFound, Http404)])
def test_a_refused_role_or_an_unknown_record_answers_403_or_404(app, error, answer):
    with pytest.raises(answer):
        _placed(app, error("不可", field="title"))
