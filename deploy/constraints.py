"""Print the versions of the platform's runtime dependencies installed in this environment — the
ones the tests ran with — as pip constraints, for the image (`make constraints` writes
deploy/constraints.txt; the Containerfile installs pyproject.toml's dependencies under them).

Walks pyproject.toml's `dependencies` (extras included) and what each of them requires, with
the markers of this interpreter (the image's Python is the same minor version on Linux).
"""

from __future__ import annotations

import sys
import tomllib
from importlib.metadata import PackageNotFoundError, distribution
from pathlib import Path

from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

ROOT = Path(__file__).resolve().parent.parent


def closure(requirements: list[Requirement]) -> dict[str, str]:
    """{canonical name: installed version} of the requirements and all they require."""
    pinned: dict[str, str] = {}
    todo = [(r, "") for r in requirements]
    seen: set[tuple[str, str]] = set()
    while todo:
        req, extra = todo.pop()
        if req.marker is not None and not req.marker.evaluate({"extra": extra}):
            continue
        name = canonicalize_name(req.name)
        for wanted in ("", *sorted(req.extras)):
            if (name, wanted) in seen:
                continue
            seen.add((name, wanted))
            try:
                dist = distribution(name)
            except PackageNotFoundError:
                sys.exit(f"{name} is required but not installed here: `make install` first")
            pinned[name] = dist.version
            todo.extend((Requirement(r), wanted) for r in dist.requires or ())
    return pinned


def main() -> None:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    pinned = closure([Requirement(r) for r in project["dependencies"]])
    print("# The runtime dependencies' versions the tests ran with (make constraints).")
    for name in sorted(pinned):
        print(f"{name}=={pinned[name]}")


if __name__ == "__main__":
    main()
