"""Reads for OCDS: the public facts of projects in a fixed number of queries whatever their
number (no query per round or per company), and the change feed's keyset page."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from flask import url_for
from sqlalchemy import func, literal, select, tuple_, union_all
from sqlalchemy.orm import selectinload

from app import clock
from app.extensions import db
from app.offices.queries import office_index
from app.types import UTCDateTime
from contractors.models import Contractor, PoolCall, PoolCallCategory, PoolCategory
from contractors.sanctions.models import MisconductCase, Sanction
from contracts import rules
from contracts.evaluations.models import Evaluation
from contracts.models import Contract, Project, Refusal, Trading
from contracts.ocds import mapping as m
from contracts.queries import plausible_code
from contracts.queries.public import category_names
from lottery.models import Draw
from notices.models import Notice, NoticeStatus

#: What a sanction's case names when it arose from a trading round (its code): a refusal to sign
#: or a failed evaluation (contracts.services.contract, contracts.evaluations.services).
ROUND_SOURCES = ("refusal", "evaluation")


def public_project(code: str) -> Project | None:
    """A filed project by its code or by one of its rounds' codes (the tail of an `ocid`)."""
    if not plausible_code(code):
        return None
    return db.session.scalar(
        select(Project)
        .outerjoin(Trading, Trading.project_id == Project.id)
        .where(Project.filing == rules.Filing.FILED)
        .where((Project.code == code) | (Trading.code == code))
        .options(selectinload(Project.tradings))
        .limit(1)
    )


def facts(projects: list[Project]) -> list[m.Project]:
    """The mapping's facts of `projects` (their tradings loaded): eight queries in all."""
    tradings = [t for p in projects for t in p.tradings]
    t_ids = [t.id for t in tradings]
    codes = [t.code for t in tradings]
    notice_ids = {i for t in tradings for i in (t.notice_id, t.result_notice_id) if i}
    refusals = _by(
        db.session.scalars(
            select(Refusal).where(Refusal.trading_id.in_(t_ids)).order_by(Refusal.id)
        ),
        "trading_id",
        many=True,
    )
    notice_ids |= {r.correction_notice_id for rs in refusals.values() for r in rs}
    notice_ids.discard(None)
    notices = {
        n.id: n
        for n in db.session.scalars(
            select(Notice).where(Notice.id.in_(notice_ids), Notice.status == NoticeStatus.PUBLISHED)
        )
    }
    draw_ids = [i for t in tradings for i in (t.award_draw_id, t.rate_draw_id)]
    draws = {
        d.draw_id: d for d in db.session.scalars(select(Draw).where(Draw.draw_id.in_(draw_ids)))
    }
    contracts = _by(
        db.session.scalars(select(Contract).where(Contract.trading_id.in_(t_ids))), "trading_id"
    )
    evaluations = _by(
        db.session.scalars(
            select(Evaluation).where(Evaluation.contract_id.in_([c.id for c in contracts.values()]))
        ),
        "contract_id",
    )
    sanctions: dict[str, list[m.Sanction]] = {}
    rows = db.session.execute(
        select(
            Sanction, MisconductCase.ref, MisconductCase.source, Contractor.uscc, Contractor.name
        )
        .join(MisconductCase, Sanction.case_id == MisconductCase.id)
        .join(Contractor, Sanction.contractor_id == Contractor.id)
        .where(
            Sanction.notice_id.is_not(None),
            MisconductCase.ref.in_(codes),
            MisconductCase.source.in_(ROUND_SOURCES),
        )
        .order_by(Sanction.published_at, Sanction.id)
    )
    for s, ref, source, uscc, name in rows:
        sanctions.setdefault(ref, []).append(
            m.Sanction(
                id=s.id,
                company=m.Company(uscc, name),
                source=source,
                kind=s.kind,
                reason=s.reason,
                basis=s.basis,
                starts_on=s.starts_on,
                until=s.until,
                published_at=s.published_at,
                url=url_for("sanctions.detail", sanction_id=s.id, _external=True),
            )
        )
    people = {c.contractor_id for c in contracts.values()} | {
        r.contractor_id for rs in refusals.values() for r in rs
    }
    companies = {
        r.id: m.Company(r.uscc, r.name)
        for r in db.session.execute(
            select(Contractor.id, Contractor.uscc, Contractor.name).where(Contractor.id.in_(people))
        )
    }
    frameworks = _frameworks()
    offices = office_index()
    names = category_names()
    out = []
    for p in projects:
        office = offices.get(p.office_id)
        district = office.parent_id or office.id if office else None
        rounds = []
        for t in p.tradings:
            contract = contracts.get(t.id)
            rounds.append(
                _round(
                    t,
                    notices,
                    draws,
                    refusals.get(t.id, []),
                    contract,
                    evaluations.get(contract.id) if contract else None,
                    sanctions.get(t.code, []),
                    companies,
                )
            )
        announced = p.tradings[0].created_at if p.tradings else p.filed_at
        out.append(
            m.Project(
                code=p.code,
                name=p.name,
                owner_name=p.owner_name,
                kind=p.kind,
                category_code=p.category_code,
                category_name=names.get(p.category_code, p.category_code),
                estimate=p.estimate,
                control_price=p.control_price,
                non_competitive_part=p.non_competitive_part,
                duration_days=p.duration_days,
                scope=p.scope,
                filed_at=p.filed_at,
                office_code=office.code if office else "",
                office_name=office.name if office else "",
                url=url_for("projects.detail", code=p.code, _external=True),
                framework=_framework_of(frameworks, p.category_code, district, announced),
                rounds=rounds,
            )
        )
    return out


