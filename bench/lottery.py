"""Times a 10,000-candidate ranking with the engine and its check by the stdlib verifier.

Run from the repository root: ``.venv/bin/python bench/lottery.py [--repeat N] [--candidates N]``.
"""

from __future__ import annotations

import argparse
import hashlib
import statistics
import sys
import time
import tracemalloc
from pathlib import Path

# Run as a script, this file's directory comes first on sys.path and its own name, lottery.py,
# would shadow the lottery package; the repository root takes that place instead.
sys.path[0] = str(Path(__file__).resolve().parents[1])

from lottery import engine, verify  # noqa: E402 - needs the sys.path fix above

DRAW_ID = "POOL-2027-01-JZ"
SEED_HEX = hashlib.sha256(b"bench").hexdigest()
ENTROPY = ["37", "8812", "张三 5"]


def timed(fn, repeat: int) -> tuple[float, float]:
    """Best and median wall time of ``fn()`` in milliseconds."""
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        times.append((time.perf_counter() - start) * 1000)
    return min(times), statistics.median(times)


def peak_kib(fn) -> float:
    """Peak memory traced while ``fn()`` runs, in KiB (tracemalloc; a separate, slower run)."""
    tracemalloc.start()
    try:
        fn()
        return tracemalloc.get_traced_memory()[1] / 1024
    finally:
        tracemalloc.stop()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=9)
    parser.add_argument("--candidates", type=int, default=10_000)
    args = parser.parse_args()

    candidates = sorted(f"91330205MA{i:08d}" for i in range(args.candidates))
    result = engine.ranking(DRAW_ID, SEED_HEX, ENTROPY, candidates)
    record = {
        "format": engine.FORMAT,
        "draw_id": DRAW_ID,
        "kind": "ranking",
        "winners": 1,
        "status": "drawn",
        "seed_commitment": engine.commitment(bytes.fromhex(SEED_HEX)),
        "candidates": candidates,
        "public_entropy": ENTROPY,
        "seed": SEED_HEX,
        "result": result,
    }
    assert verify.verify_record(record).ok, "the verifier disagrees with the engine"

    cases = {
        "engine.ranking": lambda: engine.ranking(DRAW_ID, SEED_HEX, ENTROPY, candidates),
        "verify.ranking (stdlib)": lambda: verify.ranking(DRAW_ID, SEED_HEX, ENTROPY, candidates),
        "verify.verify_record (stdlib)": lambda: verify.verify_record(record),
        "engine.pick (5 options)": lambda: engine.pick(DRAW_ID, SEED_HEX, ENTROPY, candidates[:5]),
    }
    print(
        f"{args.candidates:,} candidates, {args.repeat} runs each, "
        f"Python {sys.version.split()[0]}, numpy {engine.np.__version__}"
    )
    print(f"{'':32}{'best ms':>10}{'median ms':>12}{'peak KiB':>12}")
    for name, fn in cases.items():
        fn()  # warm-up: imports, caches and first allocations are not what is measured
        best, median = timed(fn, args.repeat)
        print(f"{name:32}{best:10.2f}{median:12.2f}{peak_kib(fn):12.0f}")


if __name__ == "__main__":
    main()
