"""Offline validation of OCDS release packages against the official 1.1.5 schema in
tests/ocds_schema/, plain and patched with our extension (no network)."""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path

from jsonschema import Draft4Validator
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT4

SCHEMAS = Path(__file__).parent / "ocds_schema"
EXTENSION = Path(__file__).parents[1] / "contracts" / "ocds" / "extension" / "release-schema.json"
RELEASE_URL = "https://standard.open-contracting.org/schema/1__1__5/release-schema.json"


def merge_patch(target, patch):
    """RFC 7386: how an OCDS extension's release-schema.json applies to the release schema."""
    if not isinstance(patch, dict):
        return patch
    out = dict(target) if isinstance(target, dict) else {}
    for key, value in patch.items():
        if value is None:
            out.pop(key, None)
        else:
            out[key] = merge_patch(out.get(key), value)
    return out


def _load(name: str) -> dict:
    return json.loads((SCHEMAS / name).read_text(encoding="utf-8"))


@cache
def validator(extended: bool) -> Draft4Validator:
    release = _load("release-schema.json")
    if extended:
        release = merge_patch(release, json.loads(EXTENSION.read_text(encoding="utf-8")))
    registry = Registry().with_resource(
        RELEASE_URL, Resource.from_contents(release, default_specification=DRAFT4)
    )
    return Draft4Validator(
        _load("release-package-schema.json"),
        registry=registry,
        format_checker=Draft4Validator.FORMAT_CHECKER,
    )


def errors_of(package: dict) -> list[str]:
    """Every schema error of a package, against the plain and the extended schema."""
    found = []
    for extended in (False, True):
        for e in validator(extended).iter_errors(package):
            where = "/".join(str(p) for p in e.absolute_path)
            found.append(f"{'extended' if extended else 'official'}: {where}: {e.message}")
    return found


def assert_valid(package: dict) -> None:
    errors = errors_of(package)
    assert not errors, "\n".join(errors[:20])
