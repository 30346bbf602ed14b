"""Pure trading rules: the contract price against an exact reference, rate lists, scope, state."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone
from decimal import Decimal
from fractions import Fraction

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from contracts import rules

THRESHOLDS = {"construction": Decimal("4000000"), "supervision": Decimal("1000000")}
MIN = Decimal("100000")


def reference(control: Decimal, part: Decimal, rate: Decimal) -> Decimal:
    """(control − part) × (1 − rate/100) + part in exact fractions, half-up to the fen."""
    exact = (Fraction(control) - Fraction(part)) * (1 - Fraction(rate) / 100) + Fraction(part)
    fen = exact * 100
    whole = fen.numerator // fen.denominator
    if fen - whole >= Fraction(1, 2):
        whole += 1
    return Decimal(whole) / 100


def test_the_design_example_gives_1_129_629_62():
    assert rules.contract_price(Decimal("1234567.89"), Decimal("0"), "8.50") == Decimal(
        "1129629.62"
    )


@given(
    control_fen=st.integers(min_value=1, max_value=10**11),
    part_share=st.fractions(min_value=0, max_value=1),
    rate_bp=st.integers(min_value=1, max_value=9999),
)
def test_the_contract_price_equals_the_exact_reference(control_fen, part_share, rate_bp):
    control = Decimal(control_fen) / 100
    part = (Decimal(int(control_fen * part_share)) / 100).quantize(rules.FEN)
    rate = (Decimal(rate_bp) / 100).quantize(rules.FEN)
    assert rules.contract_price(control, part, rate) == reference(control, part, rate)


def test_a_rate_list_is_normalised_in_order():
    assert rules.check_rates(["3", "3.5", Decimal("8.00")]) == ["3.00", "3.50", "8.00"]


@pytest.mark.parametrize("rates", [["3.00", "3.0"], ["0"], ["100"], ["-1"], ["3.005"], ["x"], []])
def test_a_bad_rate_list_is_refused(rates):
    with pytest.raises(rules.RuleError):
        rules.check_rates(rates)


def test_an_amount_with_more_than_two_decimals_is_refused():
    with pytest.raises(rules.RuleError, match="两位小数"):
        rules.check_amount("862300.001", "control_price", "控制价")
    assert rules.check_amount("862300.1", "control_price", "控制价") == Decimal("862300.10")


@pytest.mark.parametrize(
    ("kind", "estimate"),
    [
        ("construction", "99999.99"),
        ("construction", "4000000"),
        ("supervision", "1000000"),
        ("other", "200000"),
    ],
)
def test_an_estimate_out_of_scope_is_refused(kind, estimate):
    with pytest.raises(rules.RuleError):
        rules.check_scope(kind, Decimal(estimate), THRESHOLDS, MIN)


def test_estimates_within_scope_pass():
    rules.check_scope("construction", Decimal("3999999.99"), THRESHOLDS, MIN)
    rules.check_scope("supervision", Decimal("100000"), THRESHOLDS, MIN)


def test_the_state_follows_the_clock():
    close = datetime(2026, 12, 3, 16, tzinfo=UTC)
    facts = rules.Facts(filing="filed", responses_close_at=close)
    assert rules.state_of(facts, datetime(2026, 12, 1, tzinfo=UTC)) is rules.ProjectState.ANNOUNCED
    assert rules.state_of(facts, close) is rules.ProjectState.AWAITING_MEETING
    assert rules.state_of(rules.Facts("filed"), close) is rules.ProjectState.FILED


def test_the_stored_stage_and_the_clock_give_the_state_of_any_facts_at_any_moment():
    """`Project.stage` keeps the facts without the clock; the clock then gives the state."""
    close = datetime(2026, 12, 3, 16, tzinfo=UTC)
    moments = (close - timedelta(seconds=1), close, close + timedelta(days=30))
    for filing in rules.Filing:
        for responses_close_at in (None, close):
            for outcome in (None, *rules.Outcome):
                for signed in (False, True):
                    for suspended in (False, True):
                        facts = rules.Facts(filing, responses_close_at, outcome, signed, suspended)
                        stage = rules.stage_of(facts)
                        assert stage is not rules.ProjectState.AWAITING_MEETING, facts
                        for now in moments:
                            state = rules.state_at(stage, responses_close_at, now)
                            assert state is rules.state_of(facts, now), (facts, now)


# ---- next step and deadline -------------------------------------------------------------------

SHANGHAI = timezone(timedelta(hours=8))
S = rules.ProjectState


def test_the_signing_period_counts_calendar_days_from_the_day_after_the_letter():
    # Letter on 2026-12-03 (local) at 10:00; 30 days → last day 2027-01-02, ends 2027-01-03 00:00.
    letter = datetime(2026, 12, 3, 2, 0, tzinfo=UTC)
    assert rules.signing_ends_at(letter, 30, SHANGHAI) == datetime(
        2027, 1, 3, 0, 0, tzinfo=SHANGHAI
    )
    # 23:30 UTC on 12-02 is already 12-03 in Shanghai: the local date counts.
    late_evening = datetime(2026, 12, 2, 23, 30, tzinfo=UTC)
    assert rules.signing_ends_at(late_evening, 30, SHANGHAI) == datetime(
        2027, 1, 3, tzinfo=SHANGHAI
    )


def test_each_open_state_has_the_office_s_next_step():
    now = datetime(2026, 12, 1, 9, 0, tzinfo=SHANGHAI)
    assert rules.next_step(S.SUBMITTED, now).label == "备案或退回"
    assert rules.next_step(S.FILED, now).label == "发布交易公告"
    assert rules.next_step(S.FAILED, now).label == "重新发布交易公告"
    assert rules.next_step(S.SIGNED, now) is None
    close = datetime(2026, 12, 3, 0, 0, tzinfo=SHANGHAI)
    step = rules.next_step(S.ANNOUNCED, now, responses_close_at=close)
    assert (step.label, step.due, step.waiting, step.late) == ("等待响应截止", close, True, False)


def test_the_owner_reads_its_own_wording():
    now = datetime(2026, 12, 1, 9, 0, tzinfo=SHANGHAI)
    assert rules.next_step(S.SENT_BACK, now, for_owner=True).label == "按退回理由修改后重新提交"
    assert rules.next_step(S.SUBMITTED, now, for_owner=True).label == "等待区公管办备案"


def test_a_meeting_is_late_only_after_its_appointed_minute():
    meeting = datetime(2026, 12, 3, 9, 30, tzinfo=SHANGHAI)
    on_time = rules.next_step(S.AWAITING_MEETING, meeting, meeting_at=meeting)
    assert on_time.label == "召开定标会议" and not on_time.late
    later = meeting + timedelta(minutes=1)
    assert rules.next_step(S.AWAITING_MEETING, later, meeting_at=meeting).late


def test_a_contract_is_late_from_the_end_of_the_signing_period():
    end = datetime(2027, 1, 3, 0, 0, tzinfo=SHANGHAI)
    before = rules.next_step(S.DRAWN, end - timedelta(seconds=1), signing_ends_at=end)
    assert before.label == "记录合同签订" and before.due == end and not before.late
    assert rules.next_step(S.DRAWN, end, signing_ends_at=end).late


def test_responses_still_open_are_never_late():
    close = datetime(2026, 12, 3, 0, 0, tzinfo=SHANGHAI)
    step = rules.next_step(S.ANNOUNCED, close + timedelta(days=5), responses_close_at=close)
    assert not step.late


def test_late_steps_come_first_then_what_is_due_soonest():
    now = datetime(2026, 12, 10, 9, 0, tzinfo=SHANGHAI)
    long_ago = datetime(2026, 11, 20, 9, 0, tzinfo=SHANGHAI)
    rows = {
        "late meeting": rules.next_step(
            S.AWAITING_MEETING, now, meeting_at=datetime(2026, 12, 9, 9, 30, tzinfo=SHANGHAI)
        ),
        "responses next week": rules.next_step(
            S.ANNOUNCED, now, responses_close_at=datetime(2026, 12, 15, tzinfo=SHANGHAI)
        ),
        "submitted a while ago": rules.next_step(S.SUBMITTED, now),
        "contract due tomorrow": rules.next_step(
            S.DRAWN, now, signing_ends_at=datetime(2026, 12, 11, tzinfo=SHANGHAI)
        ),
    }
    order = sorted(rows, key=lambda k: rules.urgency(rows[k], long_ago))
    assert order == [
        "late meeting",
        "submitted a while ago",
        "contract due tomorrow",
        "responses next week",
    ]


def test_every_state_has_a_label_in_both_languages():
    assert set(rules.STATE_LABELS) == set(S)
    assert all(zh and en for zh, en in rules.STATE_LABELS.values())


# ---- parsing amounts and rates (issue 10, finding 14) ------------------------------------------

HUGE = "99999999999999999999999999999.001"
NOT_NUMBERS = [
    HUGE,
    "1e30",
    "1E+2",
    "NaN",
    "nan",
    "sNaN",
    "Infinity",
    "-Infinity",
    "-0",
    "-0.00",
    "+5",
    "1_000",
    "١٢٣",  # Arabic-Indic digits, which Decimal() would read as 123
    "１２３",  # full-width digits
    "0x10",
    "1,000",
    "",
    " ",
    "\x00",
    "1\x00",
    "9" * 40,
]


def test_an_amount_may_be_written_with_thousands_separators_and_a_rate_may_not():
    assert rules.check_amount("1,234,567.89", "control_price", "控制价") == Decimal("1234567.89")
    for bad in ("1,23", "1234,567", ",123", "1,234,56"):
        with pytest.raises(rules.RuleError):
            rules.check_amount(bad, "control_price", "控制价")
    with pytest.raises(rules.RuleError):
        rules.check_rates(["3.00", "1,000"])


@pytest.mark.parametrize("text", [t for t in NOT_NUMBERS if t != "1,000"])
def test_an_amount_that_is_no_plain_number_is_a_rule_error_on_its_field(text):
    with pytest.raises(rules.RuleError) as caught:
        rules.check_amount(text, "control_price", "控制价")
    assert caught.value.field == "control_price" and caught.value.message.startswith("控制价")


@pytest.mark.parametrize("text", NOT_NUMBERS)
def test_a_rate_or_step_that_is_no_plain_number_is_a_rule_error_on_its_field(text):
    with pytest.raises(rules.RuleError) as caught:
        rules.check_rates(["3.00", text])
    assert caught.value.field == "rates"
    with pytest.raises(rules.RuleError) as caught:
        rules.rate_range("3", "5", text)
    assert caught.value.field == "rate_step"
    with pytest.raises(rules.RuleError) as caught:
        rules.rate_range(text, "5", "0.5")
    assert caught.value.field == "rate_min"


@pytest.mark.parametrize(
    "value", [Decimal("NaN"), Decimal("-Infinity"), Decimal("-0"), Decimal("1e30"), Decimal("-1")]
)
def test_a_decimal_given_by_code_is_checked_as_text_is(value):
    with pytest.raises(rules.RuleError):
        rules.check_amount(value, "estimate", "估算价")


def test_amounts_have_a_ceiling_that_numeric_14_2_holds():
    assert rules.check_amount("999999999999.99", "estimate", "估算价") == Decimal("999999999999.99")
    with pytest.raises(rules.RuleError, match="必须小于"):
        rules.check_amount("1000000000000", "estimate", "估算价")
    assert rules.check_amount("1.", "estimate", "估算价") == Decimal("1.00")
    assert rules.check_amount("0.5", "part", "不可竞争费用", allow_zero=True) == Decimal("0.50")
    assert rules.check_amount("0", "part", "不可竞争费用", allow_zero=True) == Decimal("0.00")


_ANY_TEXT = st.one_of(
    st.text(),
    st.text(alphabet="0123456789.eE+-_ ,%NaInfity\x00١２"),
    st.from_regex(r"[0-9]{1,40}(\.[0-9]{0,40})?", fullmatch=True),
    st.decimals(allow_nan=True, allow_infinity=True).map(str),
    st.integers().map(str),
)


# Under a loaded machine a case may take long: no timed assertion (deadline=None).
@settings(deadline=None)
@given(_ANY_TEXT)
def test_any_text_is_an_amount_or_a_rule_error(text):
    try:
        amount = rules.check_amount(text, "estimate", "估算价", allow_zero=True)
    except rules.RuleError as e:
        assert e.field == "estimate" and e.message and e.message_en
    else:
        assert 0 <= amount < rules.AMOUNT_LIMIT and amount == amount.quantize(rules.FEN)


# Under a loaded machine a case may take long: no timed assertion (deadline=None).
@settings(deadline=None)
@given(_ANY_TEXT, _ANY_TEXT, _ANY_TEXT)
def test_any_text_is_a_rate_list_or_a_rule_error(low, high, step):
    for attempt in (
        lambda: rules.check_rates([low, high, step]),
        lambda: rules.rate_range(low, high, step),
    ):
        try:
            options = attempt()
        except rules.RuleError as e:
            assert e.field in ("rates", "rate_min", "rate_max", "rate_step") and e.message_en
        else:
            assert 0 < len(options) <= rules.MAX_RATE_OPTIONS
            assert all(0 < Decimal(r) < 100 for r in options)


def test_a_range_too_fine_is_refused_before_any_option_is_built(monkeypatch):
    def never(*args):
        raise AssertionError("the options were built")

    monkeypatch.setattr(rules.draw_rules, "rate_options", never)
    for low, high, step in (
        ("0.01", "99.99", "0.01"),
        ("1", "99", "0.5"),
        ("0.01", "99", "0.0001"),
    ):
        with pytest.raises(rules.RuleError) as caught:
            rules.rate_range(low, high, step)
        assert caught.value.field == "rate_step"
    with pytest.raises(rules.RuleError, match="最多100个"):
        rules.check_rates([f"{n / 100:.2f}" for n in range(1, 102)])


def test_a_range_lists_both_ends():
    assert rules.rate_range("3", "4.00%".removesuffix("%"), "0.5") == ["3.00", "3.50", "4.00"]


# ---- the project's amounts (finding 5) ----------------------------------------------------------

LIMIT = THRESHOLDS["construction"]


def test_a_control_price_above_the_estimate_is_refused_on_its_field():
    with pytest.raises(rules.RuleError) as caught:
        rules.check_prices(Decimal("3999999"), Decimal("999999999999.99"), Decimal("0"), LIMIT)
    assert (
        caught.value.field == "control_price" and "不能高于单项合同估算价" in caught.value.message
    )


@settings(deadline=None)
@given(
    estimate=st.integers(min_value=1, max_value=10**14),
    control=st.integers(min_value=1, max_value=10**14),
    part=st.integers(min_value=0, max_value=10**14),
)
def test_prices_pass_exactly_when_part_below_control_within_estimate_below_threshold(
    estimate, control, part
):
    e, c, p = (Decimal(x) / 100 for x in (estimate, control, part))
    ok = p < c <= e and c < LIMIT
    try:
        rules.check_prices(e, c, p, LIMIT)
    except rules.RuleError as err:
        assert not ok
        assert err.field == ("non_competitive_part" if c <= e and c < LIMIT else "control_price")
    else:
        assert ok


# ---- the project's texts (finding 7) ------------------------------------------------------------

GOOD_TEXTS = {
    "name": "甬江街道某村道路硬化工程",
    "owner_name": "甬江街道某村股份经济合作社",
    "town": "甬江街道",
    "village": "",
    "contact_person": "王五",
    "contact_phone": "0574-87654321",
    "scope": "道路硬化约1.2公里。\r\n路面宽4.5米。\t",
}

BAD_NAMES = {
    "200 characters": "工" * 200,
    "101 characters": "工" * 101,
    "a web address": "道路工程 https://evil.example/x",
    "a bare domain": "详见evil.com的道路工程",
    "www": "www.example.org道路工程",
    "a zero-width space": "道路\u200b硬化工程",
    "a zero-width joiner": "道路\u200d硬化工程",
    "a BOM": "\ufeff道路硬化工程",
    "a bidi override": "道路\u202e程工化硬",
    "a bidi isolate": "道路\u2066硬化\u2069工程",
    "a NUL": "道路\x00硬化工程",
    "a control character": "道路\x1b[31m硬化工程",
    "a line break": "道路硬化\n工程",
    "a line separator": "道路硬化\u2028工程",
    "a private-use character": "道路\ue000硬化工程",
    "blank": "   ",
}


@pytest.mark.parametrize("name", BAD_NAMES.values(), ids=BAD_NAMES.keys())
def test_a_bad_name_is_refused_on_the_name_field(name):
    with pytest.raises(rules.RuleError) as caught:
        rules.check_project_texts({**GOOD_TEXTS, "name": name})
    assert caught.value.field == "name" and caught.value.message.startswith(("项目名称", "请填写"))


@pytest.mark.parametrize("field", [t.field for t in rules.PROJECT_TEXTS])
def test_every_text_refuses_nul_zero_width_and_bidi_characters_and_its_overlong_form(field):
    cap = rules.TEXT_LIMITS[field]
    for bad in ("王\x00五", "王\u200b五", "王\u202e五", "王" * (cap + 1)):
        with pytest.raises(rules.RuleError) as caught:
            rules.check_project_texts({**GOOD_TEXTS, field: bad})
        assert caught.value.field == field


def test_good_texts_pass_stripped_and_the_scope_keeps_its_lines():
    texts = rules.check_project_texts({**GOOD_TEXTS, "name": "  甬江街道某村道路硬化工程 "})
    assert texts["name"] == "甬江街道某村道路硬化工程"
    assert texts["scope"] == "道路硬化约1.2公里。\r\n路面宽4.5米。"


def test_a_name_that_passes_fits_the_notice_title_and_the_draw_purpose():
    """What entry accepts, announce accepts: the title "{name}交易公告" (200 characters at most)
    and the draws' purpose "{name}（{code}）确定承包单位" with its visible-text rule."""
    from lottery import rules as draw_rules

    name = "工" * rules.TEXT_LIMITS["name"]
    rules.check_project_texts({**GOOD_TEXTS, "name": name})
    assert len(f"{name}交易公告") <= 200
    draw_rules.check_purpose(f"{name}（PRJ-2026-0001-99）确定承包单位")


