"""The documentation stays true: its draw test vectors verify, and it points at nothing outside."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from lottery import engine, verify

REPO = Path(__file__).resolve().parents[2]
VECTORS = sorted((REPO / "docs" / "vectors").glob("*.json"))
# What readers get: the README, the docs, and the verifier every installation serves as a download.
SHIPPED = [
    REPO / "README.md",
    *sorted((REPO / "docs").glob("*.md")),
    REPO / "lottery" / "verify.py",
]


def test_the_docs_ship_the_three_test_vectors():
    assert [p.stem for p in VECTORS] == [
        "POOL-2026-01-JZ",
        "PRJ-2026-0007-award",
        "PRJ-2026-0007-rate",
    ]


@pytest.mark.parametrize("path", VECTORS, ids=lambda p: p.stem)
def test_each_documented_vector_verifies_and_is_what_the_engine_draws(path):
    record = json.loads(path.read_text(encoding="utf-8"))
    verdict = verify.verify_record(record)
    assert verdict.ok, verdict.lines()
    assert verdict.status == "drawn"
    args = (record["draw_id"], record["seed"], record["public_entropy"], record["candidates"])
    assert engine.run(record["kind"], *args) == record["result"]
    # The page prints each vector's key in full: it must be this record's key.
    page = (REPO / "docs" / "draw-format.md").read_text(encoding="utf-8")
    assert engine.derive_key(*args).hex() in page


@pytest.mark.parametrize("path", SHIPPED, ids=lambda p: p.name)
def test_nothing_shipped_points_readers_at_the_developers_reference(path):
    # The developers' notes live outside the product; readers must find everything in docs/.
    text = path.read_text(encoding="utf-8")
    assert not re.search(r"\.\./shared|/work/shared|\bDESIGN\.md|\bLOTTERY\.md", text)
