"""Re-runs a published ``smallworks-draw/1`` record and says whether it holds; stdlib only.

Usage: ``python -m lottery.verify RECORD.json`` or ``python verify.py https://…/api/v1/draws/<id>``.

This file stands alone on purpose (the format's specification: docs/draw-format.md): anyone can
download it and check a draw with nothing but Python, whatever becomes of numpy or of this
project. So it carries its own SeedSequence and PCG64, which reproduce numpy's ``PCG64(int)``
raw stream word for word (numpy's ``bit_generator.pyx``, ``_pcg64.pyx`` and
``src/pcg64/pcg64.h``), and it must never import numpy nor anything from the project; the tests
check both against numpy on thousands of random keys.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import re
import sys
import urllib.error
import urllib.request
from collections.abc import Sequence
from dataclasses import dataclass, field
from itertools import cycle, pairwise
from pathlib import Path
from typing import Any, NamedTuple

FORMAT = "smallworks-draw/1"
KINDS = ("ranking", "pick")

_MASK32 = 0xFFFFFFFF
_MASK64 = 0xFFFFFFFFFFFFFFFF
_MASK128 = (1 << 128) - 1
_TWO64 = 1 << 64
_DRAW_ID = re.compile(r"[A-Za-z0-9._-]+")
_SEED_HEX = re.compile(r"[0-9a-f]{64}")
# A record of 10,000 candidates is well under a megabyte; refuse to swallow an endless download.
_MAX_RECORD_BYTES = 64 * 1024 * 1024


# --- numpy's SeedSequence (bit_generator.pyx), for an int entropy, no spawn key ----------------

_POOL_SIZE = 4
_INIT_A = 0x43B0D7E5
_MULT_A = 0x931E8875
_INIT_B = 0x8B51F9DD
_MULT_B = 0x58F38DED
_MIX_MULT_L = 0xCA01F9DD
_MIX_MULT_R = 0x4973F715
_XSHIFT = 16


class SeedSequence:
    """numpy's ``SeedSequence(entropy)`` for a non-negative int, pool size 4, no spawn key."""

    def __init__(self, entropy: int) -> None:
        if entropy < 0:
            raise ValueError("expected a non-negative integer")
        # numpy's _int_to_uint32_array: 32-bit words, least significant first; 0 is one word.
        words = []
        n = entropy
        while True:
            words.append(n & _MASK32)
            n >>= 32
            if not n:
                break
        self.pool = self._mix_entropy(words)

    @staticmethod
    def _mix_entropy(entropy: list[int]) -> list[int]:
        hash_const = _INIT_A

        def hashmix(value: int) -> int:
            # hash_const is input-output in numpy's hashmix: it advances on every call.
            nonlocal hash_const
            value ^= hash_const
            hash_const = (hash_const * _MULT_A) & _MASK32
            value = (value * hash_const) & _MASK32
            return value ^ (value >> _XSHIFT)

        def mix(x: int, y: int) -> int:
            result = (_MIX_MULT_L * x - _MIX_MULT_R * y) & _MASK32
            return result ^ (result >> _XSHIFT)

        pool = [hashmix(entropy[i] if i < len(entropy) else 0) for i in range(_POOL_SIZE)]
        for i_src in range(_POOL_SIZE):
            for i_dst in range(_POOL_SIZE):
                if i_src != i_dst:
                    pool[i_dst] = mix(pool[i_dst], hashmix(pool[i_src]))
        for i_src in range(_POOL_SIZE, len(entropy)):
            for i_dst in range(_POOL_SIZE):
                pool[i_dst] = mix(pool[i_dst], hashmix(entropy[i_src]))
        return pool

    def generate_state32(self, n_words: int) -> list[int]:
        """``generate_state(n_words, uint32)``."""
        hash_const = _INIT_B
        out = []
        source = cycle(self.pool)
        for _ in range(n_words):
            value = next(source) ^ hash_const
            hash_const = (hash_const * _MULT_B) & _MASK32
            value = (value * hash_const) & _MASK32
            out.append(value ^ (value >> _XSHIFT))
        return out

    def generate_state64(self, n_words: int) -> list[int]:
        """``generate_state(n_words, uint64)``: pairs of uint32 words read as little-endian."""
        w = self.generate_state32(2 * n_words)
        return [w[2 * i] | (w[2 * i + 1] << 32) for i in range(n_words)]


