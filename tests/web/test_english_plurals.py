"""English counts agree with their number: "1 company", "2 companies" (ngettext, not a format
string with the plural built in)."""

from __future__ import annotations

import pytest
from flask_babel import ngettext

FLAGGED = (
    "有%(n)d家企业的中选次数明显多于公平摇号所能解释的次数（校正后p值小于%(alpha)s），见表中标记。"
)
OTHERS = "其余%(n)d家企业"


def test_the_stats_page_says_one_company_and_two_companies(app):
    with app.test_request_context(headers={"Cookie": "lang=en"}):
        one = ngettext(FLAGGED, FLAGGED, 1, n=1, alpha="0.05")
        two = ngettext(FLAGGED, FLAGGED, 2, n=2, alpha="0.05")
        assert one.startswith("1 company won") and "it is marked" in one
        assert two.startswith("2 companies won")
        assert ngettext(OTHERS, OTHERS, 1, n=1) == "The other 1 company"


@pytest.mark.parametrize(
    ("msgid", "variables", "one"),
    [
        ("响应企业%(n)d家", {}, "1 respondent"),
        ("共%(n)d条", {}, "1 entry"),
        ("%(n)d个项目", {}, "1 project"),
        ("重发%(n)d次", {}, "re-sent once"),
        ("现场公开随机数（%(n)d项）", {}, "Public entropy (1 entry)"),
        (
            "已短信通知 %(n)d 家入围企业，其中 %(m)d 家已确认送达",
            {"m": 1},
            "1 pool member was notified by SMS; delivery confirmed: 1",
        ),
    ],
)
def test_other_counts_say_one_in_the_singular(app, msgid, variables, one):
    with app.test_request_context(headers={"Cookie": "lang=en"}):
        assert ngettext(msgid, msgid, 1, n=1, **variables) == one
        assert ngettext(msgid, msgid, 2, n=2, **variables) != one
