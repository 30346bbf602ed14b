"""The English catalog covers every message of the interface, and the compiled catalog is current."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from babel.messages.mofile import read_mo
from babel.messages.pofile import read_po

ROOT = Path(__file__).resolve().parents[2]
PO = ROOT / "app/translations/en/LC_MESSAGES/messages.po"
MO = ROOT / "app/translations/en/LC_MESSAGES/messages.mo"


def _extract(tmp_path: Path):
    pot = tmp_path / "messages.pot"
    pybabel = Path(sys.executable).parent / "pybabel"
    subprocess.run(
        [
            str(pybabel),
            "-q",
            "extract",
            "-F",
            "babel.cfg",
            "-k",
            "_l",
            "-k",
            "N_",
            "--ignore-dirs=.* .venv",
            "-o",
            str(pot),
            ".",
        ],
        cwd=ROOT,
        check=True,
    )
    return read_po(pot.open("rb"))


def test_every_message_of_the_interface_has_an_english_translation(tmp_path):
    english = {m.id: m.string for m in read_po(PO.open("rb")) if m.id}
    missing = [m.id for m in _extract(tmp_path) if m.id and not english.get(m.id)]
    assert missing == [], "run `make translations` and translate: " + "; ".join(
        map(str, missing[:20])
    )


def _hashable(value):
    """A plural message's id and strings are a list or tuple (singular, plural): one shape."""
    return value if isinstance(value, str) else tuple(value)


def test_the_compiled_catalog_matches_the_translations():
    po = {
        _hashable(m.id): _hashable(m.string)
        for m in read_po(PO.open("rb"))
        if m.id and (m.string if isinstance(m.string, str) else all(m.string))
    }
    mo = {_hashable(m.id): _hashable(m.string) for m in read_mo(MO.open("rb")) if m.id}
    assert po == mo, "the .mo is stale: run `make translations`"