# --- numpy's PCG64: PCG "setseq 128/64 XSL-RR" (pcg64.h) -----------------------------------------

PCG_MULTIPLIER = 0x2360ED051FC65DA44385DF649FCCF645


class PCG64:
    """numpy's ``PCG64(seed)`` for an int seed: the raw uint64 stream only."""

    def __init__(self, seed: int) -> None:
        words = SeedSequence(seed).generate_state64(4)
        # _pcg64.pyx passes words 0-1 as the state and 2-3 as the sequence, high word first.
        initstate = (words[0] << 64) | words[1]
        initseq = (words[2] << 64) | words[3]
        # pcg_setseq_128_srandom_r
        self.inc = ((initseq << 1) | 1) & _MASK128
        self.state = 0
        self._step()
        self.state = (self.state + initstate) & _MASK128
        self._step()

    def _step(self) -> None:
        self.state = (self.state * PCG_MULTIPLIER + self.inc) & _MASK128

    def raw(self) -> int:
        """Advance, then output XSL-RR of the new state (pcg_setseq_128_xsl_rr_64_random_r)."""
        self._step()
        hi = self.state >> 64
        x = hi ^ (self.state & _MASK64)
        rot = hi >> 58
        return ((x >> rot) | (x << (64 - rot))) & _MASK64

    def bounded(self, n: int) -> int:
        """An unbiased integer in [0, n), by rejection (docs/draw-format.md, ``bounded(n)``)."""
        if n < 1:
            raise ValueError(f"bounded(n) needs n >= 1, got {n}")
        limit = _TWO64 - (_TWO64 % n)
        while True:
            u = self.raw()
            if u < limit:
                return u % n


# --- the draw (docs/draw-format.md, "Ranking and pick") -------------------------------------------


class DrawInputError(ValueError):
    """The inputs of a draw break the format; the message is Chinese, then " / ", then English."""


def _encodes(text: str) -> bool:
    # Lone surrogates (JSON allows "\ud800") have no UTF-8 form, so no key text either.
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def _text_list(value: object, zh: str, en: str) -> list[str]:
    if isinstance(value, str | bytes) or not isinstance(value, Sequence):
        raise DrawInputError(f"{zh}必须是字符串列表 / {en} must be a list of strings")
    items = list(value)
    for item in items:
        if not isinstance(item, str):
            raise DrawInputError(
                f"{zh}中有非字符串的项：{item!r} / {en} contains a non-string item: {item!r}"
            )
        if not item.isascii() and not _encodes(item):
            raise DrawInputError(
                f"{zh}中有无法以 UTF-8 编码的字符：{item!r} / "
                f"{en} contains characters that UTF-8 cannot encode: {item!r}"
            )
        if "\n" in item or "\r" in item:
            raise DrawInputError(
                f"{zh}不能包含换行符：{item!r} / {en} must not contain line breaks: {item!r}"
            )
    return items


def derive_key(
    draw_id: str, seed_hex: str, public_entropy: Sequence[str], candidates: Sequence[str]
) -> bytes:
    """sha256 of the key text, after checking the inputs as the engine does."""
    if not isinstance(draw_id, str) or not _DRAW_ID.fullmatch(draw_id):
        raise DrawInputError(
            f"抽签编号只能由字母、数字和 . _ - 组成：{draw_id!r} / "
            f"the draw id must match [A-Za-z0-9._-]+: {draw_id!r}"
        )
    if not isinstance(seed_hex, str) or not _SEED_HEX.fullmatch(seed_hex):
        raise DrawInputError(
            "种子必须是64位小写十六进制字符 / the seed must be 64 lowercase hexadecimal characters"
        )
    entropy = _text_list(public_entropy, "公开随机数", "the public entropy")
    names = _text_list(candidates, "候选名单", "the candidate list")
    if not names:
        raise DrawInputError("候选名单不能为空 / the candidate list is empty")
    if len(set(names)) != len(names):
        raise DrawInputError("候选名单有重复项 / the candidate list has duplicates")
    text = "\n".join(
        [FORMAT, draw_id, seed_hex, str(len(entropy)), *entropy, str(len(names)), *names]
    )
    return hashlib.sha256(text.encode("utf-8")).digest()


