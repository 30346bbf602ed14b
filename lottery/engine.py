"""Computes a ``smallworks-draw/1`` draw from its inputs — pure: hashlib, numpy, standard library.

The algorithm is specified in LOTTERY.md and must not change without a new format name; the
standard-library verifier (``lottery/verify.py``) re-implements it and the tests hold the two
together word for word.
"""

from __future__ import annotations

import hashlib
import re
from collections import Counter
from collections.abc import Sequence
from itertools import pairwise
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import numpy as np

FORMAT = "smallworks-draw/1"
KINDS = ("ranking", "pick")

_TWO64 = 1 << 64
_DRAW_ID = re.compile(r"[A-Za-z0-9._-]+")
_SEED_HEX = re.compile(r"[0-9a-f]{64}")
# Enough words to rank a few thousand candidates in one call into numpy, small enough that a pick
# (one word) does not pay for a large allocation.
_MAX_BATCH = 1 << 16


class DrawInputError(ValueError):
    """The inputs of a draw break LOTTERY.md; the message is Chinese, then " / ", then English."""


def _encodes(text: str) -> bool:
    # Lone surrogates (JSON allows "\ud800") have no UTF-8 form, so no key text either.
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def _require_text_list(value: object, zh: str, en: str) -> list[str]:
    # A bare string is a sequence of characters: accepting it would silently draw among letters.
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
            # The key text joins lines with "\n"; a line break inside an item would let two
            # different inputs produce the same text (and so the same draw).
            raise DrawInputError(
                f"{zh}不能包含换行符：{item!r} / {en} must not contain line breaks: {item!r}"
            )
    return items


def _check_inputs(
    draw_id: object, seed_hex: object, public_entropy: object, candidates: object
) -> tuple[str, str, list[str], list[str]]:
    if not isinstance(draw_id, str) or not _DRAW_ID.fullmatch(draw_id):
        raise DrawInputError(
            f"抽签编号只能由字母、数字和 . _ - 组成：{draw_id!r} / "
            f"the draw id must match [A-Za-z0-9._-]+: {draw_id!r}"
        )
    if not isinstance(seed_hex, str) or not _SEED_HEX.fullmatch(seed_hex):
        raise DrawInputError(
            "种子必须是64位小写十六进制字符 / the seed must be 64 lowercase hexadecimal characters"
        )
    entropy = _require_text_list(public_entropy, "公开随机数", "the public entropy")
    names = _require_text_list(candidates, "候选名单", "the candidate list")
    if not names:
        raise DrawInputError("候选名单不能为空 / the candidate list is empty")
    if len(set(names)) != len(names):
        dupes = sorted(name for name, count in Counter(names).items() if count > 1)
        raise DrawInputError(
            f"候选名单有重复项：{', '.join(dupes)} / the candidate list has duplicates: "
            f"{', '.join(dupes)}"
        )
    return draw_id, seed_hex, entropy, names


def key_text(
    draw_id: str, seed_hex: str, public_entropy: Sequence[str], candidates: Sequence[str]
) -> str:
    """The text whose SHA-256 is the draw key (LOTTERY.md, "Algorithm")."""
    draw_id, seed_hex, entropy, names = _check_inputs(draw_id, seed_hex, public_entropy, candidates)
    return "\n".join(
        [FORMAT, draw_id, seed_hex, str(len(entropy)), *entropy, str(len(names)), *names]
    )


def derive_key(
    draw_id: str, seed_hex: str, public_entropy: Sequence[str], candidates: Sequence[str]
) -> bytes:
    """The 32-byte draw key: sha256 of the key text, UTF-8."""
    text = key_text(draw_id, seed_hex, public_entropy, candidates)
    return hashlib.sha256(text.encode("utf-8")).digest()


