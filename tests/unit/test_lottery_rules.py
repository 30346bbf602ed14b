"""Unit tests of the draw rules: entropy and candidate checks, the published record's shape."""

from __future__ import annotations

import hashlib
from datetime import UTC, datetime
from decimal import Decimal
from types import SimpleNamespace
from zoneinfo import ZoneInfo

import pytest

from lottery import engine, rules, verify

FIVE = [
    "913302001440123456",
    "91330205MA2AXXXX1X",
    "91330205MA2BYYYY2Y",
    "91330205MA2CZZZZ3Z",
    "91330205MA2D000040",
]
# LOTTERY.md, "The published record": the keys of the JSON example, in its order.
LOTTERY_MD_KEYS = [
    "format",
    "draw_id",
    "kind",
    "purpose",
    "winners",
    "status",
    "seed_commitment",
    "committed_at",
    "candidates",
    "public_entropy",
    "seed",
    "drawn_at",
    "result",
    "subject",
]


def iso(moment):
    return moment.astimezone(ZoneInfo("Asia/Shanghai")).isoformat() if moment else None


def a_draw(**overrides):
    seed = "ff" * 32
    values = {
        "draw_id": "PRJ-2026-0007-award",
        "kind": "ranking",
        "purpose": "某工程 承接单位摇号",
        "winners": 1,
        "status": "committed",
        "seed": seed,
        "seed_commitment": hashlib.sha256(bytes.fromhex(seed)).hexdigest(),
        "committed_at": datetime(2026, 11, 27, 1, 0, tzinfo=UTC),
        "candidates": None,
        "public_entropy": None,
        "drawn_at": None,
        "result": None,
        "abandon_reason": None,
        "subject_type": "project",
        "subject_code": "PRJ-2026-0007",
    }
    values.update(overrides)
    return SimpleNamespace(**values)


# ---- public entropy ---------------------------------------------------------------------------


def test_entropy_entries_are_stripped_and_otherwise_kept_exactly():
    assert rules.normalize_entropy(["  37\t", "8812", "张三 5", "李四\u30003"]) == [
        "37",
        "8812",
        "张三 5",
        "李四\u30003",
    ]


def test_no_entropy_at_all_is_allowed():
    assert rules.normalize_entropy([]) == []


@pytest.mark.parametrize("entry", ["37\n8812", "37\r", "\n37", "37\u2028", "37\x85", "a\x0bb"])
def test_an_entropy_entry_with_a_line_break_is_refused_in_both_languages(entry):
    with pytest.raises(rules.RuleError) as e:
        rules.normalize_entropy([entry])
    assert "换行" in e.value.message and "line break" in e.value.message_en


@pytest.mark.parametrize("entry", ["3\x007", "\u200b37", "3\t7"])
def test_an_entropy_entry_with_an_invisible_character_is_refused(entry):
    with pytest.raises(rules.RuleError, match="不可见"):
        rules.normalize_entropy([entry])


def test_an_entropy_entry_may_have_64_characters_after_stripping_but_not_65():
    assert rules.normalize_entropy(["  " + "9" * 64 + "  "]) == ["9" * 64]
    assert rules.normalize_entropy(["张" * 64]) == ["张" * 64]
    with pytest.raises(rules.RuleError) as e:
        rules.normalize_entropy(["37", "9" * 65])
    assert "第2项" in e.value.message and "64" in e.value.message
    assert "entry 2" in e.value.message_en


def test_an_empty_entropy_entry_is_refused():
    with pytest.raises(rules.RuleError, match="为空"):
        rules.normalize_entropy(["37", "   "])


def test_at_most_twenty_entropy_entries():
    assert len(rules.normalize_entropy([str(i) for i in range(20)])) == 20
    with pytest.raises(rules.RuleError, match="最多20项"):
        rules.normalize_entropy([str(i) for i in range(21)])


@pytest.mark.parametrize("bad", ["37", b"37", None, 37, [37]])
def test_entropy_must_be_a_list_of_strings(bad):
    with pytest.raises(rules.RuleError):
        rules.normalize_entropy(bad)