# ---- the fingerprint of what was reviewed (finding 4) ------------------------------------------

FACTS = {
    **GOOD_TEXTS,
    "category_code": "JZ",
    "kind": "construction",
    "funding": "collective",
    "estimate": Decimal("1300000.00"),
    "control_price": Decimal("480000.00"),
    "non_competitive_part": Decimal("0.00"),
    "duration_days": 60,
    "documents": "# 交易文件",
    "filing": "submitted",
}


def test_the_fingerprint_changes_with_any_reviewed_fact_or_attachment():
    base = rules.project_fingerprint(FACTS, [(1, "a" * 64)])
    assert base == rules.project_fingerprint(dict(FACTS), [(1, "a" * 64)])
    # The same amount however it was read back (SQLite and PostgreSQL give other exponents).
    assert base == rules.project_fingerprint(
        {**FACTS, "estimate": Decimal("1300000")}, [(1, "a" * 64)]
    )
    for field in rules.REVIEWED_FIELDS:
        changed = {**FACTS, field: "3900000.00" if field == "control_price" else "x"}
        assert rules.project_fingerprint(changed, [(1, "a" * 64)]) != base, field
    assert rules.project_fingerprint(FACTS, []) != base
    assert rules.project_fingerprint(FACTS, [(1, "b" * 64)]) != base
    assert rules.project_fingerprint(FACTS, [(1, "a" * 64), (2, "c" * 64)]) != base


