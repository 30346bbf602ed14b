"""Objections to a call: to the review result and to the drawn rosters, the unanswered ones each
stage waits for, and the roster answers' deadlines (app.deadlines)."""

from __future__ import annotations

from datetime import timedelta

from flask import url_for
from sqlalchemy import func, select

from app import clock
from app.deadlines import Deadline, Unit
from app.extensions import db
from contractors import rules
from contractors.models import Objection


def objections_of(call_id: int) -> list[Objection]:
    """The objections to the call's review result (the roster's: `roster_objections_of`)."""
    return list(
        db.session.scalars(
            select(Objection)
            .where(
                Objection.call_id == call_id, Objection.stage == str(rules.ObjectionStage.REVIEW)
            )
            .order_by(Objection.filed_at)
        )
    )


def open_objections(call_id: int) -> int:
    return db.session.scalar(
        select(func.count(Objection.id)).where(
            Objection.call_id == call_id,
            Objection.stage == str(rules.ObjectionStage.REVIEW),
            Objection.answered_at.is_(None),
        )
    )


def roster_objections_of(call_id: int) -> list[Objection]:
    """The objections to the call's drawn rosters (roster publicity), in order of receipt."""
    return list(
        db.session.scalars(
            select(Objection)
            .where(
                Objection.call_id == call_id, Objection.stage == str(rules.ObjectionStage.ROSTER)
            )
            .order_by(Objection.filed_at, Objection.id)
        )
    )


def open_roster_objections(call_id: int) -> int:
    """Roster objections still unanswered: the roster notice waits for them."""
    return db.session.scalar(
        select(func.count(Objection.id)).where(
            Objection.call_id == call_id,
            Objection.stage == str(rules.ObjectionStage.ROSTER),
            Objection.answered_at.is_(None),
        )
    )


def roster_objection_deadlines() -> list[Deadline]:
    """The 3-日 answer deadline of every unanswered roster objection and of those answered in the
    last 30 days (app.deadlines)."""
    since = clock.now() - timedelta(days=30)
    rows = db.session.scalars(
        select(Objection)
        .where(
            Objection.stage == str(rules.ObjectionStage.ROSTER),
            Objection.answer_by.is_not(None),
            Objection.answered_at.is_(None) | (Objection.answered_at >= since),
        )
        .order_by(Objection.answer_by)
    )
    return [
        Deadline(
            kind="pool_objection.answer",
            label="答复入围名录公示期间的异议",
            label_en="Answer the objection to the roster",
            subject=f"{o.call_category.call.code} 异议{o.id}",
            subject_en=f"{o.call_category.call.code} objection {o.id}",
            url=url_for("pool_staff.objections", call_id=o.call_id, _anchor=f"objection-{o.id}"),
            due_at=o.answer_by,
            unit=Unit.DAYS,
            length=rules.ROSTER_ANSWER_DAYS,
            basis=rules.ROSTER_OBJECTION_BASIS,
            done_at=o.answered_at,
            office_id=o.call_category.call.office_id,
        )
        for o in rows
    ]