def test_the_console_textarea_gives_one_entry_per_line_and_skips_blank_lines():
    assert rules.parse_entropy_lines(" 37\r\n\r\n8812 \n张三 5\r") == ["37", "8812", "张三 5"]
    assert rules.parse_entropy_lines("") == []
    with pytest.raises(rules.RuleError, match="第2项"):
        rules.parse_entropy_lines("37\n" + "8" * 65)


# ---- candidates, winners, ids -----------------------------------------------------------------


def test_ranking_candidates_must_be_sorted_by_code_point_and_are_never_sorted_silently():
    assert rules.check_candidates("ranking", FIVE) == FIVE
    with pytest.raises(rules.RuleError) as e:
        rules.check_candidates("ranking", [FIVE[1], FIVE[0], *FIVE[2:]])
    assert "升序" in e.value.message and "sorted ascending" in e.value.message_en


def test_the_sorting_helper_orders_by_code_point_and_refuses_duplicates():
    assert rules.sorted_candidates(reversed(FIVE)) == FIVE
    # Code point order: digits before upper-case letters, as LOTTERY.md's vectors show.
    assert rules.sorted_candidates(["91330205MA2A", "913302001440"]) == [
        "913302001440",
        "91330205MA2A",
    ]
    with pytest.raises(rules.RuleError, match="重复"):
        rules.sorted_candidates([FIVE[0], FIVE[1], FIVE[0]])


def test_pick_options_keep_their_published_order():
    rates = ["5.00", "3.00", "4.00"]
    assert rules.check_candidates("pick", rates) == rates


@pytest.mark.parametrize(
    ("kind", "candidates", "words"),
    [
        ("ranking", [], "候选名单为空"),
        ("pick", [], "没有可选的选项"),
        ("ranking", [FIVE[0], FIVE[0]], "重复"),
        ("pick", ["3.00", "3.50", "3.00"], "重复"),
        ("ranking", [" 913302001440123456"], "首尾空格"),
        ("ranking", [""], "非空"),
        ("pick", ["3.00\n3.50"], "换行"),
        ("ranking", "913302001440123456", "字符串列表"),
    ],
)
def test_bad_candidate_lists_are_refused_with_a_clear_message(kind, candidates, words):
    with pytest.raises(rules.RuleError) as e:
        rules.check_candidates(kind, candidates)
    assert words in e.value.message
    assert e.value.message_en and e.value.message_en != e.value.message


def test_winners_are_between_one_and_the_number_of_candidates_and_a_pick_has_one():
    assert rules.check_winners("ranking", 3, 5) == 3
    assert rules.check_winners("ranking", 3, None) == 3
    for kind, winners, count in (("ranking", 0, 5), ("ranking", 6, 5), ("pick", 2, 5)):
        with pytest.raises(rules.RuleError):
            rules.check_winners(kind, winners, count)
    with pytest.raises(rules.RuleError):
        rules.check_winners("ranking", True, 5)


@pytest.mark.parametrize("good", ["PRJ-2026-0007-award", "POOL-2026-01-JZ", "a.b_c-1"])
def test_draw_ids_of_letters_digits_and_dot_underscore_dash_are_accepted(good):
    assert rules.check_draw_id(good) == good


@pytest.mark.parametrize("bad", ["", "PRJ 2026", "项目-1", "a/b", "x" * 81, None])
def test_other_draw_ids_are_refused(bad):
    with pytest.raises(rules.RuleError, match="抽签编号"):
        rules.check_draw_id(bad)


def test_discount_rate_options_run_from_3_to_8_percent_in_half_percent_steps():
    options = rules.rate_options(Decimal("3.00"), Decimal("8.00"), Decimal("0.50"))
    assert options == [
        "3.00",
        "3.50",
        "4.00",
        "4.50",
        "5.00",
        "5.50",
        "6.00",
        "6.50",
        "7.00",
        "7.50",
        "8.00",
    ]


# ---- the published record ---------------------------------------------------------------------


def test_a_committed_record_has_exactly_the_keys_of_lottery_md_and_hides_the_seed():
    record = rules.published_record(a_draw(candidates=["3.00", "3.50"], kind="pick"), iso)
    assert list(record) == LOTTERY_MD_KEYS
    assert record["status"] == "committed"
    assert record["seed"] is None
    assert "ff" * 32 not in repr(record)
    assert record["public_entropy"] is None and record["drawn_at"] is None
    assert record["result"] is None
    assert record["candidates"] == ["3.00", "3.50"]
    assert record["committed_at"] == "2026-11-27T09:00:00+08:00"
    assert record["subject"] == {"type": "project", "code": "PRJ-2026-0007"}
    assert record["format"] == "smallworks-draw/1"


