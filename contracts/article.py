"""A filed project's article on its public page (templates/contracts/public/_project_article.html),
kept per process for the public while what it shows is unchanged (issue 14), as a notice's is
(notices.article). The route is contracts.views.public's `detail`."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from functools import cache

from flask import current_app, render_template
from flask_login import current_user
from markupsafe import Markup
from sqlalchemy import bindparam, func, select
from sqlalchemy.orm import aliased

from app import clock, i18n, reads
from app.calendar.services import year_days_statement
from app.kept import KeptWhile
from app.offices.queries import office_index
from contractors.models import Contractor
from contractors.views.public import category_label
from contracts import queries, rules
from contracts.complaints import queries as complaint_queries
from contracts.evaluations.models import Evaluation
from contracts.models import (
    Contract,
    Project,
    Refusal,
    Trading,
    TradingResponse,
    TradingSuspension,
)
from contracts.objections import queries as objection_queries
from lottery.models import Draw
from notices.models import Notice

#: Projects × languages × addresses whose articles a process keeps (emptied when full).
ARTICLES_KEPT = 256
#: Where an app keeps them (its `extensions`).
_KEPT = KeptWhile("smallworks.project_articles", ARTICLES_KEPT)
#: The clock's ends when nothing on a page changes by it.
_EARLIEST = datetime.min.replace(tzinfo=UTC)
_LATEST = datetime.max.replace(tzinfo=UTC)


@dataclass(frozen=True, slots=True)
class Head:
    """What the page shows of its project outside the article (its title and meta tags)."""

    code: str
    name: str
    filed_at: datetime | None
    office_id: int | None


def article(code: str) -> tuple[Head, Markup] | None:
    """The article of the filed project `code` and its head, or None if the public may not see
    it: what the project's page writes below its masthead, byte for byte.

    For the public (no one signed in: the article offers a signed-in company its forms and its
    staff their letter), kept for each project, language and address (`address_key`: the links
    are relative to it) while everything it is written from is equal to what this request read
    (`_rows`: the project and its rounds, their notices, draws, response counts, refusals,
    contracts and evaluations, suspensions, answered objections, complaint decisions, files and
    the working-day calendar; the offices — the same object while their table is — and the
    category's name) and the clock is between the moments at which something on it changes by
    the clock alone (`_moments`). The reads are made on every request, so a change, however made
    (a service, SQL by hand, another process), shows on the next one; what is saved is the
    ORM's objects, the rounds' views and the template (~2 ms of a signed project's 3)."""
    slot = None
    if not current_user.is_authenticated:
        address = current_app.address_key()
        if address is not None:
            slot = (code, str(i18n.request_locale()), address)
    if slot is not None:
        rows = _rows(code)
        if rows is None:
            return None
        inputs = (office_index(), rows, category_label(rows[0][0][_CATEGORY]))
        found = _KEPT.get(slot, inputs, clock.now())
        if found is not None:
            return found

    p = queries.get_public_project(code)
    if p is None:
        return None
    now = clock.now()
    page = queries.project_page(p)
    trading = page.current.trading if page.current else None
    markup = Markup(  # noqa: S704 (the template's, escaped as it writes)
        render_template(
            "contracts/public/_project_article.html",
            page=page,
            project=p,
            trading=trading,
            # Complaints (投诉): the published decisions of every round, and the form's link
            # while a complaint may still be filed.
            complaint_decisions=complaint_queries.decision_notices_of_project(p.id)
            if p.tradings
            else [],
            complaint_open=trading is not None and complaint_queries.filing_open(trading, None),
            # Performance evaluation (履约评价) of the latest contract, None before one exists.
            evaluation=page.latest_evaluation,
        )
    )
    head = Head(p.code, p.name, p.filed_at, p.office_id)
    if slot is not None:
        since, until = _span(_moments(p, trading), now)
        _KEPT.put(slot, inputs, since, until, (head, markup))
    return head, markup


def _moments(p: Project, trading: Trading | None) -> list[datetime]:
    """The moments at which the article may change by the clock alone: each round's response
    deadline (its count of responses shows from then, and the project's state reads it), the
    windows of objection to the current round, and the end of its complaint window."""
    found = [t.responses_close_at for t in p.tradings]
    found += objection_queries.window_moments(trading)
    if trading is not None:
        ends = complaint_queries.filing_ends(trading, None)
        if ends is not None:
            found.append(ends)
    return found


def _span(moments: list[datetime], now: datetime) -> tuple[datetime, datetime]:
    """The moments before and after `now` (`since` <= now < `until`) between which nothing that
    changes at `moments` changes."""
    since = max((m for m in moments if m <= now), default=_EARLIEST)
    until = min((m for m in moments if m > now), default=_LATEST)
    return since, until


#: The positions of the project's id and category among the columns of `_rows`' first
#: statement, and of its round's id (None for a project not yet announced).
_PROJECT_ID = list(Project.__table__.c.keys()).index("id")
_CATEGORY = list(Project.__table__.c.keys()).index("category_code")
_TRADING = len(Project.__table__.c) + list(Trading.__table__.c.keys()).index("id")


def _rows(code: str) -> tuple | None:
    """Everything the article is written from, as the driver gives it (app.reads.driver_rows:
    compared, never read into objects), or None if no filed project has `code`: the project with
    its rounds and each round's one-to-one records (`_statements`' "project"), then its files
    and, once announced, the records of which a round has several, the decisions and the
    working-day calendar (`_OF_ROUNDS`)."""
    if not queries.plausible_code(code):
        return None
    statements = _statements()
    project = reads.driver_rows(statements["project"], {"code": code})
    if not project:
        return None
    of_project = {"project_id": project[0][_PROJECT_ID]}
    names = _OF_ROUNDS if project[0][_TRADING] is not None else ("attachments",)
    return project, *reads.driver_rows_of(
        (statements[name], None if name == "calendar" else of_project) for name in names
    )


#: `_statements` read by the project's id once it has a round (before: its files only).
_OF_ROUNDS = ("attachments", "refusals", "suspensions", "objections", "decisions", "calendar")


@cache
def _statements() -> dict:
    """`_rows`' statements, built once per process. "project": every column of the project and
    of each of its rounds, with what a round has one of (its notice's and its result notice's
    state, title and publication; its award draw's candidates, ranking and names; its contract,
    the contract's company and evaluation; its count of responses), in one statement of a row
    per round; then, by the project's id, its refusals with their companies and correction
    notices, its suspensions and the page's own statements (files, answered objections,
    complaint decisions) and the calendar."""
    project_id = bindparam("project_id")
    of_project = select(Trading.id).where(Trading.project_id == project_id)
    notice, result = aliased(Notice), aliased(Notice)
    contractor = aliased(Contractor)

    def shown(n):
        return n.status, n.title, n.published_at

    responses = (
        select(func.count(TradingResponse.id))
        .where(TradingResponse.trading_id == Trading.id, TradingResponse.withdrawn_at.is_(None))
        .scalar_subquery()
    )
    return {
        "project": select(
            *Project.__table__.c,
            *Trading.__table__.c,
            *shown(notice),
            *shown(result),
            Draw.candidates,
            Draw.result,
            Draw.candidate_labels,
            *Contract.__table__.c,
            contractor.uscc,
            contractor.name,
            *Evaluation.__table__.c,
            responses,
        )
        .outerjoin(Trading, Trading.project_id == Project.id)
        .outerjoin(notice, notice.id == Trading.notice_id)
        .outerjoin(result, result.id == Trading.result_notice_id)
        .outerjoin(Draw, Draw.draw_id == Trading.award_draw_id)
        .outerjoin(Contract, Contract.trading_id == Trading.id)
        .outerjoin(contractor, contractor.id == Contract.contractor_id)
        .outerjoin(Evaluation, Evaluation.contract_id == Contract.id)
        .where(Project.code == bindparam("code"), Project.filing == rules.Filing.FILED)
        .order_by(Trading.round),
        "attachments": queries.attachments_statement(),
        "refusals": select(*Refusal.__table__.c, Contractor.uscc, Contractor.name, *shown(Notice))
        .outerjoin(Contractor, Contractor.id == Refusal.contractor_id)
        .outerjoin(Notice, Notice.id == Refusal.correction_notice_id)
        .where(Refusal.trading_id.in_(of_project))
        .order_by(Refusal.id),
        "suspensions": select(*TradingSuspension.__table__.c)
        .where(TradingSuspension.trading_id.in_(of_project))
        .order_by(TradingSuspension.id),
        "objections": objection_queries.answered_statement(),
        "decisions": complaint_queries.decision_notices_statement(),
        "calendar": year_days_statement(),
    }


__all__ = ["ARTICLES_KEPT", "Head", "article"]