def test_a_step_on_another_version_is_refused():
    current = rules.project_fingerprint(FACTS, [])
    rules.require_reviewed(current, current, ("备案", "file it"))
    for stale in ("", None, "0" * 64):
        with pytest.raises(rules.RuleError, match="项目已被修改，请重新审阅后再备案"):
            rules.require_reviewed(stale, current, ("备案", "file it"))


@given(st.sets(st.sampled_from(rules.REVISED_FIELDS)))
def test_a_revision_changes_exactly_the_facts_that_differ(fields):
    before = {**FACTS, "office_id": 1, "sent_back_reasons": ""}
    after = {**before, **{field: "changed" for field in fields}}
    assert set(rules.revision_changes(before, after)) == fields


def test_a_revision_saved_as_it_was_changes_nothing():
    before = {**FACTS, "office_id": 1, "sent_back_reasons": ""}
    # The amounts as read back (SQLite and PostgreSQL give other exponents) are the same amounts.
    same = {**before, "estimate": Decimal("1300000"), "filing": "submitted"}
    assert rules.revision_changes(before, same) == ()
    # A sent-back project saved as it was goes back to staff: its filing and reasons change.
    sent_back = {**before, "filing": "sent_back", "sent_back_reasons": "补充预算书"}
    assert rules.revision_changes(sent_back, before) == ("filing", "sent_back_reasons")


