"""Unit tests of the standard-library verifier: numpy equivalence, verdicts, tampering, the CLI."""

from __future__ import annotations

import ast
import copy
import functools
import hashlib
import http.server
import json
import os
import shutil
import subprocess
import sys
import threading
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from lottery import engine, verify

REPO = Path(__file__).resolve().parents[2]
VERIFY_PY = REPO / "lottery" / "verify.py"

FIVE = [
    "913302001440123456",
    "91330205MA2AXXXX1X",
    "91330205MA2BYYYY2Y",
    "91330205MA2CZZZZ3Z",
    "91330205MA2D000040",
]
RATES = ["3.00", "3.50", "4.00", "4.50", "5.00"]


def drawn_record(kind, draw_id, seed_hex, entropy, candidates, result, winners=1):
    """A published record as LOTTERY.md shows it, with the commitment computed from the seed."""
    return {
        "format": "smallworks-draw/1",
        "draw_id": draw_id,
        "kind": kind,
        "purpose": "测试抽签",
        "winners": winners,
        "status": "drawn",
        "seed_commitment": hashlib.sha256(bytes.fromhex(seed_hex)).hexdigest(),
        "committed_at": "2026-11-27T09:00:00+08:00",
        "candidates": list(candidates),
        "public_entropy": list(entropy),
        "seed": seed_hex,
        "drawn_at": "2026-12-03T10:00:00+08:00",
        "result": list(result),
        "subject": {"type": "project", "code": "PRJ-2026-0007"},
    }


# LOTTERY.md, "Test vectors".
VECTOR_RECORDS = {
    "pool-ranking": drawn_record(
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
    ),
    "award-ranking": drawn_record(
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
    ),
    "rate-pick": drawn_record(
        "pick", "PRJ-2026-0007-rate", "0123456789abcdef" * 4, ["37"], RATES, ["3.50"]
    ),
}

# Fixed verification settings: writing a .hypothesis example database into the working tree would
# leave files behind, and timings vary too much on shared machines for a deadline.
PROPERTY = settings(database=None, deadline=None)


# --- the verifier's own SeedSequence and PCG64 against numpy -------------------------------------


def numpy_words(seed: int, count: int) -> list[int]:
    return np.random.PCG64(seed).random_raw(count).tolist()


def stdlib_words(seed: int, count: int) -> list[int]:
    rng = verify.PCG64(seed)
    return [rng.raw() for _ in range(count)]


@settings(max_examples=10_000, deadline=None, database=None)
@given(key=st.binary(min_size=32, max_size=32))
def test_the_stdlib_pcg64_gives_numpys_first_100_words_for_any_256_bit_key(key):
    seed = int.from_bytes(key, "big")
    assert stdlib_words(seed, 100) == numpy_words(seed, 100)


@pytest.mark.parametrize(
    "seed",
    [0, 1, 2**32 - 1, 2**32, 2**64 - 1, 2**96, 2**127, 2**128 - 1, 2**128, 2**160 + 7, 2**256 - 1],
)
def test_the_stdlib_pcg64_matches_numpy_on_keys_with_few_or_many_32_bit_words(seed):
    # Keys with leading zero bytes give SeedSequence fewer than four entropy words (the pool is
    # padded) and full keys give eight (the surplus is mixed in afterwards): both paths matter.
    assert stdlib_words(seed, 1000) == numpy_words(seed, 1000)


@PROPERTY
@given(key=st.binary(min_size=0, max_size=40))
def test_the_stdlib_seed_sequence_generates_numpys_state_words(key):
    seed = int.from_bytes(key, "big")
    ours = verify.SeedSequence(seed)
    theirs = np.random.SeedSequence(seed)
    assert ours.pool == theirs.pool.tolist()
    assert ours.generate_state64(4) == theirs.generate_state(4, np.uint64).tolist()
    assert ours.generate_state32(5) == theirs.generate_state(5, np.uint32).tolist()


def test_the_stdlib_pcg64_starts_in_numpys_state_and_increment():
    seed = int.from_bytes(hashlib.sha256(b"state").digest(), "big")
    ours = verify.PCG64(seed)
    theirs = np.random.PCG64(seed).state["state"]
    assert (ours.state, ours.inc) == (theirs["state"], theirs["inc"])


# --- the verifier's draw against the engine's ----------------------------------------------------

line_free_text = st.text(st.characters(exclude_characters="\n\r", exclude_categories=["Cs"]))
draw_inputs = {
    "draw_id": st.from_regex(r"[A-Za-z0-9._-]{1,30}", fullmatch=True),
    "seed": st.binary(min_size=32, max_size=32),
    "entropy": st.lists(line_free_text, max_size=5),
}