def _unsorted_pair(names: Sequence[str]) -> tuple[str, str] | None:
    for before, after in pairwise(names):
        if not before < after:
            return before, after
    return None


def ranking(
    draw_id: str, seed_hex: str, public_entropy: Sequence[str], candidates: Sequence[str]
) -> list[str]:
    """The ranking draw: Fisher–Yates over the sorted candidates."""
    key = derive_key(draw_id, seed_hex, public_entropy, candidates)
    pair = _unsorted_pair(candidates)
    if pair:
        raise DrawInputError(
            f"排序抽签的候选名单必须按码位升序排列：{pair[0]!r} 在 {pair[1]!r} 之前 / "
            f"ranking candidates must be sorted ascending by code point: "
            f"{pair[0]!r} comes before {pair[1]!r}"
        )
    a = list(candidates)
    rng = PCG64(int.from_bytes(key, "big"))
    # PCG64.raw and bounded inlined into local variables: pure-Python 128-bit arithmetic is the
    # whole cost of verifying a large ranking, and attribute look-ups would double it.
    state, inc, mult = rng.state, rng.inc, PCG_MULTIPLIER
    for i in range(len(a) - 1, 0, -1):
        n = i + 1
        limit = _TWO64 - (_TWO64 % n)
        while True:
            state = (state * mult + inc) & _MASK128
            hi = state >> 64
            x = hi ^ (state & _MASK64)
            rot = hi >> 58
            u = ((x >> rot) | (x << (64 - rot))) & _MASK64
            if u < limit:
                break
        j = u % n
        a[i], a[j] = a[j], a[i]
    return a


def pick(
    draw_id: str, seed_hex: str, public_entropy: Sequence[str], candidates: Sequence[str]
) -> list[str]:
    """The pick draw: one option, in the published order, as a one-element list."""
    key = derive_key(draw_id, seed_hex, public_entropy, candidates)
    names = list(candidates)
    return [names[PCG64(int.from_bytes(key, "big")).bounded(len(names))]]


def run(
    kind: str,
    draw_id: str,
    seed_hex: str,
    public_entropy: Sequence[str],
    candidates: Sequence[str],
) -> list[str]:
    """The result of a draw of the given kind."""
    if kind == "ranking":
        return ranking(draw_id, seed_hex, public_entropy, candidates)
    if kind == "pick":
        return pick(draw_id, seed_hex, public_entropy, candidates)
    raise DrawInputError(f"未知的抽签类型：{kind!r} / unknown draw kind {kind!r}")


# --- the verdict ---------------------------------------------------------------------------------


class Check(NamedTuple):
    """One check of a record: its bilingual name, whether it passed, and what was found."""

    name: str
    ok: bool
    detail: str


@dataclass
class Verdict:
    """What the verifier concluded about a record; ``ok`` is also the CLI's exit status (0)."""

    ok: bool
    message: str
    status: str | None = None
    checks: list[Check] = field(default_factory=list)

    def lines(self) -> list[str]:
        """The verdict, then one line per check, as the CLI prints it."""
        marks = [f"  [{'ok' if c.ok else 'FAIL'}] {c.name}: {c.detail}" for c in self.checks]
        return [self.message, *marks]


class RecordError(Exception):
    """The record could not be read at all (file, network, JSON); the message is bilingual."""


def _field_problems(record: dict[str, Any], names: Sequence[str]) -> list[str]:
    problems = []
    for name in names:
        value = record.get(name)
        if name in ("public_entropy", "candidates", "result"):
            good = isinstance(value, list) and all(isinstance(v, str) for v in value)
            want = "a list of strings"
        elif name == "winners":
            good = isinstance(value, int) and not isinstance(value, bool)
            want = "an integer"
        else:
            good = isinstance(value, str)
            want = "a string"
        if name not in record:
            problems.append(f"{name} missing")
        elif not good:
            problems.append(f"{name} is not {want}")
    return problems