# ---- the filing steps (finding 7) ---------------------------------------------------------------

F = rules.FilingStep


def test_a_filed_project_not_yet_announced_may_be_sent_back():
    assert rules.send_back_step(S.FILED) is F.SEND_BACK_FILED
    assert rules.require_filing_step(S.FILED, F.SEND_BACK_FILED) == "sent_back"
    assert rules.require_filing_step(S.SUBMITTED, F.SEND_BACK) == "sent_back"
    assert rules.require_filing_step(S.SENT_BACK, F.REVISE) == "submitted"


@pytest.mark.parametrize("state", [S.ANNOUNCED, S.AWAITING_MEETING, S.FAILED, S.DRAWN, S.SIGNED])
def test_once_announced_no_filing_step_applies(state):
    for step in F:
        with pytest.raises(rules.RuleError, match="已发布交易公告"):
            rules.require_filing_step(state, step)
    with pytest.raises(rules.RuleError):
        rules.require_filing_step(state, rules.send_back_step(state))


def test_a_filed_project_is_neither_revised_nor_filed_again():
    for step in (F.REVISE, F.ATTACH):
        with pytest.raises(rules.RuleError, match="已备案，交易文件已固定"):
            rules.require_filing_step(S.FILED, step)
    with pytest.raises(rules.RuleError, match="项目已备案"):
        rules.require_filing_step(S.FILED, F.FILE)


