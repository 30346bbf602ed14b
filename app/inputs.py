"""Input refused at the root, before any view runs: characters no database column can hold.

PostgreSQL's text types cannot store NUL (U+0000): psycopg raises `DataError` for any parameter
that carries one, so `/draws/%00` or a login name `staff\\x00` reached the database and answered
500. Lone surrogates (U+D800–U+DFFF) cannot be encoded as UTF-8 at all; Werkzeug never produces
them (`%ED%A0%80` becomes U+FFFD in a path and stays the literal text `%ED%A0%80` in a query or
form), and the check refuses them too in case a decoder without that safety net is added.

The check runs once for every request (`before_request`), so no view can forget it: a URL path
holding such a character names no page (404), a query string or form is refused with a
translated 400 page, and nothing reaches a view, a service or the database.
"""

from __future__ import annotations

import re

from flask import Flask, abort, request
from flask_babel import lazy_gettext as _l
from werkzeug.exceptions import BadRequest

#: NUL and the UTF-16 surrogate range: never valid in stored text.
UNSTORABLE = re.compile("[\x00\ud800-\udfff]")

UNSTORABLE_MESSAGE = _l(
    "提交的内容含有不允许的控制字符（如空字符），未作任何更改。请返回删除这些字符后重试。"
)


class UnstorableInput(BadRequest):
    """A 400 whose explanation is ours (translated), shown on the error page."""

    def __init__(self) -> None:
        super().__init__()
        self.detail = UNSTORABLE_MESSAGE


def has_unstorable(value: str | None) -> bool:
    return bool(value) and UNSTORABLE.search(value) is not None


def _strings_of_request():
    """Every name and value the client chose, apart from the path: query, form, file fields."""
    for key, value in request.args.items(multi=True):
        yield key
        yield value
    if request.method in ("POST", "PUT", "PATCH", "DELETE"):
        for key, value in request.form.items(multi=True):
            yield key
            yield value
        for key, storage in request.files.items(multi=True):
            yield key
            yield storage.filename or ""


def refuse_unstorable_input() -> None:
    if has_unstorable(request.path):
        abort(404)
    if any(has_unstorable(s) for s in _strings_of_request()):
        raise UnstorableInput()


def init_app(app: Flask) -> None:
    app.before_request(refuse_unstorable_input)