def _commitment_check(record: dict[str, Any]) -> Check:
    name = "种子承诺 / seed commitment"
    seed, promised = record["seed"], record["seed_commitment"]
    if not _SEED_HEX.fullmatch(seed):
        return Check(name, False, "种子不是64位小写十六进制 / the seed is not 64 lowercase hex")
    actual = hashlib.sha256(bytes.fromhex(seed)).hexdigest()
    if actual != promised:
        return Check(
            name,
            False,
            f"sha256(seed) = {actual}，与公布的承诺 {promised} 不符 / "
            f"does not match the published commitment",
        )
    return Check(name, True, f"sha256(seed) = {actual}")


def _fail(message: str, status: str | None, checks: list[Check]) -> Verdict:
    return Verdict(False, f"验证失败 / NOT VERIFIED: {message}", status, checks)


def verify_record(record: object) -> Verdict:
    """Checks a published record (docs/draw-format.md, "The published record"); never raises
    on content."""
    checks: list[Check] = []
    if not isinstance(record, dict):
        return _fail("记录不是 JSON 对象 / the record is not a JSON object", None, checks)

    fmt = record.get("format")
    checks.append(Check("格式 / format", fmt == FORMAT, repr(fmt)))
    if fmt != FORMAT:
        return _fail(f"格式应为 {FORMAT}，实为 {fmt!r} / unknown format {fmt!r}", None, checks)

    status = record.get("status")
    draw_id = record.get("draw_id")
    if status == "committed":
        checks.append(Check("状态 / status", False, "committed"))
        return Verdict(
            False,
            f"尚未开奖，暂无法验证 / NOT DRAWN YET: draw {draw_id!r} is only committed; "
            "the seed is revealed with the result",
            status,
            checks,
        )
    if status == "abandoned":
        checks.append(Check("状态 / status", True, "abandoned"))
        problems = _field_problems(record, ["draw_id", "seed", "seed_commitment"])
        checks.append(Check("字段 / fields", not problems, "; ".join(problems) or "complete"))
        if problems:
            return _fail(f"记录字段有误 / bad fields: {'; '.join(problems)}", status, checks)
        commit = _commitment_check(record)
        checks.append(commit)
        if not commit.ok:
            return _fail(f"{commit.name}: {commit.detail}", status, checks)
        reason = record.get("abandon_reason") or "—"
        return Verdict(
            True,
            f"抽签已作废，公开的种子与承诺一致 / ABANDONED: draw {draw_id} was abandoned "
            f"(reason / 原因: {reason}); the revealed seed matches its commitment",
            status,
            checks,
        )
    if status != "drawn":
        checks.append(Check("状态 / status", False, repr(status)))
        return _fail(f"未知状态 / unknown status {status!r}", None, checks)
    checks.append(Check("状态 / status", True, "drawn"))

    required = [
        "draw_id",
        "kind",
        "seed",
        "seed_commitment",
        "public_entropy",
        "candidates",
        "result",
    ]
    if record.get("kind") == "ranking" or record.get("winners") is not None:
        required.append("winners")
    problems = _field_problems(record, required)
    if not problems and record["kind"] not in KINDS:
        problems.append(f"kind {record['kind']!r} is neither ranking nor pick")
    checks.append(Check("字段 / fields", not problems, "; ".join(problems) or "complete"))
    if problems:
        return _fail(f"记录字段有误 / bad fields: {'; '.join(problems)}", status, checks)

    kind, candidates, result = record["kind"], record["candidates"], record["result"]
    checks.append(_commitment_check(record))

    inputs_ok = True
    if kind == "ranking":
        pair = _unsorted_pair(candidates)
        detail = (
            f"{pair[0]!r} 在 {pair[1]!r} 之前 / {pair[0]!r} comes before {pair[1]!r}"
            if pair
            else f"{len(candidates)} 个，升序且无重复 / ascending, no duplicates"
        )
        checks.append(Check("候选排序 / candidate order", pair is None, detail))
        inputs_ok = pair is None
        winners = record["winners"]
        sane = 1 <= winners <= len(candidates)
        checks.append(
            Check(
                "中选人数 / winners",
                sane,
                f"{winners}（应在 1 与 {len(candidates)} 之间 / must be 1..{len(candidates)}）",
            )
        )
    elif record.get("winners") is not None:
        checks.append(Check("中选人数 / winners", record["winners"] == 1, str(record["winners"])))

    if inputs_ok:
        try:
            expected = run(
                kind, record["draw_id"], record["seed"], record["public_entropy"], candidates
            )
        except DrawInputError as exc:
            checks.append(Check("抽签输入 / draw inputs", False, str(exc)))
        else:
            same = expected == result
            if same:
                detail = f"重新计算得到相同结果 / re-running gives the same {len(result)} entries"
            else:
                at = next(
                    (i for i, (e, r) in enumerate(zip(expected, result, strict=False)) if e != r),
                    min(len(expected), len(result)),
                )
                detail = (
                    f"第 {at + 1} 项不同 / differs at position {at + 1}: "
                    f"expected {expected[at] if at < len(expected) else '(nothing)'!r}, "
                    f"published {result[at] if at < len(result) else '(nothing)'!r}"
                )
            checks.append(Check("结果 / result", same, detail))

    failed = [c for c in checks if not c.ok]
    if failed:
        return _fail("; ".join(f"{c.name}: {c.detail}" for c in failed), status, checks)
    summary = f"draw {record['draw_id']} ({kind})"
    if kind == "ranking":
        summary += f", {len(candidates)} candidates, first {record['winners']}: "
        summary += ", ".join(result[: record["winners"]])
    else:
        summary += f": {result[0]}"
    return Verdict(
        True,
        f"验证通过 / VERIFIED: {summary} — the seed matches its commitment and re-running "
        "the draw gives the published result",
        status,
        checks,
    )


