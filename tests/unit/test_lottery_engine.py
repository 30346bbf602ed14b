"""Unit tests of the draw engine against LOTTERY.md: test vectors, input rules, uniformity."""

from __future__ import annotations

import hashlib
from collections import Counter

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from lottery import engine
from lottery.engine import DrawInputError

FIVE = [
    "913302001440123456",
    "91330205MA2AXXXX1X",
    "91330205MA2BYYYY2Y",
    "91330205MA2CZZZZ3Z",
    "91330205MA2D000040",
]
RATES = ["3.00", "3.50", "4.00", "4.50", "5.00"]

# LOTTERY.md, "Test vectors": kind, draw_id, seed_hex, public_entropy, candidates, result, and the
# key's first and last four bytes as the page prints them.
VECTORS = [
    pytest.param(
        "ranking",
        "POOL-2026-01-JZ",
        "00" * 32,
        [],
        FIVE,
        [
            "91330205MA2AXXXX1X",
            "91330205MA2D000040",
            "913302001440123456",
            "91330205MA2CZZZZ3Z",
            "91330205MA2BYYYY2Y",
        ],
        ("6872b34a", "dca7"),
        id="pool-ranking",
    ),
    pytest.param(
        "ranking",
        "PRJ-2026-0007-award",
        "ff" * 32,
        ["37", "8812", "张三 5"],
        FIVE,
        [
            "91330205MA2CZZZZ3Z",
            "91330205MA2BYYYY2Y",
            "91330205MA2AXXXX1X",
            "91330205MA2D000040",
            "913302001440123456",
        ],
        ("a70fddcf", "8c78"),
        id="award-ranking",
    ),
    pytest.param(
        "pick",
        "PRJ-2026-0007-rate",
        "0123456789abcdef" * 4,
        ["37"],
        RATES,
        ["3.50"],
        ("aa3b535c", "6526"),
        id="rate-pick",
    ),
]
VECTOR_ARGS = "kind, draw_id, seed_hex, entropy, candidates, result, key_ends"

# Fixed verification settings: the tests are about the algorithm, and writing a .hypothesis
# example database into the working tree would leave files behind.
PROPERTY = settings(database=None, deadline=None)


@pytest.mark.parametrize(VECTOR_ARGS, VECTORS)
def test_each_test_vector_gives_the_published_key(
    kind, draw_id, seed_hex, entropy, candidates, result, key_ends
):
    key = engine.derive_key(draw_id, seed_hex, entropy, candidates).hex()
    assert (key[:8], key[-4:]) == key_ends


@pytest.mark.parametrize(VECTOR_ARGS, VECTORS)
def test_each_test_vector_gives_the_published_result(
    kind, draw_id, seed_hex, entropy, candidates, result, key_ends
):
    assert engine.run(kind, draw_id, seed_hex, entropy, candidates) == result


def test_the_key_is_the_sha256_of_the_text_spelled_out_in_the_spec():
    text = "smallworks-draw/1\nPRJ-2026-0007-rate\n" + "0123456789abcdef" * 4 + "\n1\n37\n5\n"
    text += "\n".join(RATES)
    expected = hashlib.sha256(text.encode("utf-8")).digest()
    assert engine.derive_key("PRJ-2026-0007-rate", "0123456789abcdef" * 4, ["37"], RATES) == (
        expected
    )


def test_ranking_and_pick_are_what_run_dispatches_to():
    args = ("PRJ-2026-0007-award", "ff" * 32, ["37"], FIVE)
    assert engine.run("ranking", *args) == engine.ranking(*args)
    assert engine.run("pick", *args) == engine.pick(*args)


def test_a_ranking_of_one_candidate_is_that_candidate():
    assert engine.ranking("POOL-2026-02-SZ", "ab" * 32, [], ["91330205MA2AXXXX1X"]) == [
        "91330205MA2AXXXX1X"
    ]


def test_a_pick_among_one_option_is_that_option():
    assert engine.pick("R-1", "ab" * 32, ["1"], ["3.00"]) == ["3.00"]


def test_the_raw_stream_is_numpys_pcg64_seeded_with_the_key_as_a_big_endian_integer():
    key = engine.derive_key("POOL-2026-01-JZ", "00" * 32, [], FIVE)
    stream = engine.RawStream(key, batch=7)
    expected = np.random.PCG64(int.from_bytes(key, "big")).random_raw(50).tolist()
    assert [stream.raw() for _ in range(50)] == expected