# ---- the state table, its guards and what it allows (issue 11) ---------------------------------


def test_every_state_has_one_row_of_the_table_and_one_line_of_the_rule():
    assert set(rules.STATES) == set(S)
    assert [state for state, _facts in rules.STATE_RULE] == list(
        dict.fromkeys(state for state, _facts in rules.STATE_RULE)
    )
    assert {state for state, _facts in rules.STATE_RULE} == set(S)


def test_the_stored_values_are_named_once():
    assert {str(f) for f in rules.Filing} == {"submitted", "sent_back", "filed"}
    assert {str(o) for o in rules.Outcome} == {"drawn", "failed"}
    drawn = rules.Facts(rules.Filing.FILED, datetime(2026, 12, 3, tzinfo=UTC), "drawn")
    assert rules.state_of(drawn, datetime(2026, 12, 4, tzinfo=UTC)) is S.DRAWN


def test_a_trading_notice_is_published_once_filed_and_again_only_after_a_failure():
    for state in (S.FILED, S.FAILED):
        rules.require_announce(state)
        assert rules.Allowed(state).announce
    with pytest.raises(rules.RuleError, match="项目尚未备案，不能发布交易公告"):
        rules.require_announce(S.SUBMITTED)
    for state in (S.ANNOUNCED, S.AWAITING_MEETING, S.DRAWN, S.SIGNED):
        with pytest.raises(rules.RuleError, match="只有流标后才能重新发布"):
            rules.require_announce(state)
        assert not rules.Allowed(state).announce


