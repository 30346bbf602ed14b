"""Where a notice leads: the pages of the record it is about (its project, its draws, its result,
the page where a member responds), given by the domain that owns the notice's subject.

A notice names its subject by `subject_type` and `subject_id` (a trading's code, a pool call's
id…); notices know nothing of those records, so the owning domain registers, in its `init_app`,
a source that turns a notice of its subject type into links for the reader (app.wiring).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass

from flask import Flask

from app.wiring import registry

#: Registry (app.wiring): subject type → LinkSource.
RELATED_LINKS = "notices.related_links"


@dataclass(frozen=True)
class RelatedLink:
    """One link of a notice's "相关链接" block. `label` is in the request's language; `code` is
    an identifier shown beside it (a draw id, a project code), "" for none."""

    label: str
    url: str
    code: str = ""


#: (notice, the signed-in user or the anonymous one) → its links, most useful first.
LinkSource = Callable[[object, object], Iterable[RelatedLink]]


def register_related_links(app: Flask, subject_type: str, source: LinkSource) -> None:
    """Let the domain owning `subject_type` say where its notices lead."""
    registry(RELATED_LINKS, app)[subject_type] = source


def related_links(notice, viewer) -> list[RelatedLink]:
    """The links of `notice` for `viewer`: none when no domain owns its subject, or it has none."""
    source = registry(RELATED_LINKS).get(notice.subject_type) if notice.subject_type else None
    if source is None or not notice.subject_id:
        return []
    return list(source(notice, viewer))
