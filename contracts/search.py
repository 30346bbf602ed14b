"""Projects in the site search (app.search): a project is public once filed (备案) — the public
project list's rule — so filing puts it in the index and sending it back takes it out, each in
that use case's transaction. Its owner's contact person and phone are left out of the text."""

from __future__ import annotations

from collections.abc import Iterator

from flask import Flask, url_for
from sqlalchemy import select

from app.extensions import db
from app.search import services as search
from app.search.rules import Kind, Stage
from contracts import rules
from contracts.models import Project


def entry(p: Project) -> search.Entry:
    place = " ".join(x for x in (p.town, p.village) if x)
    return search.Entry(
        kind=Kind.PROJECT,
        key=p.code,
        title=p.name,
        text=" ".join(x for x in (p.code, p.owner_name, place, p.scope) if x),
        published_at=p.filed_at,
        type=Kind.PROJECT,
        stage=Stage.EXECUTION,
        category=p.category_code,
    )


def index(p: Project) -> None:
    search.put(entry(p))


def unindex(p: Project) -> None:
    search.remove(Kind.PROJECT, p.code)


def all_entries() -> Iterator[search.Entry]:
    stmt = (
        select(Project)
        .where(Project.filing == rules.Filing.FILED)
        .order_by(Project.filed_at, Project.id)
    )
    for p in db.session.scalars(stmt):
        yield entry(p)


def init_app(app: Flask) -> None:
    search.register_source(app, Kind.PROJECT, all_entries)
    search.register_url(app, Kind.PROJECT, lambda code: url_for("projects.detail", code=code))
