"""Public API v1 in OCDS 1.1: `GET /api/v1/ocds/<code>` (a project's release package), the change
feed `GET /api/v1/ocds/?since=`, the dated bulk download and our extension's files."""

from __future__ import annotations

import json
from datetime import date, datetime, time, timedelta
from pathlib import Path

from flask import (
    Blueprint,
    Response,
    abort,
    current_app,
    make_response,
    request,
    stream_with_context,
    url_for,
)
from flask_babel import gettext as _

from app import clock
from app.api import time_iso
from app.urls import public_base_url, whole_number
from contracts.ocds import mapping, queries

bp = Blueprint("ocds_api", __name__, url_prefix="/api/v1/ocds")

PER_PAGE = 50
#: Projects read per query while the bulk download streams.
BULK_BATCH = 100
#: Before anything the platform publishes: an older `since` or day reads as this one.
EPOCH = datetime(2000, 1, 1, tzinfo=mapping.CST)
#: The largest id a cursor may name (the ids are 32-bit integers on PostgreSQL).
MAX_ID = 2**31 - 1
EXTENSION_DIR = Path(__file__).parent / "extension"
EXTENSION_FILES = {
    "extension.json": "application/json",
    "release-schema.json": "application/json",
    "README.md": "text/markdown",
}


def _bad_request(message: str):
    abort(make_response({"error": 400, "message": message}, 400))


def _not_found(message: str | None = None):
    body = {"error": 404, **({"message": message} if message else {})}
    abort(make_response(body, 404))


def _publication(uri: str, published: datetime | None = None) -> mapping.Publication:
    return mapping.Publication(
        uri=uri,
        publisher_name=current_app.config["OCDS_PUBLISHER"],
        publisher_uri=public_base_url(),
        extension_url=url_for(".extension", name="extension.json", _external=True),
        published=published,
    )


def _prefix() -> str:
    return current_app.config["OCDS_PREFIX"]


@bp.route("/<code>")
def get_package(code: str):
    """A project's release package: every release of every round (404: not a filed project)."""
    project = queries.public_project(code)
    if project is None:
        _not_found()
    (facts,) = queries.facts([project])
    rels = mapping.releases(facts, _prefix())
    uri = url_for(".get_package", code=project.code, _external=True)
    return mapping.package(rels, _publication(uri))


def _since_arg() -> datetime | None:
    """`?since=`: an ISO 8601 time (with an offset; without one it is read as Asia/Shanghai) or
    a date (its local start). Malformed or in the future: 400 with a message."""
    raw = request.args.get("since")
    if raw is None:
        return None
    try:
        moment = datetime.fromisoformat(raw.strip())
    except ValueError:
        _bad_request(
            _(
                "since 参数无法识别：请使用 ISO 8601 时间，例如 2026-12-01T00:00:00+08:00 或 2026-12-01。"
            )
        )
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=mapping.CST)
    if moment < EPOCH:
        # Nothing is older than the platform; and year 1 would overflow in UTC.
        return EPOCH
    if moment > clock.now():
        _bad_request(_("since 参数不能晚于当前时间。"))
    return moment


def _after_arg() -> int | None:
    raw = request.args.get("after")
    if raw is None:
        return None
    try:
        after = whole_number(raw)  # "²" passed str.isdigit() and then failed int(): a 500
    except ValueError:
        after = None
    if after is None or after > MAX_ID or request.args.get("since") is None:
        _bad_request(_("after 参数无效：请按响应中的 next 链接翻页。"))
    return after


@bp.route("/")
# Without the slash too, like the other lists (no redirect built on the request's Host).
@bp.route("", endpoint="feed_unslashed")
def feed():
    """The change feed: filed projects by (last change, id), oldest first, each with its
    package link; `next` continues after the last one (keyset, see docs/ocds.md)."""
    since, after = _since_arg(), _after_arg()
    rows, more = queries.feed_page(since, after, PER_PAGE)
    prefix = _prefix()
    items = [
        {
            "code": row.project.code,
            "name": row.project.name,
            "ocids": [mapping.ocid(prefix, t.code) for t in row.project.tradings],
            "changed_at": time_iso(row.changed_at),
            "url": url_for(".get_package", code=row.project.code, _external=True),
        }
        for row in rows
    ]
    nxt = None
    if more:
        last = rows[-1]
        nxt = url_for(
            ".feed", since=last.changed_at.isoformat(), after=last.project.id, _external=True
        )
    return {"items": items, "next": nxt}


@bp.route("/extension/<name>")
def extension(name: str):
    """Our local extension (extension.json, its release-schema.json patch, its README)."""
    if name not in EXTENSION_FILES:
        _not_found()
    body = (EXTENSION_DIR / name).read_text(encoding="utf-8")
    if name == "extension.json":
        # Its documentation is served beside it.
        doc = json.loads(body)
        doc["documentationUrl"] = {"en": url_for(".extension", name="README.md", _external=True)}
        return doc
    return Response(body, mimetype=EXTENSION_FILES[name])


@bp.route("/bulk/<day>.json")
def bulk(day: str):
    """Every release dated on one local day (Asia/Shanghai), as one release package, streamed."""
    try:
        on = date.fromisoformat(day)
    except ValueError:
        _bad_request(_("日期格式应为 YYYY-MM-DD，例如 2026-12-01。"))
    if on > clock.today():
        _bad_request(_("该日期尚未到来，没有可下载的数据。"))
    if on < EPOCH.date():
        _not_found(_("该日没有发布任何数据。"))
    start = datetime.combine(on, time(0), mapping.CST)
    end = start + timedelta(days=1)
    batches = _bulk_batches(start, end)
    first = next(batches, None)
    if first is None:
        _not_found(_("该日没有发布任何数据。"))
    published = min(end, clock.now())
    pub = _publication(url_for(".bulk", day=on.isoformat(), _external=True), published)
    head = mapping.package([{}], pub)
    del head["releases"]

    def stream():
        opening = json.dumps(head, ensure_ascii=False, sort_keys=True)
        yield opening[:-1] + ', "releases": ['
        sep = ""
        for batch in _chain(first, batches):
            for release in batch:
                yield sep + json.dumps(release, ensure_ascii=False, sort_keys=True)
                sep = ", "
        yield "]}"

    response = Response(stream_with_context(stream()), mimetype="application/json")
    # Streamed: no ETag of a body that is not in memory.
    response.direct_passthrough = True
    return response


def _chain(first, rest):
    yield first
    yield from rest


def _bulk_batches(start: datetime, end: datetime):
    """Lists of the releases dated in [start, end), a batch of projects at a time, by id."""
    prefix = _prefix()
    after = 0
    while True:
        projects = queries.projects_changed_since(start, after, BULK_BATCH)
        if not projects:
            return
        after = projects[-1].id
        found = [
            r
            for facts in queries.facts(projects)
            for r in mapping.releases(facts, prefix)
            if start <= datetime.fromisoformat(r["date"]) < end
        ]
        if found:
            yield found
