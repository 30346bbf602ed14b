"""The app's JSON provider: Flask's, which writes a body whose keys are already in order
(`InOrder`) as it is, without sorting them again."""

from __future__ import annotations

from flask import Flask
from flask.json.provider import DefaultJSONProvider


class InOrder(dict):
    """A JSON body each of whose objects — itself and every dict inside it — has its keys in
    sorted order already, as the provider's `sort_keys` would write them: the same bytes.

    Sorting the keys of every object of an API page was ~30 µs of /api/v1/notices' ~1.4 ms
    (issue 14); a body built in order need not be sorted. Whoever builds one keeps its keys in
    order (tests/web/test_api_json_order.py holds the notices API to it)."""


class JSONProvider(DefaultJSONProvider):
    """Flask's provider (sorted keys, the app's settings), an `InOrder` body written unsorted."""

    def dumps(self, obj, **kwargs) -> str:
        if type(obj) is InOrder:
            kwargs.setdefault("sort_keys", False)
        return super().dumps(obj, **kwargs)


#: What `JSONProvider.response` passes to `dumps` for a compact answer.
COMPACT = (",", ":")


def compact(app: Flask) -> bool:
    """Whether the app's provider writes an answer compactly (`response`: `separators` without
    `indent`), as it does but in debug mode or with `compact = False`. Only then is a value
    written alone (`in_order`) the same bytes as inside the answer."""
    provider = app.json
    return not ((provider.compact is None and app.debug) or provider.compact is False)


def in_order(app: Flask, value) -> str:
    """`value` — a dict whose keys, and every dict's inside it, are in sorted order (as an
    `InOrder` body's), or a plain value — written as the provider writes it inside a compact
    answer (`compact`): a part of a body put together from parts (issue 14)."""
    if type(value) is dict:
        value = InOrder(value)
    return app.json.dumps(value, separators=COMPACT)
