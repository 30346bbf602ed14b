"""The OCDS mapping's release package, pure: the releases with the package's metadata, naming
our extension."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

from .facts import VERSION, stamp


@dataclass(frozen=True)
class Publication:
    """How a package names itself: its address, the publisher and our extension."""

    uri: str
    publisher_name: str
    publisher_uri: str
    extension_url: str
    published: datetime | None = None


def package(rels: list[dict], pub: Publication) -> dict:
    """A release package: the releases with the package's metadata. `publishedDate` is the
    newest release's date (a package changes only by a new release), unless given."""
    published = pub.published
    if published is None:
        published = max(datetime.fromisoformat(r["date"]) for r in rels)
    return {
        "uri": pub.uri,
        "version": VERSION,
        "extensions": [pub.extension_url],
        "publishedDate": stamp(published.astimezone(UTC)),
        "publisher": {"name": pub.publisher_name, "uri": pub.publisher_uri},
        "releases": rels,
    }