def test_the_meeting_is_held_once_after_the_publicity_and_not_before_its_time():
    close = datetime(2026, 12, 3, 0, 0, tzinfo=SHANGHAI)
    meeting = datetime(2026, 12, 3, 9, 30, tzinfo=SHANGHAI)

    def hold(state, now):
        rules.require_meeting(
            state, now, code="PRJ-1", responses_close_at=close, meeting_at=meeting, tz=SHANGHAI
        )

    hold(S.AWAITING_MEETING, meeting)
    with pytest.raises(rules.TooEarlyError, match="公示期结束前不能召开定标会议"):
        hold(S.ANNOUNCED, close - timedelta(hours=1))
    with pytest.raises(rules.TooEarlyError, match="2026-12-03 09:30，不能提前召开"):
        hold(S.AWAITING_MEETING, meeting - timedelta(minutes=1))
    for state in (S.DRAWN, S.FAILED, S.SIGNED):
        with pytest.raises(rules.RuleError, match="PRJ-1的定标会议已经举行"):
            hold(state, meeting)
    with pytest.raises(rules.RuleError, match="该项目尚未发布交易公告"):
        hold(S.FILED, meeting)


def test_a_credit_check_is_recorded_only_between_the_responses_close_and_the_freeze():
    close = datetime(2026, 12, 3, 0, 0, tzinfo=SHANGHAI)

    def screen(state):
        rules.require_screen(state, responses_close_at=close, tz=SHANGHAI)

    screen(S.AWAITING_MEETING)
    assert rules.Allowed(S.AWAITING_MEETING).screen
    with pytest.raises(rules.TooEarlyError, match="2026-12-03 00:00"):
        screen(S.ANNOUNCED)
    for state in (S.DRAWN, S.FAILED, S.SIGNED):
        with pytest.raises(rules.RuleError, match="候选名单已冻结"):
            screen(state)
    with pytest.raises(rules.RuleError, match="该项目尚未发布交易公告"):
        screen(S.FILED)
    # Suspended (art. 62): neither the screen nor the meeting, said as the suspension's reason.
    assert not rules.Allowed(S.SUSPENDED).screen and not rules.Allowed(S.SUSPENDED).hold_meeting
    with pytest.raises(rules.RuleError, match="交易已暂停"):
        screen(S.SUSPENDED)