def _by(rows, attr: str, many: bool = False) -> dict:
    out: dict = {}
    for row in rows:
        if many:
            out.setdefault(getattr(row, attr), []).append(row)
        else:
            out[getattr(row, attr)] = row
    return out


def _document(n: Notice | None, kind: str) -> m.Document | None:
    if n is None:
        return None
    return m.Document(
        id=f"notice-{n.id}",
        type=kind,
        title=n.title,
        url=url_for("notices.detail", notice_id=n.id, _external=True),
        published=n.published_at,
    )


def _round(t: Trading, notices, draws, refusals, contract, evaluation, sanctions, companies):
    award = draws.get(t.award_draw_id)
    held = t.held_at is not None and award is not None
    # The respondents are public from the meeting on, as on the project page (DESIGN.md B.4).
    respondents = [m.Company(u, award.label(u)) for u in (award.candidates or [])] if held else []
    ranking = [m.Company(u, award.label(u)) for u in (award.result or [])] if held else []
    label = {c.uscc: c for c in ranking}
    return m.Round(
        code=t.code,
        round=t.round,
        announced_at=t.created_at,
        responses_close_at=t.responses_close_at,
        meeting_at=t.meeting_at,
        rate_options=list(t.rate_options or []),
        notice=_document(notices.get(t.notice_id), "tenderNotice"),
        draws=[
            m.Draw(t.award_draw_id, "award", _draw_url(t.award_draw_id)),
            m.Draw(t.rate_draw_id, "discountRate", _draw_url(t.rate_draw_id)),
        ],
        held_at=t.held_at if t.outcome else None,
        outcome=t.outcome,
        failed_reason=t.failed_reason,
        respondents=respondents,
        ranking=ranking,
        discount_rate=t.discount_rate,
        contract_price=t.contract_price,
        result_notice=_document(
            notices.get(t.result_notice_id), "awardNotice" if ranking else "tenderNotice"
        ),
        refusals=[
            m.Refusal(
                at=r.recorded_at,
                refused=companies[r.contractor_id],
                passed_to=label.get(r.passed_to_uscc) if r.passed_to_uscc else None,
                notice=_document(notices.get(r.correction_notice_id), "awardNotice"),
            )
            for r in refusals
        ],
        contract=m.Contract(
            signed_on=contract.signed_on,
            amount=contract.amount,
            amount_reason=contract.amount_reason,
            recorded_at=contract.recorded_at,
            supplier=companies[contract.contractor_id],
        )
        if contract
        else None,
        evaluation=m.Evaluation(evaluation.completed_on, evaluation.result, evaluation.evaluated_at)
        if evaluation
        else None,
        sanctions=sanctions,
    )


def _draw_url(draw_id: str) -> str:
    return url_for("draws.detail", draw_id=draw_id, _external=True)


@dataclass(frozen=True)
class _Call:
    category_code: str
    district_id: int
    valid_from: date
    valid_until: date
    framework: m.Framework


def _frameworks() -> list[_Call]:
    """Every pool round whose roster was published, per category (a small table)."""
    rows = db.session.execute(
        select(PoolCall, PoolCategory.code)
        .join(PoolCallCategory, PoolCallCategory.call_id == PoolCall.id)
        .join(PoolCategory, PoolCallCategory.category_id == PoolCategory.id)
        .where(PoolCall.roster_notice_id.is_not(None))
        .order_by(PoolCall.valid_from.desc(), PoolCall.id.desc())
    )
    return [
        _Call(
            code,
            call.office_id,
            call.valid_from,
            call.valid_until,
            m.Framework(
                call.code, call.title, url_for("pool.call", call_id=call.id, _external=True)
            ),
        )
        for call, code in rows
    ]


