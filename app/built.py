"""Documents built once, kept on disk and served with a strong ETag (the draw minutes, bulletin PDFs).

A public PDF costs tens of milliseconds of CPU to build (ReportLab, CJK fonts), and anyone may ask
for it: built on every request, eight at once held up every other request (issue 10: `/healthz`
went from 5 ms to 0.5 s). So a document is built the first time what it shows — its `identity`,
the facts printed on it — is asked for, stored under the instance folder (``instance/built/<kind>/``,
beside the uploads, not in them: these files are derived, not anyone's upload, and can be deleted
at any time) and served from there. Different facts (a draw now drawn, a meeting moved) are a
different file; the code that lays the document out is part of its identity, so a new layout is
rebuilt too. Not in the database: files are bytes to stream, the database holds the facts.

Each response carries a strong ETag (a hash of the bytes) and answers ``If-None-Match`` with 304.
A document that can no longer change (`final`) is ``Cache-Control: public`` for a day; any other
is ``no-cache``: clients may keep it but ask each time.
"""

from __future__ import annotations

import hashlib
import io
import json
import os
import secrets
import sys
import threading
from collections.abc import Callable, Iterable
from functools import cache
from pathlib import Path
from types import ModuleType

from flask import Response, current_app, send_file

#: How long a client or proxy may keep a final document without asking again.
FINAL_MAX_AGE = 24 * 3600

_locks: dict[Path, threading.Lock] = {}
_locks_guard = threading.Lock()


@cache
def _source_digest(module_name: str) -> str:
    """A fingerprint of a module's code: a document laid out by other code is another document."""
    path = getattr(sys.modules[module_name], "__file__", None)
    return hashlib.sha256(Path(path).read_bytes()).hexdigest() if path else module_name


def _lock_for(path: Path) -> threading.Lock:
    with _locks_guard:
        return _locks.setdefault(path, threading.Lock())


def _store(path: Path, data: bytes) -> None:
    """Write-then-rename: a reader sees the whole file or none, never half of one."""
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.{secrets.token_hex(4)}.part")
    tmp.write_bytes(data)
    os.replace(tmp, path)


def _identity_key(kind: str, identity, sources: Iterable[ModuleType]) -> str:
    code = sorted({"app.built", "app.pdf", *(m.__name__ for m in sources)})
    text = json.dumps(
        [kind, identity, {name: _source_digest(name) for name in code}],
        sort_keys=True,
        ensure_ascii=False,
        default=str,
    )
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def built_path(kind: str, identity, *, sources: Iterable[ModuleType] = (), suffix=".pdf") -> Path:
    """Where the document of this identity is kept (it may not be built yet)."""
    key = _identity_key(kind, identity, sources)
    folder = current_app.config.get("BUILT_FOLDER") or Path(current_app.instance_path) / "built"
    return Path(folder) / kind / key[:2] / f"{key}{suffix}"


def serve_built(
    kind: str,
    identity,
    build: Callable[[], bytes],
    *,
    download_name: str,
    final: bool,
    sources: Iterable[ModuleType] = (),
    mimetype: str = "application/pdf",
) -> Response:
    """The document of `identity` (JSON-able facts it shows), built by `build()` only if it is
    not stored yet, as a response with a strong ETag (304 on a matching If-None-Match).

    `kind` names the folder ("draw-minutes"); `sources` are the modules whose code lays the
    document out (their code is part of the identity); `final` says the document can no longer
    change (a drawn draw's minutes): public caching then, else no-cache.
    """
    path = built_path(kind, identity, sources=sources, suffix=Path(download_name).suffix)
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        # One build per document at a time in this process; another process may build it too,
        # and the last rename wins — both files serve the same facts.
        with _lock_for(path):
            try:
                data = path.read_bytes()
            except FileNotFoundError:
                data = build()
                _store(path, data)
    response = send_file(
        io.BytesIO(data),
        mimetype=mimetype,
        download_name=download_name,
        etag=hashlib.sha256(data).hexdigest()[:32],
        conditional=True,
        max_age=None,
    )
    response.headers.pop("Expires", None)
    response.headers["Cache-Control"] = (
        f"public, max-age={FINAL_MAX_AGE}" if final else "public, no-cache"
    )
    return response