def test_responses_and_the_contract_each_have_their_one_state():
    close = datetime(2026, 12, 3, 0, 0, tzinfo=SHANGHAI)
    rules.require_responses_open(S.ANNOUNCED, responses_close_at=close, tz=SHANGHAI)
    with pytest.raises(rules.ClosedError, match="2026-12-03 00:00"):
        rules.require_responses_open(S.AWAITING_MEETING, responses_close_at=close, tz=SHANGHAI)
    rules.require_unsigned_award(S.DRAWN)
    with pytest.raises(rules.RuleError, match="合同已签订"):
        rules.require_unsigned_award(S.SIGNED)
    with pytest.raises(rules.RuleError, match="尚无承包单位"):
        rules.require_unsigned_award(S.FAILED)


def test_allowed_answers_by_the_names_of_actions_and_filing_steps():
    assert rules.Allowed(S.SUBMITTED).attach and rules.Allowed(S.SENT_BACK).revise
    assert not rules.Allowed(S.FILED).attach and rules.Allowed(S.FILED).send_back_filed
    assert rules.Allowed(S.DRAWN).record_refusal and not rules.Allowed(S.SIGNED).record_contract
    with pytest.raises(AttributeError):
        getattr(rules.Allowed(S.FILED), "fly")  # noqa: B009 (a name no action has)


def test_the_staff_checklist_follows_the_state_and_a_recorded_posting():
    assert rules.trading_steps(S.FILED, posted=False) == [("notice", "now")]
    assert rules.trading_steps(S.FAILED, posted=False)[1:] == [
        ("posting", "blocked"),
        ("responses", "done"),
        ("meeting", "blocked"),
    ]
    assert ("posting", "done") in rules.trading_steps(S.DRAWN, posted=True)


def test_a_state_that_blocks_everything_says_why_before_any_action_s_own_reason(monkeypatch):
    from dataclasses import replace

    held = replace(rules.STATES[S.FAILED], actions=frozenset(), blocked=("暂停", "Suspended"))
    monkeypatch.setitem(rules.STATES, S.FAILED, held)
    with pytest.raises(rules.RuleError, match="暂停"):
        rules.require_announce(S.FAILED)
    assert not rules.Allowed(S.FAILED).announce


def test_a_re_announced_projects_notices_tell_their_round():
    from contracts.rules import notice_title, round_words

    assert notice_title("某村道路工程", 1, "交易公告") == "某村道路工程交易公告"
    assert notice_title("某村道路工程", 2, "交易公告") == "某村道路工程（第2次）交易公告"
    assert notice_title("某村道路工程", 3, "交易结果公告") == "某村道路工程（第3次）交易结果公告"
    assert round_words(1) == ("", "")
    assert [round_words(n)[1] for n in (2, 3, 4, 11, 21)] == [
        " (2nd announcement)",
        " (3rd announcement)",
        " (4th announcement)",
        " (11th announcement)",
        " (21st announcement)",
    ]