@PROPERTY
@given(
    **draw_inputs,
    candidates=st.lists(line_free_text, min_size=1, max_size=80).map(
        lambda names: sorted(set(names))
    ),
)
def test_the_verifier_ranks_exactly_as_the_engine(draw_id, seed, entropy, candidates):
    args = (draw_id, seed.hex(), entropy, candidates)
    assert verify.ranking(*args) == engine.ranking(*args)
    assert verify.derive_key(*args) == engine.derive_key(*args)


@PROPERTY
@given(
    **draw_inputs,
    options=st.lists(line_free_text, min_size=1, max_size=30, unique=True),
)
def test_the_verifier_picks_exactly_as_the_engine(draw_id, seed, entropy, options):
    args = (draw_id, seed.hex(), entropy, options)
    assert verify.pick(*args) == engine.pick(*args)


def test_the_verifier_ranks_10000_candidates_exactly_as_the_engine():
    candidates = sorted(f"91330205MA{i:08d}" for i in range(10_000))
    args = ("POOL-2027-01-JZ", "c3" * 32, ["12", "345"], candidates)
    assert verify.ranking(*args) == engine.ranking(*args)


@pytest.mark.parametrize(
    "bad",
    [
        {"draw_id": "a b"},
        {"seed_hex": "AB" * 32},
        {"entropy": ["1\n2"]},
        {"candidates": []},
        {"candidates": ["b", "a"]},
        {"candidates": ["a", "a"]},
        {"candidates": ["a\r"]},
        {"candidates": ["\udc80"]},
    ],
)
def test_the_verifier_refuses_the_inputs_the_engine_refuses(bad):
    args = {"draw_id": "R-1", "seed_hex": "00" * 32, "entropy": [], "candidates": ["a"], **bad}
    call = (args["draw_id"], args["seed_hex"], args["entropy"], args["candidates"])
    with pytest.raises(engine.DrawInputError):
        engine.ranking(*call)
    with pytest.raises(verify.DrawInputError):
        verify.ranking(*call)


# --- verdicts ------------------------------------------------------------------------------------


@pytest.mark.parametrize("name", list(VECTOR_RECORDS))
def test_every_test_vector_of_the_spec_verifies(name):
    verdict = verify.verify_record(copy.deepcopy(VECTOR_RECORDS[name]))
    assert verdict.ok, verdict.lines()
    assert verdict.message.startswith("验证通过 / VERIFIED")
    assert verdict.status == "drawn"
    assert all(check.ok for check in verdict.checks)


def test_a_verdict_names_the_winners_of_a_ranking():
    verdict = verify.verify_record(copy.deepcopy(VECTOR_RECORDS["award-ranking"]))
    assert "first 1: 91330205MA2CZZZZ3Z" in verdict.message


def test_a_verdict_lists_each_check_as_name_outcome_and_detail():
    verdict = verify.verify_record(copy.deepcopy(VECTOR_RECORDS["pool-ranking"]))
    names = [name for name, _ok, _detail in verdict.checks]
    assert names == [
        "格式 / format",
        "状态 / status",
        "字段 / fields",
        "种子承诺 / seed commitment",
        "候选排序 / candidate order",
        "中选人数 / winners",
        "结果 / result",
    ]


def nudge(text: str, at: int) -> str:
    """The text with one character changed; hex stays hex so the commitment check is what trips."""
    hexdigits = "0123456789abcdef"
    old = text[at]
    new = hexdigits[(hexdigits.index(old) + 1) % 16] if old in hexdigits else chr(ord(old) ^ 1)
    return text[:at] + new + text[at + 1 :]


def tampered(record, field, index, at):
    changed = copy.deepcopy(record)
    if index is None:
        changed[field] = nudge(changed[field], at)
    else:
        changed[field][index] = nudge(changed[field][index], at)
    return changed


def every_position(field):
    for name, record in VECTOR_RECORDS.items():
        value = record[field]
        if isinstance(value, str):
            for at in range(len(value)):
                yield pytest.param(name, None, at, id=f"{name}-{at}")
        else:
            for index, item in enumerate(value):
                for at in range(len(item)):
                    yield pytest.param(name, index, at, id=f"{name}-{index}-{at}")


@pytest.mark.parametrize(("name", "index", "at"), list(every_position("seed")))
def test_any_changed_character_of_the_seed_fails_the_commitment(name, index, at):
    verdict = verify.verify_record(tampered(VECTOR_RECORDS[name], "seed", index, at))
    assert not verdict.ok
    assert not dict((c.name, c.ok) for c in verdict.checks)["种子承诺 / seed commitment"]


