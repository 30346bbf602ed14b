"""Reads of cases and sanctions: the pool's suspension source (THE rule's input), the deadlines
the oversight pages list, the public lists (current, archive) and the API's rows."""

from __future__ import annotations

from datetime import date, datetime, timedelta

from flask import url_for
from sqlalchemy import or_, select

from app import clock
from app.deadlines import Deadline, Unit
from app.extensions import db
from app.offices.queries import ref
from app.offices.scope import find_office, scope_clause
from contractors.models import Contractor
from contractors.rules import Period
from notices.timeliness import services as timeliness

from . import rules
from .models import MisconductCase, Sanction, SanctionChange, SanctionCorrection

ART = "《招标投标违法行为记录公告暂行办法》"


# ---- THE rule's input: who is suspended or removed ---------------------------------------------


def _of_district(district_id: int | None):
    return (
        Sanction.office_id.is_(None) if district_id is None else Sanction.office_id == district_id
    )


def suspensions(
    contractor_ids: list[int], on: date, district_id: int | None = None
) -> dict[int, list[Period]]:
    """The pool's suspension source (contractors.queries.active_members applies it): every
    suspension [from, until) and removal [from, ∞) of these companies decided by the district
    `district_id` — a sanction acts on the deciding district's pool only — from its decision
    on: the restriction is derived from its dates, so it ends with nobody touching it."""
    if not contractor_ids:
        return {}
    rows = db.session.execute(
        select(Sanction.contractor_id, Sanction.starts_on, Sanction.until).where(
            Sanction.contractor_id.in_(contractor_ids),
            Sanction.kind.in_([rules.SanctionKind.SUSPENSION, rules.SanctionKind.REMOVAL]),
            _of_district(district_id),
        )
    ).all()
    found: dict[int, list[Period]] = {}
    for cid, start, until in rows:
        found.setdefault(cid, []).append(Period(start, until))
    return found


def restriction_on(contractor_id: int, on: date, district_id: int | None = None) -> str | None:
    """ "removal" or "suspension" when one keeps the company out of the pool on `on` (a removal
    first), else None: the standing its record and the roster show — in the pool of
    `district_id`, or in any district's pool when None."""
    stmt = select(Sanction.kind, Sanction.starts_on, Sanction.until).where(
        Sanction.contractor_id == contractor_id
    )
    if district_id is not None:
        stmt = stmt.where(Sanction.office_id == district_id)
    rows = db.session.execute(stmt).all()
    kinds = {k for k, start, until in rows if rules.restriction_covers(k, start, until, on)}
    for k in (rules.SanctionKind.REMOVAL, rules.SanctionKind.SUSPENSION):
        if k in kinds:
            return k.value
    return None


# ---- cases ------------------------------------------------------------------------------------


def get_case(case_id: int) -> MisconductCase | None:
    return db.session.get(MisconductCase, case_id)


def cases(actor=None) -> list[MisconductCase]:
    """The cases `actor` covers (its district's; every case for None or the deployment's
    administrator), newest first (staff and supervisors)."""
    stmt = select(MisconductCase).order_by(MisconductCase.id.desc())
    if actor is not None and (clause := scope_clause(MisconductCase.office_id, actor)) is not None:
        stmt = stmt.where(clause)
    return list(db.session.scalars(stmt))


def cases_of(contractor_id: int) -> list[MisconductCase]:
    return list(
        db.session.scalars(
            select(MisconductCase)
            .where(MisconductCase.contractor_id == contractor_id)
            .order_by(MisconductCase.id.desc())
        )
    )


def state_of(c: MisconductCase) -> rules.CaseState:
    return rules.case_state(
        rules.CaseFacts(c.statement_ends_at, c.stated_at, c.decided_at, c.outcome), clock.now()
    )


# ---- sanctions --------------------------------------------------------------------------------


def get_sanction(sanction_id: int) -> Sanction | None:
    return db.session.get(Sanction, sanction_id)


def sanction_state(s: Sanction, today: date | None = None) -> rules.SanctionState:
    published = clock.local(s.published_at).date() if s.published_at else None
    return rules.sanction_state(published, s.shown_until, today or clock.today())


def published(
    *,
    archived: bool | None = None,
    uscc: str | None = None,
    district_id: int | None = None,
    since: datetime | None = None,
) -> list[Sanction]:
    """Published sanctions, newest first: current ones (archived False), archived ones (True),
    or all (None); of one company when `uscc` is given; decided by one district when
    `district_id` is given; changed at or after `since` when given (`changed_since`)."""
    today = clock.today()
    stmt = (
        select(Sanction)
        .join(Contractor, Sanction.contractor_id == Contractor.id)
        .where(Sanction.notice_id.is_not(None))
        .order_by(Sanction.published_at.desc(), Sanction.id.desc())
    )
    if uscc is not None:
        stmt = stmt.where(Contractor.uscc == uscc)
    if district_id is not None:
        stmt = stmt.where(Sanction.office_id == district_id)
    if archived is True:
        stmt = stmt.where(Sanction.shown_until.is_not(None), Sanction.shown_until <= today)
    elif archived is False:
        stmt = stmt.where(or_(Sanction.shown_until.is_(None), Sanction.shown_until > today))
    if since is not None:
        stmt = stmt.where(changed_since(since))
    return list(db.session.scalars(stmt))


def changed_since(since: datetime):
    """Published sanctions that changed at or after `since` (the API's `?since=`): published
    then, or changed then (arts. 10–11: a change of a published sanction is public)."""
    return or_(
        Sanction.published_at >= since,
        Sanction.changes.any(SanctionChange.changed_at >= since),
    )


def last_changed(s: Sanction) -> datetime:
    """When a published sanction last changed: its publication or its latest change."""
    return max([s.published_at, *(c.changed_at for c in s.changes)])


