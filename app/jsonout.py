"""The app's JSON provider: Flask's, which writes a body whose keys are already in order
(`InOrder`) as it is, without sorting them again."""

from __future__ import annotations

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