@pytest.mark.parametrize(("name", "index", "at"), list(every_position("seed_commitment")))
def test_any_changed_character_of_the_commitment_fails(name, index, at):
    assert not verify.verify_record(tampered(VECTOR_RECORDS[name], "seed_commitment", None, at)).ok


@pytest.mark.parametrize(("name", "index", "at"), list(every_position("result")))
def test_any_changed_character_of_the_result_fails(name, index, at):
    assert not verify.verify_record(tampered(VECTOR_RECORDS[name], "result", index, at)).ok


# A changed entropy string or candidate gives another key, so another draw; but a ranking of five
# has only 120 orders and a pick of five only 5 outcomes, so another key can land on the published
# result by chance (1 in 120, 1 in 5). The vectors' every position is checked here (the outcome is
# fixed, so this is not flaky), and the large record below shows it in general.
@pytest.mark.parametrize(
    ("name", "index", "at"),
    [p for p in every_position("public_entropy") if not p.values[0].startswith("rate")],
)
def test_any_changed_character_of_the_entropy_of_a_vector_ranking_fails(name, index, at):
    assert not verify.verify_record(tampered(VECTOR_RECORDS[name], "public_entropy", index, at)).ok


@pytest.mark.parametrize(
    ("name", "index", "at"),
    [p for p in every_position("candidates") if not p.values[0].startswith("rate")],
)
def test_any_changed_character_of_a_candidate_of_a_vector_ranking_fails(name, index, at):
    assert not verify.verify_record(tampered(VECTOR_RECORDS[name], "candidates", index, at)).ok


def large_record():
    candidates = sorted(f"91330205MA{i:04d}张{i % 7}" for i in range(60))
    entropy = ["37", "8812", "王五 9"]
    result = engine.ranking("POOL-2027-02-SZ", "5e" * 32, entropy, candidates)
    return drawn_record(
        "ranking", "POOL-2027-02-SZ", "5e" * 32, entropy, candidates, result, winners=3
    )


LARGE = large_record()


def test_the_large_record_verifies_untouched():
    assert verify.verify_record(copy.deepcopy(LARGE)).ok


@PROPERTY
@given(data=st.data())
def test_any_changed_character_anywhere_in_a_large_ranking_record_fails(data):
    field = data.draw(
        st.sampled_from(["seed", "seed_commitment", "public_entropy", "candidates", "result"])
    )
    index = None
    value = LARGE[field]
    if isinstance(value, list):
        index = data.draw(st.integers(0, len(value) - 1))
        value = value[index]
    at = data.draw(st.integers(0, len(value) - 1))
    replacement = data.draw(
        st.characters(exclude_characters=[value[at]], exclude_categories=["Cs"])
    )
    changed = copy.deepcopy(LARGE)
    new = value[:at] + replacement + value[at + 1 :]
    if index is None:
        changed[field] = new
    else:
        changed[field][index] = new
    assert not verify.verify_record(changed).ok


def test_swapping_two_entries_of_the_result_fails_and_says_where():
    record = copy.deepcopy(VECTOR_RECORDS["pool-ranking"])
    record["result"][1], record["result"][2] = record["result"][2], record["result"][1]
    verdict = verify.verify_record(record)
    assert not verdict.ok
    assert "differs at position 2" in verdict.message


def test_a_truncated_result_fails():
    record = copy.deepcopy(VECTOR_RECORDS["pool-ranking"])
    record["result"].pop()
    assert not verify.verify_record(record).ok


def test_unsorted_ranking_candidates_fail_even_with_a_matching_result():
    record = copy.deepcopy(VECTOR_RECORDS["pool-ranking"])
    record["candidates"] = list(reversed(record["candidates"]))
    verdict = verify.verify_record(record)
    assert not verdict.ok
    assert "candidate order" in verdict.message


def test_duplicate_ranking_candidates_fail():
    record = copy.deepcopy(VECTOR_RECORDS["pool-ranking"])
    record["candidates"].insert(1, record["candidates"][0])
    assert not verify.verify_record(record).ok


@pytest.mark.parametrize("winners", [0, -1, 6, True, "1", None, 1.0])
def test_a_ranking_whose_winners_is_not_between_one_and_the_candidate_count_fails(winners):
    record = copy.deepcopy(VECTOR_RECORDS["pool-ranking"])
    record["winners"] = winners
    assert not verify.verify_record(record).ok