def test_a_committed_record_hides_the_seed_and_entropy_even_if_a_caller_filled_them():
    record = rules.published_record(a_draw(public_entropy=["37"], result=["x"]), iso)
    assert record["seed"] is None and record["public_entropy"] is None
    assert record["result"] is None


def test_a_drawn_record_has_exactly_the_keys_of_lottery_md_and_verifies():
    entropy = ["37", "8812", "张三 5"]
    result = engine.ranking("PRJ-2026-0007-award", "ff" * 32, entropy, FIVE)
    d = a_draw(
        status="drawn",
        candidates=FIVE,
        public_entropy=entropy,
        result=result,
        drawn_at=datetime(2026, 12, 3, 2, 0, tzinfo=UTC),
    )
    record = rules.published_record(d, iso)
    assert list(record) == LOTTERY_MD_KEYS
    assert record["seed"] == "ff" * 32
    assert record["drawn_at"] == "2026-12-03T10:00:00+08:00"
    # LOTTERY.md's second test vector.
    assert record["result"] == [FIVE[3], FIVE[2], FIVE[1], FIVE[4], FIVE[0]]
    assert verify.verify_record(record).ok


def test_an_abandoned_record_reveals_the_seed_and_adds_only_the_reason():
    d = a_draw(status="abandoned", abandon_reason="定标会议取消")
    record = rules.published_record(d, iso)
    assert list(record) == [*LOTTERY_MD_KEYS, "abandon_reason"]
    assert record["seed"] == "ff" * 32 and record["abandon_reason"] == "定标会议取消"
    assert record["result"] is None and record["drawn_at"] is None
    verdict = verify.verify_record(record)
    assert verdict.ok and verdict.status == "abandoned"


def test_the_award_passes_down_the_ranking_and_stops_when_it_is_exhausted():
    ranking = ["C", "A", "B"]
    assert rules.split_ranking(ranking, 1) == (["C"], ["A", "B"])
    assert rules.next_in_ranking(ranking, []) == "C"
    assert rules.next_in_ranking(ranking, {"C"}) == "A"
    assert rules.next_in_ranking(ranking, {"C", "A", "B"}) is None


def test_the_rules_module_imports_neither_flask_nor_sqlalchemy():
    import ast
    from pathlib import Path

    for module in Path(rules.__file__).parent.glob("*.py"):
        tree = ast.parse(module.read_text())
        names = {
            alias.name.split(".")[0]
            for node in ast.walk(tree)
            if isinstance(node, ast.Import)
            for alias in node.names
        } | {
            node.module.split(".")[0]
            for node in ast.walk(tree)
            # app.refusal is the shared, standard-library-only base of refusals (test_refusal.py)
            if isinstance(node, ast.ImportFrom) and node.module and node.module != "app.refusal"
        }
        assert not names & {"flask", "sqlalchemy", "app", "flask_sqlalchemy"}, module.name


def test_a_confirmation_is_as_reviewed_only_with_the_fingerprint_of_the_same_list():
    reviewed = rules.candidates_digest(FIVE)
    assert rules.as_reviewed(reviewed, FIVE)
    assert not rules.as_reviewed(reviewed, FIVE[:4])
    assert not rules.as_reviewed(reviewed, list(reversed(FIVE)))
    assert not rules.as_reviewed("", FIVE)
    assert not rules.as_reviewed(reviewed, None)  # no list to draw over now


@pytest.mark.parametrize(
    ("candidate", "label", "adds"),
    [
        ("3.00", "3.00%", False),  # a rate option restated with its unit: shown once
        ("3.00", "3.00", False),
        ("3.00", "", False),
        ("3.00", None, False),
        ("91330205144025768D", "宁波甬江建设有限公司", True),  # a company beside its code
        ("A", "方案A（二层）", True),
        ("3.00", "下浮3.00%", True),
    ],
)
def test_a_label_is_shown_beside_its_id_only_when_it_says_more(candidate, label, adds):
    assert rules.label_adds(candidate, label) is adds
