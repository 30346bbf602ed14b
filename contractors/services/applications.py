"""Applications (申请): submit, amend and withdraw, only while the call's publicity runs."""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import select

from app import audit, clock
from app.audit import Action
from app.errors import refused_as
from app.extensions import db
from app.transactions import transactional
from contractors import queries, rules
from contractors.errors import NotYours, PoolError, PoolNotFound, WindowClosed
from contractors.models import ApplicationEntry, ContractorDocument, PoolApplication

from ._common import get_call, now, own_contractor


def snapshot(a: PoolApplication) -> dict:
    return {
        "call": a.call.code,
        "contractor": a.contractor.uscc,
        "categories": [e.call_category.category.code for e in a.entries],
        "document_ids": list(a.document_ids or []),
        "withdrawn_at": a.withdrawn_at,
    }


def _require_open(call) -> None:
    with refused_as(WindowClosed):
        rules.require_applications_open(queries.facts_of(call), clock.now())


def _entries(call, category_codes: Iterable[str]) -> list:
    by_code = {cc.category.code: cc for cc in call.categories}
    codes = list(dict.fromkeys(category_codes))
    if not codes:
        raise PoolError(
            "请至少选择一个申请类别", "Choose at least one category", field="categories"
        )
    unknown = [c for c in codes if c not in by_code]
    if unknown:
        raise PoolError(
            f"本次征集不含以下类别：{'、'.join(unknown)}",
            f"This call does not offer: {', '.join(unknown)}",
            field="categories",
        )
    return [by_code[c] for c in codes]


def _documents(contractor, document_ids: Iterable[int]) -> list[int]:
    ids = sorted(set(document_ids))
    if ids:
        owned = set(
            db.session.scalars(
                select(ContractorDocument.id).where(
                    ContractorDocument.id.in_(ids),
                    ContractorDocument.contractor_id == contractor.id,
                )
            )
        )
        if owned != set(ids):
            raise PoolError(
                "只能提交本企业上传的材料",
                "Only your own documents can be submitted",
                field="documents",
            )
    return ids


def _sync(a: PoolApplication, wanted: list) -> None:
    keep = {cc.id for cc in wanted}
    for e in list(a.entries):
        if e.call_category_id not in keep:
            a.entries.remove(e)
    have = {e.call_category_id for e in a.entries}
    for cc in wanted:
        if cc.id not in have:
            a.entries.append(ApplicationEntry(call_category=cc))


@transactional
def apply(
    call_id: int, category_codes: Iterable[str], document_ids: Iterable[int] = (), *, actor
) -> PoolApplication:
    """A contractor applies to an open call for one or more categories with its documents.

    One application per company and call: applying again after a withdrawal reopens it.
    """
    contractor = own_contractor(actor)
    call = get_call(call_id, lock=True)
    _require_open(call)
    wanted = _entries(call, category_codes)
    docs = _documents(contractor, document_ids)
    # Read after the call's lock, replacing a copy the page loaded before (populate_existing):
    # an application reopened from another tab meanwhile read as withdrawn and was reopened
    # again, with a second audit entry.
    a = db.session.scalar(
        select(PoolApplication)
        .where(PoolApplication.call_id == call.id, PoolApplication.contractor_id == contractor.id)
        .execution_options(populate_existing=True)
    )
    moment = now()
    before = None
    if a is not None:
        if a.withdrawn_at is None:
            raise PoolError(
                "本企业已提交申请；如需调整类别或材料，请修改原申请",
                "Your company has applied already; amend that application instead",
            )
        before = snapshot(a)
        a.withdrawn_at = None
    else:
        a = PoolApplication(call=call, contractor=contractor, submitted_at=moment)
        db.session.add(a)
    a.document_ids = docs
    a.updated_at = moment
    _sync(a, wanted)
    db.session.flush()
    audit.record(
        Action.POOL_APPLICATION_SUBMITTED,
        "pool_application",
        a.id,
        actor=actor,
        before=before,
        after=snapshot(a) | {"at": moment},
    )
    return a


def _own(application_id: int, actor) -> PoolApplication:
    """The company's own application, read again once its call is locked (as `apply` locks it):
    read before the lock, twenty withdrawals at once each found it not withdrawn and each
    recorded one, and an amendment queued behind a withdrawal amended a withdrawn application."""
    contractor = own_contractor(actor)
    call_id = db.session.scalar(
        select(PoolApplication.call_id).where(PoolApplication.id == application_id)
    )
    if call_id is None:
        raise PoolNotFound("申请不存在", "No such application")
    call = get_call(call_id, lock=True)
    a = db.session.get(PoolApplication, application_id, populate_existing=True)
    if a.contractor_id != contractor.id:
        raise NotYours("只能修改本企业的申请", "You may only change your own application")
    _require_open(call)
    if a.withdrawn_at is not None:
        raise PoolError("申请已撤回", "The application was withdrawn")
    return a


@transactional
def amend_application(
    application_id: int, category_codes: Iterable[str], document_ids: Iterable[int] = (), *, actor
) -> PoolApplication:
    """Change the categories or documents of one's own application while the window is open."""
    a = _own(application_id, actor)
    before = snapshot(a)
    wanted = _entries(a.call, category_codes)
    a.document_ids = _documents(a.contractor, document_ids)
    a.updated_at = now()
    _sync(a, wanted)
    db.session.flush()
    audit.record(
        Action.POOL_APPLICATION_AMENDED,
        "pool_application",
        a.id,
        actor=actor,
        before=before,
        after=snapshot(a) | {"at": a.updated_at},
    )
    return a


@transactional
def withdraw_application(application_id: int, *, actor) -> PoolApplication:
    """Withdraw one's own application while the window is open (it can be reopened by applying)."""
    a = _own(application_id, actor)
    before = snapshot(a)
    a.withdrawn_at = a.updated_at = now()
    db.session.flush()
    audit.record(
        Action.POOL_APPLICATION_WITHDRAWN,
        "pool_application",
        a.id,
        actor=actor,
        before=before,
        after=snapshot(a),
    )
    return a