def test_a_ranking_may_select_every_candidate():
    record = copy.deepcopy(VECTOR_RECORDS["pool-ranking"])
    record["winners"] = 5
    assert verify.verify_record(record).ok


def test_a_pick_without_winners_still_verifies():
    record = copy.deepcopy(VECTOR_RECORDS["rate-pick"])
    record["winners"] = None
    assert verify.verify_record(record).ok


def test_a_pick_claiming_two_winners_fails():
    record = copy.deepcopy(VECTOR_RECORDS["rate-pick"])
    record["winners"] = 2
    assert not verify.verify_record(record).ok


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        ({"format": "smallworks-draw/2"}, "format"),
        ({"format": None}, "format"),
        ({"status": "cancelled"}, "unknown status"),
        ({"kind": "lottery"}, "neither ranking nor pick"),
        ({"seed": None}, "seed is not a string"),
        ({"candidates": "913302001440123456"}, "candidates is not a list of strings"),
        ({"public_entropy": [37]}, "public_entropy is not a list of strings"),
        ({"result": None}, "result is not a list of strings"),
        ({"draw_id": "PRJ 7"}, "draw id"),
        ({"seed": "00" * 31}, "64 lowercase hex"),
    ],
)
def test_a_malformed_record_fails_with_a_reason(change, expected):
    record = {**copy.deepcopy(VECTOR_RECORDS["pool-ranking"]), **change}
    verdict = verify.verify_record(record)
    assert not verdict.ok
    assert verdict.message.startswith("验证失败 / NOT VERIFIED")
    assert expected in verdict.message


@pytest.mark.parametrize("missing", ["draw_id", "kind", "seed", "seed_commitment", "result"])
def test_a_record_missing_a_field_fails_and_names_it(missing):
    record = copy.deepcopy(VECTOR_RECORDS["award-ranking"])
    del record[missing]
    verdict = verify.verify_record(record)
    assert not verdict.ok
    assert f"{missing} missing" in verdict.message


@pytest.mark.parametrize("record", [None, [], "drawn", 7])
def test_something_other_than_a_json_object_fails(record):
    assert not verify.verify_record(record).ok


def test_a_committed_draw_cannot_be_verified_yet():
    record = copy.deepcopy(VECTOR_RECORDS["award-ranking"])
    record.update(status="committed", seed=None, result=None, public_entropy=None, drawn_at=None)
    verdict = verify.verify_record(record)
    assert not verdict.ok
    assert verdict.status == "committed"
    assert "NOT DRAWN YET" in verdict.message


def abandoned_record():
    record = copy.deepcopy(VECTOR_RECORDS["award-ranking"])
    record.update(
        status="abandoned",
        abandon_reason="会议因台风取消",
        public_entropy=None,
        result=None,
        drawn_at=None,
    )
    return record


def test_an_abandoned_draw_whose_seed_matches_its_commitment_passes_as_abandoned():
    verdict = verify.verify_record(abandoned_record())
    assert verdict.ok
    assert verdict.status == "abandoned"
    assert "ABANDONED" in verdict.message and "会议因台风取消" in verdict.message
    assert "验证通过" not in verdict.message


def test_an_abandoned_draw_whose_seed_does_not_match_its_commitment_fails():
    record = abandoned_record()
    record["seed"] = "ee" * 32
    verdict = verify.verify_record(record)
    assert not verdict.ok
    assert "seed commitment" in verdict.message


# --- a standalone file ---------------------------------------------------------------------------


def test_the_verifier_imports_nothing_but_the_standard_library():
    tree = ast.parse(VERIFY_PY.read_text(encoding="utf-8"))
    imported = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            imported |= {alias.name.split(".")[0] for alias in node.names}
        elif isinstance(node, ast.ImportFrom):
            assert node.level == 0, "a relative import would tie the verifier to the package"
            imported.add(node.module.split(".")[0])
    assert imported <= sys.stdlib_module_names | {"__future__"}, imported


def run_cli(*args, cwd=REPO):
    env = {**os.environ, "PYTHONDONTWRITEBYTECODE": "1", "NO_PROXY": "*", "no_proxy": "*"}
    for proxy in ("http_proxy", "https_proxy", "HTTP_PROXY", "HTTPS_PROXY", "ALL_PROXY"):
        env.pop(proxy, None)
    return subprocess.run(
        [sys.executable, *args],
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        encoding="utf-8",
        timeout=60,
    )


def write_record(tmp_path, record, name="record.json"):
    path = tmp_path / name
    path.write_text(json.dumps(record, ensure_ascii=False, indent=2), encoding="utf-8")
    return path