def test_the_commitment_is_the_sha256_hex_of_the_seed_bytes():
    seed = bytes(range(32))
    assert engine.commitment(seed) == hashlib.sha256(seed).hexdigest()
    assert engine.commitment(bytes(32)) == (
        "66687aadf862bd776c8fc18b8e9f8e20089714856ee233b3902a591d0d5f2925"
    )


def test_the_format_name_is_the_one_the_spec_publishes():
    assert engine.FORMAT == "smallworks-draw/1"


# --- bounded draws -------------------------------------------------------------------------------

TOP = 2**64 - 1


class ScriptedGenerator:
    """Stands in for PCG64 with a chosen word sequence, to force rejections."""

    def __init__(self, words):
        self.words = list(words)
        self.given = 0

    def random_raw(self, size):
        chunk = self.words[self.given : self.given + size]
        assert len(chunk) == size, "the scripted stream ran out"
        self.given += size
        return np.array(chunk, dtype=np.uint64)


def scripted_stream(words, batch=3):
    stream = engine.RawStream(bytes(32), batch=batch)
    stream._bg = ScriptedGenerator(words)
    return stream


def test_bounded_rejects_the_top_words_that_would_bias_the_result():
    # 2**64 % 3 == 1, so the single word 2**64 - 1 is refused and the next one is used.
    stream = scripted_stream([TOP, TOP, 7], batch=1)
    assert stream.bounded(3) == 7 % 3


def test_bounded_of_one_consumes_a_word_and_returns_zero():
    stream = scripted_stream([TOP, 5], batch=1)
    assert stream.bounded(1) == 0
    assert stream.raw() == 5


@settings(database=None, deadline=None, max_examples=300)
@given(
    bounds=st.lists(
        st.one_of(
            st.integers(1, 12),
            st.integers(1, TOP),
            st.sampled_from([3, 2**63 + 1, 2**64 - 3, 10_000]),
        ),
        max_size=40,
    ),
    words=st.lists(
        st.one_of(
            st.integers(0, TOP),
            st.integers(TOP - 4, TOP),
            st.integers(2**63 - 2, 2**63 + 2),
        ),
        min_size=1,
        max_size=200,
    ),
    batch=st.integers(1, 50),
)
def test_bounded_many_consumes_the_stream_exactly_like_repeated_bounded(bounds, words, batch):
    # Rejections essentially never happen with real keys, so this scripted stream is what keeps
    # the vectorised path honest: same values and same words consumed as bounded() one at a time.
    padded = words + [0] * (2 * len(bounds) + 120)
    one_by_one = scripted_stream(padded, batch=batch)
    expected = [one_by_one.bounded(n) for n in bounds]
    expected_next = one_by_one.raw()

    at_once = scripted_stream(padded, batch=batch)
    assert at_once.bounded_many(bounds) == expected
    assert at_once.raw() == expected_next


def test_bounded_refuses_an_empty_range():
    with pytest.raises(ValueError):
        scripted_stream([1]).bounded(0)


# --- input rules ---------------------------------------------------------------------------------

GOOD = {"draw_id": "PRJ-2026-0007-award", "seed_hex": "ff" * 32, "entropy": ["37"]}


def ranking_with(**changes):
    args = {**GOOD, "candidates": FIVE, **changes}
    return engine.ranking(args["draw_id"], args["seed_hex"], args["entropy"], args["candidates"])


@pytest.mark.parametrize(
    "draw_id", ["", "PRJ 2026", "PRJ/2026", "PRJ-2026\n", "抽签-1", "PRJ-2026-0007-ａ", None]
)
def test_a_draw_id_outside_the_ascii_alphabet_is_refused(draw_id):
    with pytest.raises(DrawInputError, match="draw id"):
        ranking_with(draw_id=draw_id)


@pytest.mark.parametrize(
    "seed_hex",
    ["", "00" * 31, "00" * 33, "FF" * 32, "gg" * 32, " " + "0" * 63, "0" * 63 + "\n", None],
)
def test_a_seed_that_is_not_64_lowercase_hex_characters_is_refused(seed_hex):
    with pytest.raises(DrawInputError, match="64 lowercase"):
        ranking_with(seed_hex=seed_hex)


@pytest.mark.parametrize("entry", ["3\n7", "37\r", "\r\n"])
def test_public_entropy_with_a_line_break_is_refused(entry):
    with pytest.raises(DrawInputError, match="line breaks"):
        ranking_with(entropy=["1", entry])


def test_a_string_that_utf8_cannot_encode_is_refused_as_an_input_error():
    with pytest.raises(DrawInputError, match="UTF-8"):
        ranking_with(candidates=["\ud800"])
    with pytest.raises(DrawInputError, match="UTF-8"):
        ranking_with(entropy=["3\udfff7"])


