"""Reads for the public revision histories: which audit entries belong to one public object, a
keyset page of them, and each entry as the page and the API show it (app.history.rules).

The log knows subjects only as (subject_type, subject_id) strings, and app/ knows no domain: so
each domain registers, in its `init_app`, a *kind* (`register_kind`): a function from the id in
the URL to the public object's `Target` — or None when there is no such object or it is not public
yet, which the page answers with 404. A domain whose ids appear as a change's value (a notice id
in `notice_id` or `corrects_id`) registers the pages of those that are public
(`register_field_links`), so that the value is a link.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Collection, Mapping
from dataclasses import dataclass, replace
from datetime import datetime

from flask import Flask
from sqlalchemy import ColumnElement, and_, select

from app.audit import AuditEntry
from app.history import rules
from app.i18n import english, named
from app.keyset import Cursor, Window, window
from app.offices.scope import find_office
from app.wiring import registry

#: Registry: kind (the URL's `<kind>`) → (id text → Target or None).
KINDS = "app.history.kinds"
#: Registry: a change's field → (its values shown → the pages of those that are public).
FIELD_LINKS = "app.history.field_links"
FieldLinks = Callable[[Collection[str]], Mapping[str, str]]

#: Entries per page: a project with several rounds has a few dozen; a page of 50 keeps it one.
PER_PAGE = 50


@dataclass(frozen=True)
class Target:
    """A public object whose history is shown."""

    kind: str
    ident: str
    #: The object's name on the history page (its title, code, company name).
    title: str
    #: Its own public page (the history links back to it).
    url: str
    #: When it became public: entries before it show no details (rules.withheld).
    public_since: datetime
    #: The entries that belong to it: its own, and those of what a reader expects with it (a
    #: project's tradings, a notice's corrections, a sanction's case).
    clause: ColumnElement[bool]


@dataclass(frozen=True)
class Row:
    """One entry as shown: when, who (a role and an office), what, which fields changed."""

    id: int
    at: datetime
    action: str
    label: str
    role: str
    office: str
    #: The object it is about, when not the history's own object (a trading round, a correction).
    about: str
    withheld: bool
    changes: list[rules.Change]


def register_kind(app: Flask, kind: str, resolve: Callable[[str], Target | None]) -> None:
    registry(KINDS, app)[kind] = resolve


def register_field_links(app: Flask, field: str, resolve: FieldLinks) -> None:
    registry(FIELD_LINKS, app)[field] = resolve


def subject(subject_type: str, subject_id) -> ColumnElement[bool]:
    """The entries of one audit subject."""
    return and_(AuditEntry.subject_type == subject_type, AuditEntry.subject_id == str(subject_id))


def find_target(kind: str, ident: str) -> Target | None:
    """The public object `kind`/`ident`, or None (an unknown kind, id, or an object not public)."""
    resolve = registry(KINDS).get(kind)
    if resolve is None or not ident or len(ident) > 80 or "\x00" in ident:
        return None
    return resolve(ident)


def page(
    target: Target, cursor: Cursor, per_page: int | None = None, since: datetime | None = None
) -> Window:
    """One page of the object's entries, newest first (keyset on the entry id, the chain's order:
    app.keyset); with `since`, only entries written at or after it (an entry never changes)."""
    stmt = select(AuditEntry).where(
        target.clause, AuditEntry.action.not_in(sorted(rules.HIDDEN_ACTIONS))
    )
    if since is not None:
        stmt = stmt.where(AuditEntry.at >= since)
    return window(stmt, cursor, per_page or PER_PAGE, AuditEntry.id)


def rows(target: Target, entries: list[AuditEntry]) -> list[Row]:
    """The page's entries as shown. No query per entry: offices are read once each per request
    (app.offices.scope.find_office)."""
    en = english()
    own = (target.kind, target.ident)
    shown = []
    for e in entries:
        hidden = rules.withheld(e.at, target.public_since)
        shown.append(
            Row(
                id=e.id,
                at=e.at,
                action=e.action,
                label=rules.action_label(e.action, en),
                role=rules.role_label(rules.actor_role(e.actor_id, e.actor_label), en),
                office=named(find_office(e.office_id)),
                about="" if (e.subject_type, e.subject_id) == own else _about(e),
                withheld=hidden,
                changes=[] if hidden else rules.changes(e.before, e.after, en),
            )
        )
    return _linked(shown)


def _linked(shown: list[Row]) -> list[Row]:
    """The rows with each value of a linked field that names a public page made its link: one
    lookup per field for the whole page."""
    resolvers = registry(FIELD_LINKS)
    values: dict[str, set[str]] = defaultdict(set)
    for r in shown:
        for c in r.changes:
            if c.field in resolvers:
                values[c.field].update(v for v in (c.before, c.after) if v is not None)
    if not values:
        return shown
    urls = {field: resolvers[field](sorted(found)) for field, found in values.items()}

    def link(c: rules.Change) -> rules.Change:
        pages = urls.get(c.field)
        if not pages:
            return c
        return replace(c, before_url=pages.get(c.before), after_url=pages.get(c.after))

    return [replace(r, changes=[link(c) for c in r.changes]) for r in shown]


def _about(e: AuditEntry) -> str:
    pair = rules.SUBJECT_LABELS.get(e.subject_type)
    return f"{rules.label(pair, english()) if pair else e.subject_type} {e.subject_id}"
