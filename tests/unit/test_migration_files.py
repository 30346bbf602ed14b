"""Migration files sort in chain order: 0001_<rev>_<slug>.py is the base, each next number its child."""

from __future__ import annotations

import ast
import re
from pathlib import Path

VERSIONS = Path(__file__).resolve().parents[2] / "migrations" / "versions"
NAME = re.compile(r"(\d{4})_([0-9a-z]+)_\w*\.py")


def _ids(path: Path) -> tuple[str, str | None]:
    """(revision, down_revision) as the file assigns them."""
    found = {}
    for node in ast.parse(path.read_text(encoding="utf-8")).body:
        target = node.targets[0] if isinstance(node, ast.Assign) else getattr(node, "target", None)
        if isinstance(target, ast.Name) and target.id in {"revision", "down_revision"}:
            found[target.id] = ast.literal_eval(node.value)
    return found["revision"], found["down_revision"]


def test_every_migration_file_is_numbered_and_named_by_its_revision():
    for path in VERSIONS.glob("*.py"):
        m = NAME.fullmatch(path.name)
        assert m, f"{path.name}: name it NNNN_<revision>_<slug>.py with the next number"
        assert m.group(2) == _ids(path)[0], f"{path.name} holds revision {_ids(path)[0]}"


def test_the_files_sorted_by_name_follow_the_down_revision_chain():
    files = sorted(VERSIONS.glob("*.py"))
    assert files, "no migrations found"
    parent = None
    for number, path in enumerate(files, start=1):
        revision, down = _ids(path)
        assert down == parent, f"{path.name} follows {down}, not the file before it ({parent})"
        assert path.name.startswith(f"{number:04d}_"), f"{path.name} should be number {number:04d}"
        parent = revision