class RawStream:
    """The raw uint64 stream of ``numpy.random.PCG64(int.from_bytes(key, "big"))``.

    Words are pulled from numpy in batches, which is invisible to the draw: the bit generator's
    stream is the same however it is chunked, the stream owns its generator, and every method
    hands the words out in order, each consumed word exactly once.
    """

    def __init__(self, key: bytes, batch: int = 1024) -> None:
        if len(key) != 32:
            raise ValueError(f"the draw key must be 32 bytes, got {len(key)}")
        # Imported on the first draw, not with the module: the web workers import the engine
        # (through the rules) on every page but draw rarely, and numpy is 16 MB of each (issue 14).
        import numpy as np

        self._np = np
        self._bg = np.random.PCG64(int.from_bytes(key, "big"))
        self._batch = max(1, min(batch, _MAX_BATCH))
        self._buf = np.empty(0, dtype=np.uint64)
        self._pos = 0

    def _take(self, count: int) -> np.ndarray:
        """The next ``count`` words, as a view into the buffer."""
        left = len(self._buf) - self._pos
        if left < count:
            fresh = self._bg.random_raw(max(count - left, self._batch))
            self._buf = self._np.concatenate([self._buf[self._pos :], fresh])
            self._pos = 0
        words = self._buf[self._pos : self._pos + count]
        self._pos += count
        return words

    def _untake(self, count: int) -> None:
        # Only ever called right after _take, whose words are still in the buffer.
        self._pos -= count

    def raw(self) -> int:
        """The next uint64 of the raw stream."""
        return int(self._take(1)[0])

    def bounded(self, n: int) -> int:
        """An unbiased integer in [0, n), by rejection of the top ``2**64 % n`` words."""
        if n < 1:
            raise ValueError(f"bounded(n) needs n >= 1, got {n}")
        limit = _TWO64 - (_TWO64 % n)
        while True:
            u = self.raw()
            if u < limit:
                return u % n

    def bounded_many(self, bounds: Sequence[int]) -> list[int]:
        """``[self.bounded(n) for n in bounds]``, word for word, computed with numpy.

        Each bound takes the next word; only when a word is rejected do the words after it shift
        to the following bounds, so a batch is checked at once and, from its first rejection on,
        drawn again. Bounds must lie in [1, 2**64).
        """
        np = self._np
        todo = np.asarray(bounds, dtype=np.uint64)
        if len(todo) and int(todo.min()) < 1:
            raise ValueError("bounded_many needs every bound >= 1")
        out: list[int] = []
        top = np.uint64(_TWO64 - 1)
        while len(todo):
            words = self._take(len(todo))
            # 2**64 % n computed in uint64 as (2**64 - n) % n; a word u is rejected when
            # u >= 2**64 - rem, i.e. u > (2**64 - 1) - rem, which never fires for rem == 0.
            rem = (np.uint64(0) - todo) % todo
            rejected = np.flatnonzero(words > top - rem)
            if not len(rejected):
                out.extend((words % todo).tolist())
                break
            k = int(rejected[0])
            out.extend((words[:k] % todo[:k]).tolist())
            # Word k is spent on bound k and refused; bound k gets the word after it.
            self._untake(len(todo) - k - 1)
            todo = todo[k:]
        return out


def _check_ranking_order(names: list[str]) -> None:
    # Python compares str by code point, which is the order LOTTERY.md prescribes; duplicates were
    # already refused, so "not ascending" means some neighbour pair is out of order.
    for before, after in pairwise(names):
        if not before < after:
            raise DrawInputError(
                f"排序抽签的候选名单必须按码位升序排列：{before!r} 在 {after!r} 之前 / "
                f"ranking candidates must be sorted ascending by code point: "
                f"{before!r} comes before {after!r}"
            )


def ranking(
    draw_id: str, seed_hex: str, public_entropy: Sequence[str], candidates: Sequence[str]
) -> list[str]:
    """The whole ranking: a Fisher–Yates shuffle of the sorted candidates, driven by the key."""
    key = derive_key(draw_id, seed_hex, public_entropy, candidates)
    a = list(candidates)
    _check_ranking_order(a)
    draws = RawStream(key, batch=len(a) - 1).bounded_many(range(len(a), 1, -1))
    for i, j in zip(range(len(a) - 1, 0, -1), draws, strict=True):
        a[i], a[j] = a[j], a[i]
    return a


def pick(
    draw_id: str, seed_hex: str, public_entropy: Sequence[str], candidates: Sequence[str]
) -> list[str]:
    """One option out of the candidates in their published order, as a one-element list."""
    key = derive_key(draw_id, seed_hex, public_entropy, candidates)
    names = list(candidates)
    return [names[RawStream(key, batch=1).bounded(len(names))]]


def run(
    kind: str,
    draw_id: str,
    seed_hex: str,
    public_entropy: Sequence[str],
    candidates: Sequence[str],
) -> list[str]:
    """The result of a draw of the given kind ("ranking" or "pick")."""
    if kind == "ranking":
        return ranking(draw_id, seed_hex, public_entropy, candidates)
    if kind == "pick":
        return pick(draw_id, seed_hex, public_entropy, candidates)
    raise DrawInputError(
        f"未知的抽签类型：{kind!r}（应为 ranking 或 pick） / "
        f"unknown draw kind {kind!r} (expected ranking or pick)"
    )


def commitment(seed: bytes) -> str:
    """The public commitment to a seed: its SHA-256, hex."""
    return hashlib.sha256(seed).hexdigest()
