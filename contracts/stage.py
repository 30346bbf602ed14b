"""`Project.stage`, the clock-free part of a project's state, kept equal to the rule on every flush
(with `Project.responses_close_at`, the moment the clock moves it on).

The stage is a stored copy of the facts (`contracts.rules.stage_of`), not of the state: the state
stays derived, the stage and the clock giving it (`contracts.rules.state_at`). It lets the public
list's `?state=` read one index range, (stage, filed_at, id), newest filing first, where deriving
the state in SQL walked every filed project to find an empty page (issue 14).

No service keeps it: a session listener recomputes, after each flush, the stage of every project
whose row, latest trading or contract the flush wrote — read back from the database, so a trading
or a contract added by its id, not through a loaded collection, counts too. A statement that
writes those tables without the ORM (the bench's bulk inserts, a migration) sets it itself.
"""

from __future__ import annotations

from sqlalchemy import bindparam, event, exists, select, update
from sqlalchemy.orm import Session
from sqlalchemy.orm.attributes import set_committed_value
from sqlalchemy.orm.util import identity_key

from app.extensions import db
from app.transactions import transactional
from contracts.models import Contract, Project, Trading
from contracts.queries.projects import facts_of, latest_round
from contracts.rules import stage_of

#: The rows whose writes may change a project's facts (contracts.queries.facts_of reads them).
_WATCHED = (Project, Trading, Contract)


def _touched(session: Session) -> set[int]:
    """The ids of the projects whose facts the flush may have changed."""
    projects: set[int] = set()
    tradings: set[int] = set()
    for obj in (*session.new, *session.dirty, *session.deleted):
        if isinstance(obj, Project):
            projects.add(obj.id)
        elif isinstance(obj, Trading):
            projects.add(obj.project_id)
        elif isinstance(obj, Contract):
            tradings.add(obj.trading_id)
    if tradings:
        conn = session.connection()
        found = select(Trading.project_id).where(Trading.id.in_(tradings))
        projects.update(conn.scalars(found))
    projects.discard(None)
    return projects


def _facts_statement(ids: set[int]):
    signed = exists(select(Contract.id).where(Contract.trading_id == Trading.id))
    return (
        select(
            Project.id,
            Project.stage,
            Project.responses_close_at.label("stored_close_at"),
            Project.filing,
            Trading.id.label("trading_id"),
            Trading.responses_close_at,
            Trading.outcome,
            Trading.suspended_at,
            signed.label("signed"),
        )
        .outerjoin(Trading, (Trading.project_id == Project.id) & (Trading.round == latest_round()))
        .where(Project.id.in_(ids))
    )


def _stored_facts(session: Session, ids: set[int]) -> dict[int, tuple[tuple, tuple]]:
    """Project id → (what its row stores, what it should store: its stage by THE rule and its
    latest trading's responses close), from the facts now in the database."""
    rows = session.connection().execute(_facts_statement(ids))
    return {
        r.id: (
            (r.stage, r.stored_close_at),
            (
                str(stage_of(facts_of(r, r if r.trading_id else None, r.signed))),
                r.responses_close_at,
            ),
        )
        for r in rows
    }


def _keep_stages(session: Session, _flush_context) -> None:
    if not any(isinstance(o, _WATCHED) for o in (*session.new, *session.dirty, *session.deleted)):
        return
    ids = _touched(session)
    if not ids:
        return
    _write(session, _changed(_stored_facts(session, ids)))


def _write(session: Session, changed: list[dict]) -> None:
    if not changed:
        return
    table = Project.__table__
    session.connection().execute(
        update(table)
        .where(table.c.id == bindparam("pid"))
        .values(stage=bindparam("new_stage"), responses_close_at=bindparam("new_close")),
        changed,
    )
    for row in changed:  # the loaded projects show what the database now holds
        p = session.identity_map.get(identity_key(Project, row["pid"]))
        if p is not None:
            set_committed_value(p, "stage", row["new_stage"])
            set_committed_value(p, "responses_close_at", row["new_close"])


@transactional
def restage(batch: int = 1000) -> int:
    """Recompute every project's stored stage and responses close from its facts, in one
    transaction (`flask projects restage`): after tradings, contracts or projects were changed by
    hand in SQL, which no flush listener sees. Safe to repeat. Returns how many projects it
    corrected."""
    session = db.session()
    last, fixed = 0, 0
    while True:
        ids = list(
            session.scalars(
                select(Project.id).where(Project.id > last).order_by(Project.id).limit(batch)
            )
        )
        if not ids:
            return fixed
        changed = _changed(_stored_facts(session, set(ids)))
        _write(session, changed)
        fixed, last = fixed + len(changed), ids[-1]


def _changed(stored: dict[int, tuple[tuple, tuple]]) -> list[dict]:
    return [
        {"pid": pid, "new_stage": stage, "new_close": close}
        for pid, (kept, (stage, close)) in stored.items()
        if kept != (stage, close)
    ]


def listen() -> None:
    """Once per process (a Session class's event): every session's flushes keep the stages."""
    if not event.contains(Session, "after_flush", _keep_stages):
        event.listen(Session, "after_flush", _keep_stages)
