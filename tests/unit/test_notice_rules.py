"""Pure notice rules: minimum publicity per type, states derived from the clock, lateness."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from notices import markup, rules

TYPES = st.sampled_from(sorted(rules.NOTICE_TYPES))


def test_the_minimums_are_those_of_the_procedure():
    minimums = {
        code: t.min_working_days for code, t in rules.NOTICE_TYPES.items() if t.min_working_days
    }
    assert minimums == {
        "pool_call": 10,
        "review_result": 3,
        "roster_publicity": 5,
        "trading_notice": 3,
    }


def test_the_types_are_exactly_the_api_list():
    assert set(rules.NOTICE_TYPES) == {
        "pool_call",
        "review_result",
        "roster_publicity",
        "roster",
        "trading_notice",
        "trading_result",
        "trading_failed",
        "complaint_decision",
        "sanction",
        "correction",
        "policy",
    }


@given(TYPES, st.one_of(st.none(), st.integers(-5, 40)))
def test_required_days_is_never_below_the_minimum_and_never_silently_changes_a_request(
    code, requested
):
    minimum = rules.NOTICE_TYPES[code].min_working_days
    try:
        days = rules.required_days(code, requested)
    except ValueError:
        assert requested is not None and (
            requested < 1 or (minimum is not None and requested < minimum)
        )
        return
    if requested is None:
        assert days == minimum
    else:
        assert days == requested and requested >= (minimum or 1)


@given(st.datetimes(timezones=st.just(UTC)), st.integers(-(10**6), 10**6))
def test_a_publicity_runs_until_its_exclusive_end(end, offset):
    now = end + timedelta(seconds=offset)
    state = rules.publicity_state(end, now)
    assert state == (rules.Publicity.RUNNING if now < end else rules.Publicity.ENDED)


def test_a_notice_without_publicity_has_no_state():
    assert rules.publicity_state(None, datetime.now(UTC)) == rules.Publicity.NONE


def test_a_notice_is_late_when_published_after_its_deadline_or_still_unpublished_past_it():
    due = datetime(2026, 11, 2, 8, tzinfo=UTC)
    assert rules.is_late(due + timedelta(minutes=1), due, due)
    assert not rules.is_late(due, due, due + timedelta(days=3))
    assert rules.is_late(None, due, due + timedelta(seconds=1))
    assert not rules.is_late(None, None, due)


@pytest.mark.parametrize(
    "hostile",
    [
        "<script>alert(1)</script>",
        '<img src=x onerror="alert(1)">',
        "[click](javascript:alert(1))",
        '<a href="https://x.example" onclick="steal()">x</a>',
        "<iframe src=https://evil.example></iframe>",
    ],
)
def test_a_notice_body_cannot_carry_scripts(hostile):
    html = markup.render(hostile)
    for bad in ("<script", "onerror", "javascript:", "onclick", "<iframe", "<img"):
        assert bad not in html.lower()


def test_a_notice_body_keeps_its_formatting():
    html = markup.render(
        "**控制价**\n\n| 类别 | 数量 |\n|---|---|\n| 建筑工程 | 30 |\n\n- 一\n- 二"
    )
    assert "<strong>控制价</strong>" in html and "<table>" in html and "<li>一</li>" in html


def test_the_objections_text_of_a_trading_notice_says_where_to_object_and_to_complain():
    from datetime import date

    from notices.rules import objections_text

    zh, en = objections_text("trading_notice", "洪塘街道", date(2026, 12, 8), "江北区公管办")
    assert "（2026-12-08 24:00前）向洪塘街道书面提出" in zh
    assert "10日内向江北区公管办投诉" in zh and "第六十条" in zh
    assert "(2026-12-08 24:00)" in en and "art. 60" in en
    pool, _en = objections_text("pool_call", "江北区公管办", None)
    assert "公示期结束前向江北区公管办书面提出" in pool and "投诉" not in pool


def test_a_body_with_its_own_objections_section_is_recognised():
    from notices.rules import body_states_objections

    assert body_states_objections("正文\n\n## 异议与投诉\n\n对本公告有异议的……")
    assert not body_states_objections("对本公告有异议的，请提出；异议与投诉见下。")


@given(
    st.lists(st.none() | st.datetimes(timezones=st.just(UTC)), max_size=6),
    st.datetimes(timezones=st.just(UTC)),
    st.datetimes(timezones=st.just(UTC)),
)
def test_no_publicity_changes_state_within_its_span(ends, now, other):
    """What the home page keeps (app.home.home_lists) holds for the span, and the span is
    the widest that does: an end at each side, unless there is none."""
    since, until = rules.publicity_span(ends, now)
    assert since <= now < until
    if since <= other < until:
        assert [rules.publicity_state(e, other) for e in ends] == [
            rules.publicity_state(e, now) for e in ends
        ]
    assert since == max((e for e in ends if e is not None and e <= now), default=since)
    assert until == min((e for e in ends if e is not None and e > now), default=until)
    assert since in ends or since.year == 1
    assert until in ends or until.year == 9999