def test_a_copy_of_the_verifier_file_alone_verifies_a_record_without_loading_numpy(tmp_path):
    alone = tmp_path / "alone"
    alone.mkdir()
    shutil.copy(VERIFY_PY, alone / "verify.py")
    record = write_record(tmp_path, VECTOR_RECORDS["award-ranking"])
    probe = (
        "import sys, verify\n"
        f"code = verify.main([{str(record)!r}])\n"
        "assert 'numpy' not in sys.modules and 'lottery' not in sys.modules\n"
        "sys.exit(code)\n"
    )
    done = run_cli("-c", probe, cwd=alone)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "验证通过" in done.stdout


def test_the_command_line_exits_0_and_says_verified_for_a_good_record(tmp_path):
    done = run_cli("-m", "lottery.verify", str(write_record(tmp_path, VECTOR_RECORDS["rate-pick"])))
    assert done.returncode == 0, done.stdout + done.stderr
    assert "验证通过 / VERIFIED" in done.stdout
    assert "[ok] 结果 / result" in done.stdout


def test_the_command_line_exits_1_and_says_not_verified_for_a_tampered_record(tmp_path):
    record = copy.deepcopy(VECTOR_RECORDS["award-ranking"])
    record["result"].reverse()
    done = run_cli("-m", "lottery.verify", str(write_record(tmp_path, record)))
    assert done.returncode == 1
    assert "验证失败 / NOT VERIFIED" in done.stdout
    assert "[FAIL] 结果 / result" in done.stdout


def test_the_command_line_exits_0_for_a_cleanly_abandoned_draw(tmp_path):
    done = run_cli("-m", "lottery.verify", str(write_record(tmp_path, abandoned_record())))
    assert done.returncode == 0
    assert "ABANDONED" in done.stdout


def test_the_command_line_exits_1_for_a_draw_not_drawn_yet(tmp_path):
    record = copy.deepcopy(VECTOR_RECORDS["award-ranking"])
    record.update(status="committed", seed=None, result=None)
    done = run_cli("-m", "lottery.verify", str(write_record(tmp_path, record)))
    assert done.returncode == 1
    assert "NOT DRAWN YET" in done.stdout


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        (None, "cannot read the record"),
        (b"{not json", "not valid JSON"),
        (b"\xff\xfe\x00garbage", "not valid JSON"),
        (b"[1, 2]", "not a JSON object"),
        (b'{"format": "smallworks-draw/1", "status": "drawn"}', "draw_id missing"),
    ],
    ids=["missing-file", "bad-json", "bad-encoding", "not-an-object", "missing-fields"],
)
def test_the_command_line_explains_an_unusable_record_without_a_traceback(
    tmp_path, content, expected
):
    path = tmp_path / "record.json"
    if content is not None:
        path.write_bytes(content)
    done = run_cli("-m", "lottery.verify", str(path))
    assert done.returncode == 1
    assert "验证失败 / NOT VERIFIED" in done.stdout
    assert expected in done.stdout
    assert "Traceback" not in done.stdout + done.stderr


class QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format, *args):
        pass


@pytest.fixture
def served(tmp_path):
    """A tiny HTTP server on localhost serving tmp_path; yields its base URL."""
    handler = functools.partial(QuietHandler, directory=str(tmp_path))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, args=(0.05,), daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)


def test_the_command_line_verifies_a_record_downloaded_from_a_url(tmp_path, served):
    write_record(tmp_path, VECTOR_RECORDS["pool-ranking"], name="POOL-2026-01-JZ")
    done = run_cli("-m", "lottery.verify", f"{served}/POOL-2026-01-JZ")
    assert done.returncode == 0, done.stdout + done.stderr
    assert "验证通过 / VERIFIED" in done.stdout


def test_the_command_line_fails_a_tampered_record_downloaded_from_a_url(tmp_path, served):
    record = copy.deepcopy(VECTOR_RECORDS["pool-ranking"])
    record["seed"] = "01" + record["seed"][2:]
    write_record(tmp_path, record, name="tampered.json")
    done = run_cli("-m", "lottery.verify", f"{served}/tampered.json")
    assert done.returncode == 1
    assert "验证失败" in done.stdout and "seed commitment" in done.stdout


def test_the_command_line_reports_a_missing_url_as_an_http_error(served):
    done = run_cli("-m", "lottery.verify", f"{served}/no-such-draw")
    assert done.returncode == 1
    assert "HTTP 404" in done.stdout
    assert "Traceback" not in done.stdout + done.stderr