# --- reading a record and the command line -------------------------------------------------------


def load_record(source: str) -> object:
    """The parsed JSON at a file path or an http(s) URL; RecordError if it cannot be read."""
    try:
        if source.startswith(("http://", "https://")):
            # The scheme was checked just above: http(s) only, never file: or custom handlers.
            request = urllib.request.Request(source, headers={"Accept": "application/json"})  # noqa: S310
            with urllib.request.urlopen(request, timeout=30) as response:  # noqa: S310
                data = response.read(_MAX_RECORD_BYTES + 1)
        else:
            with Path(source).open("rb") as fh:
                data = fh.read(_MAX_RECORD_BYTES + 1)
    except urllib.error.HTTPError as exc:
        raise RecordError(f"无法下载记录 / cannot download the record: HTTP {exc.code}") from exc
    except (OSError, ValueError) as exc:
        raise RecordError(f"无法读取记录 / cannot read the record: {exc}") from exc
    if len(data) > _MAX_RECORD_BYTES:
        raise RecordError("记录过大 / the record is too large")
    try:
        return json.loads(data)
    except (ValueError, UnicodeDecodeError) as exc:
        raise RecordError(f"记录不是有效的 JSON / the record is not valid JSON: {exc}") from exc


def main(argv: Sequence[str] | None = None) -> int:
    """The command line: prints the verdict, returns 0 when verified (or abandoned cleanly)."""
    parser = argparse.ArgumentParser(
        prog="python -m lottery.verify",
        description=f"Verify a published {FORMAT} draw record (file path or http(s) URL).",
    )
    parser.add_argument("record", help="path or URL of the draw record (JSON)")
    args = parser.parse_args(argv)
    # A console that cannot show Chinese must still get the English half of the verdict.
    for stream in (sys.stdout, sys.stderr):
        if hasattr(stream, "reconfigure"):
            stream.reconfigure(errors="backslashreplace")
    try:
        record = load_record(args.record)
    except RecordError as exc:
        print(f"验证失败 / NOT VERIFIED: {exc}")
        return 1
    verdict = verify_record(record)
    print("\n".join(verdict.lines()))
    return 0 if verdict.ok else 1


if __name__ == "__main__":
    sys.exit(main())