def test_public_entropy_given_as_one_string_instead_of_a_list_is_refused():
    with pytest.raises(DrawInputError, match="list of strings"):
        ranking_with(entropy="37")


def test_public_entropy_with_a_number_instead_of_a_string_is_refused():
    with pytest.raises(DrawInputError, match="non-string"):
        ranking_with(entropy=[37])


@pytest.mark.parametrize("name", ["91330205MA2E\n", "\r91330205MA2E"])
def test_a_candidate_with_a_line_break_is_refused(name):
    with pytest.raises(DrawInputError, match="line breaks"):
        ranking_with(candidates=sorted([*FIVE, name]))


def test_duplicate_candidates_are_refused_and_named():
    with pytest.raises(DrawInputError, match="duplicates: 91330205MA2BYYYY2Y"):
        ranking_with(candidates=sorted([*FIVE, FIVE[2]]))


def test_duplicate_options_of_a_pick_are_refused():
    with pytest.raises(DrawInputError, match="duplicates"):
        engine.pick("R-1", "00" * 32, [], ["3.00", "3.50", "3.00"])


def test_an_empty_candidate_list_is_refused():
    with pytest.raises(DrawInputError, match="候选名单不能为空 / the candidate list is empty"):
        ranking_with(candidates=[])
    with pytest.raises(DrawInputError, match="empty"):
        engine.pick("R-1", "00" * 32, [], [])


@pytest.mark.parametrize(
    "candidates",
    [
        list(reversed(FIVE)),
        [FIVE[1], FIVE[0], *FIVE[2:]],
        # Code-point order, not a locale's: "Z" (U+005A) sorts before "a" (U+0061).
        ["a", "Z"],
        ["李四", "张三"],  # 李 U+674E comes after 张 U+5F20
    ],
)
def test_ranking_candidates_out_of_code_point_order_are_refused(candidates):
    with pytest.raises(DrawInputError, match="sorted ascending by code point"):
        ranking_with(candidates=candidates)


def test_pick_options_keep_their_published_order_and_need_not_be_sorted():
    assert engine.pick("R-1", "00" * 32, [], ["5.00", "3.00"])[0] in {"5.00", "3.00"}


def test_an_unknown_kind_is_refused():
    with pytest.raises(DrawInputError, match="unknown draw kind"):
        engine.run("lottery", "R-1", "00" * 32, [], FIVE)


def test_input_errors_are_value_errors_with_a_chinese_then_english_message():
    with pytest.raises(ValueError) as caught:
        ranking_with(candidates=[])
    zh, en = str(caught.value).split(" / ", 1)
    assert zh == "候选名单不能为空" and en == "the candidate list is empty"


# --- statistics and properties -------------------------------------------------------------------

CHI2_6_DOF_AT_0_001 = 22.458


def test_rank_one_of_seven_candidates_is_uniform_over_100000_draws():
    seven = [f"9133020{i}MA2{i}" for i in range(7)]
    draws = 100_000
    firsts = Counter(
        engine.ranking(f"CHI-{n}", "5a" * 32, ["chi-square"], seven)[0] for n in range(draws)
    )
    expected = draws / 7
    chi2 = sum((firsts[name] - expected) ** 2 / expected for name in seven)
    assert chi2 < CHI2_6_DOF_AT_0_001, (chi2, firsts)


# Any text a record can carry, minus what the rules refuse: line breaks and lone surrogates (Cs).
line_free_text = st.text(st.characters(exclude_characters="\n\r", exclude_categories=["Cs"]))
candidate_lists = st.lists(line_free_text, min_size=1, max_size=60).map(
    lambda names: sorted(set(names))
)


@PROPERTY
@given(
    draw_id=st.from_regex(r"[A-Za-z0-9._-]+", fullmatch=True),
    seed=st.binary(min_size=32, max_size=32),
    entropy=st.lists(line_free_text, max_size=4),
    candidates=candidate_lists,
)
def test_a_ranking_is_a_permutation_of_the_candidates(draw_id, seed, entropy, candidates):
    result = engine.ranking(draw_id, seed.hex(), entropy, candidates)
    assert sorted(result) == candidates
    assert len(result) == len(candidates)


@PROPERTY
@given(
    seed=st.binary(min_size=32, max_size=32),
    options=st.lists(line_free_text, min_size=1, max_size=30, unique=True),
)
def test_a_pick_is_one_of_the_options(seed, options):
    result = engine.pick("R-1", seed.hex(), [], options)
    assert len(result) == 1 and result[0] in options