def _framework_of(calls: list[_Call], category: str, district: int | None, when: datetime):
    """The pool round the project's respondents come from: its district's call of the
    category whose roster is valid on the day the trading was announced (THE rule of
    contractors.queries.active_members: a project draws from its district's pool)."""
    day = clock.local(when).date()
    for c in calls:
        if (c.category_code, c.district_id) == (category, district) and (
            c.valid_from <= day <= c.valid_until
        ):
            return c.framework
    return None


# ---- the change feed ----------------------------------------------------------------------


def changed_at():
    """A subquery (project_id, changed_at): each filed project's latest release moment — the
    same moments `mapping.last_changed` takes (tests/integration/test_ocds.py holds them equal)."""
    T, C, R = Trading, Contract, Refusal
    events = union_all(
        select(Project.id.label("pid"), Project.filed_at.label("at")).where(
            Project.filing == rules.Filing.FILED
        ),
        select(T.project_id, T.created_at),
        select(T.project_id, T.held_at).where(T.held_at.is_not(None), T.outcome.is_not(None)),
        select(T.project_id, R.recorded_at).join(R, R.trading_id == T.id),
        select(T.project_id, C.recorded_at).join(C, C.trading_id == T.id),
        select(T.project_id, Evaluation.evaluated_at)
        .join(C, C.trading_id == T.id)
        .join(Evaluation, Evaluation.contract_id == C.id),
        select(T.project_id, Sanction.published_at)
        .join(MisconductCase, MisconductCase.ref == T.code)
        .join(Sanction, Sanction.case_id == MisconductCase.id)
        .where(Sanction.notice_id.is_not(None), MisconductCase.source.in_(ROUND_SOURCES)),
    ).subquery()
    return select(events.c.pid, func.max(events.c.at).label("at")).group_by(events.c.pid).subquery()


#: The feed lists a change once it is this old: a step is stamped when its transaction begins
#: and visible when it commits, so a change stamped just before a client's read could commit just
#: after it, behind the client's cursor. No transaction of the platform lasts this long.
SETTLE = timedelta(seconds=30)


@dataclass(frozen=True)
class FeedRow:
    project: Project
    changed_at: datetime


def feed_page(since: datetime | None, after: int | None, per_page: int) -> tuple[list, bool]:
    """Filed projects by (last change, id), oldest change first, from `since` (inclusive) or
    after the row (since, after), up to SETTLE ago; one page and whether there is more. Ascending, so a project
    that changes while a client reads moves to the end instead of out of the page it was on."""
    ch = changed_at()
    at = ch.c.at
    stmt = (
        select(Project, at)
        .join(ch, ch.c.pid == Project.id)
        .where(
            Project.filing == rules.Filing.FILED, at <= literal(clock.now() - SETTLE, UTCDateTime())
        )
        .order_by(at, Project.id)
        .limit(per_page + 1)
    )
    if since is not None and after is not None:
        bound = tuple_(literal(since, UTCDateTime()), literal(after))
        stmt = stmt.where(tuple_(at, Project.id) > bound)
    elif since is not None:
        stmt = stmt.where(at >= literal(since, UTCDateTime()))
    rows = db.session.execute(stmt).all()
    return [FeedRow(p, _aware(t)) for p, t in rows[:per_page]], len(rows) > per_page


def _aware(value) -> datetime:
    """max() over a union loses the column type: SQLite hands back text, both databases naive
    UTC. Read it as the column would."""
    if isinstance(value, str):
        value = datetime.fromisoformat(value)
    return UTCDateTime().process_result_value(value.replace(tzinfo=None), None)


def projects_changed_since(start: datetime, after: int, limit: int) -> list[Project]:
    """Filed projects whose latest release is at or after `start` — every project with a
    release on a day from that day's start — by id after `after`: a batch of the bulk download
    (tradings loaded; the releases themselves are picked by date)."""
    ch = changed_at()
    return list(
        db.session.scalars(
            select(Project)
            .join(ch, ch.c.pid == Project.id)
            .where(ch.c.at >= literal(start, UTCDateTime()), Project.id > after)
            .order_by(Project.id)
            .limit(limit)
            .options(selectinload(Project.tradings))
        )
    )
