"""One locale helper (app.i18n) and gettext: labels and refusals read in the request's language."""

from __future__ import annotations

from contextlib import contextmanager

import pytest
from flask_babel import refresh

from app import i18n
from app.errors import DomainError
from contractors.views.public import decision_label


@contextmanager
def _in(app, lang: str):
    with app.test_request_context("/", headers={"Cookie": f"lang={lang}"}):
        refresh()  # the fixture's app context outlives one request: forget its locale
        yield


@pytest.mark.parametrize(
    ("lang", "expected"),
    [
        ("zh", ["待审查", "合格", "不合格"]),
        ("en", ["Pending", "Qualified", "Not qualified"]),
    ],
)
def test_the_review_decisions_read_in_the_request_language(app, lang, expected):
    with _in(app, lang):
        assert [decision_label(d) for d in (None, "pass", "fail")] == expected


def test_a_pair_and_a_refusal_follow_the_request_and_default_to_chinese(app):
    error = DomainError("已关闭", "Closed")
    with _in(app, "en"):
        assert (i18n.loc("是", "Yes"), i18n.label(("是",)), error.localized()) == (
            "Yes",
            "是",  # a label without English stays Chinese
            "Closed",
        )
    with _in(app, "zh"):
        assert (i18n.loc("是", "Yes"), error.localized()) == ("是", "已关闭")
    assert i18n.loc("是", "Yes") == "是"  # no request: a CLI command, a job