def restricting_published(on: date) -> list[Sanction]:
    """Published suspensions and removals in force on `on` (the roster names them)."""
    return [s for s in published() if rules.restriction_covers(s.kind, s.starts_on, s.until, on)]


def public_sanction(sanction_id: int) -> Sanction | None:
    s = get_sanction(sanction_id)
    return s if s is not None and s.notice_id is not None else None


def changes_of(sanction_id: int) -> list[SanctionChange]:
    return list(
        db.session.scalars(
            select(SanctionChange)
            .where(SanctionChange.sanction_id == sanction_id)
            .order_by(SanctionChange.id)
        )
    )


def corrections_of(sanction_id: int) -> list[SanctionCorrection]:
    return list(
        db.session.scalars(
            select(SanctionCorrection)
            .where(SanctionCorrection.sanction_id == sanction_id)
            .order_by(SanctionCorrection.id)
        )
    )


def get_correction(correction_id: int) -> SanctionCorrection | None:
    return db.session.get(SanctionCorrection, correction_id)


def api_row(s: Sanction) -> dict:
    """`GET /api/v1/sanctions`: the field names are the public contract (DESIGN.md)."""
    return {
        "uscc": s.contractor.uscc,
        "name": s.contractor.name,
        "kind": s.kind,
        "reason": s.reason,
        "basis": s.basis,
        "decision": s.decision,
        "decided_at": clock.local(s.decided_at).isoformat(),
        "decided_by": s.decided_by,
        "from": s.starts_on.isoformat(),
        "until": s.until.isoformat() if s.until else None,
        "notice_id": s.notice_id,
        "shown_until": s.shown_until.isoformat() if s.shown_until else None,
        "office": ref(find_office(s.office_id)),
    }


def publish_due(s: Sanction):
    """The publication deadline (art. 6): as stored at the decision, or computed now that the
    year it reaches is confirmed; None while it still cannot be (never guessed)."""
    if s.publish_due_at is not None:
        return s.publish_due_at
    return timeliness.publish_due("sanction", s.decided_at)


# ---- deadlines (app.deadlines) ------------------------------------------------------------------


def _among(column, office_ids: list[int] | None) -> tuple:
    return () if office_ids is None else (column.in_(office_ids),)


def deadlines(office_ids: list[int] | None = None) -> list[Deadline]:
    """case.statement (the company's period, while it runs or once it stated), sanction.publish (20 工作日, art. 6) and
    correction.answer (5 工作日, art. 13) of open records and of those closed in the last 30 days;
    of the districts `office_ids` only when given (an account's scope, `scope_ids`)."""
    now = clock.now()
    since = now - timedelta(days=30)
    out: list[Deadline] = []
    for c in db.session.scalars(
        select(MisconductCase).where(
            or_(MisconductCase.decided_at.is_(None), MisconductCase.decided_at >= since),
            *_among(MisconductCase.office_id, office_ids),
        )
    ):
        if c.stated_at is None and c.statement_ends_at <= now:
            # The company let its period pass without a statement: its right, nobody's missed
            # deadline (the supervisors' "missed" is for the office's duties).
            continue
        out.append(
            Deadline(
                kind="case.statement",
                label="企业陈述申辩",
                label_en="The company states its case",
                subject=f"{c.contractor.name}（案件{c.id}）",
                subject_en=f"{c.contractor.name} (case {c.id})",
                url=url_for("sanctions_staff.case", case_id=c.id),
                due_at=c.statement_ends_at,
                unit=Unit.WORKING_DAYS,
                length=c.statement_days,
                basis="《中华人民共和国行政处罚法》第四十四条、第四十五条",
                done_at=c.stated_at,
                office_id=c.office_id,
            )
        )
    limit = timeliness.limits().get("sanction")
    for s in db.session.scalars(
        select(Sanction).where(
            or_(Sanction.published_at.is_(None), Sanction.published_at >= since),
            *_among(Sanction.office_id, office_ids),
        )
    ):
        due = publish_due(s)
        if due is None:
            continue
        out.append(
            Deadline(
                kind="sanction.publish",
                label="发布不良行为处理公告",
                label_en="Publish the sanction",
                subject=f"{s.contractor.name}（案件{s.case_id}）",
                subject_en=f"{s.contractor.name} (case {s.case_id})",
                url=url_for("sanctions_staff.case", case_id=s.case_id),
                due_at=due,
                unit=Unit.DAYS if limit and limit.unit == "days" else Unit.WORKING_DAYS,
                length=limit.days if limit else rules.PUBLISH_DAYS,
                basis=f"{ART}第六条",
                done_at=s.published_at,
                office_id=s.office_id,
            )
        )
    for r in db.session.scalars(
        select(SanctionCorrection)
        .join(Sanction, SanctionCorrection.sanction_id == Sanction.id)
        .where(
            or_(SanctionCorrection.answered_at.is_(None), SanctionCorrection.answered_at >= since),
            *_among(Sanction.office_id, office_ids),
        )
    ):
        out.append(
            Deadline(
                kind="correction.answer",
                label="答复更正申请",
                label_en="Answer the correction request",
                subject=f"{r.sanction.contractor.name}（案件{r.sanction.case_id}）",
                subject_en=f"{r.sanction.contractor.name} (case {r.sanction.case_id})",
                url=url_for("sanctions_staff.case", case_id=r.sanction.case_id),
                due_at=r.answer_due_at,
                unit=Unit.WORKING_DAYS,
                length=rules.CORRECTION_ANSWER_DAYS,
                basis=f"{ART}第十三条",
                done_at=r.answered_at,
                office_id=r.sanction.office_id,
            )
        )
    return out
